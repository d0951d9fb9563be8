import { CreateWebhookRequest, DeliveryStatus, ListWebhooksRequest, UpdateWebhookRequest } from "@relata/proto/integrations/v1/webhook";
import { crudRoutes, IdParams, listReply, page, route, type RouteSpec } from "@relata/platform/http";
import type { IntegrationsClients } from "../../client";
import { DELIVERY_STATUS } from "../../codec/webhook";
import { webhook } from "../../resources";
import {
  DeliveriesQuery,
  DeliveryParams,
  RotateSecretInput,
  WebhookDeliveryJson,
  webhookDeliveryJson,
  WebhookDeliveryPage,
  WebhookEventTypeList,
  WebhookSecretJson,
  webhookSecretJson,
} from "../schemas/webhooks";

/** The permission rows of the webhooks' custom verbs (the gateway's table holds them). */
export const WEBHOOK_OPERATIONS = {
  eventTypes: "webhooks.eventTypes",
  secret: "webhooks.secret",
  deliveries: "webhooks.deliveries",
  redeliver: "webhooks.redeliver",
  ping: "webhooks.ping",
} as const;

const TAG = "Webhooks";

export function webhookRoutes(integrations: IntegrationsClients): RouteSpec[] {
  // Before crudRoutes: "event-types" is not a webhook's id.
  const eventTypes = route({
    operationId: "listWebhookEventTypes",
    method: "get",
    path: "/v1/webhooks/event-types",
    operation: WEBHOOK_OPERATIONS.eventTypes,
    tag: TAG,
    summary: "The event types a webhook may subscribe to (patterns: * for one word, a final > for one or more)",
    responses: { 200: { description: "Every subscribable type.", schema: WebhookEventTypeList } },
    handler: async (ctx) => {
      const res = await integrations.webhooks.listWebhookEventTypes({}, ctx.call);
      return { body: { data: res.eventTypes.map((t) => ({ type: t.type, description: t.description })) } };
    },
  });
  const crud = crudRoutes(
    webhook,
    {
      list: async (request, call) => {
        const res = await integrations.webhooks.listWebhooks(ListWebhooksRequest.fromPartial(request), call);
        return { records: res.webhooks, nextCursor: res.page?.nextCursor };
      },
      create: (request, call) => integrations.webhooks.createWebhook(CreateWebhookRequest.fromPartial(request), call),
      get: (request, call) => integrations.webhooks.getWebhook(request, call),
      update: (request, call) => integrations.webhooks.updateWebhook(UpdateWebhookRequest.fromPartial(request), call),
      delete: (request, call) => integrations.webhooks.deleteWebhook(request, call),
      restore: (request, call) => integrations.webhooks.restoreWebhook(request, call),
    },
    {
      tag: TAG,
      summaries: {
        create: "Subscribe an endpoint to event types (its signing secret is made here: read it with GET /v1/webhooks/{id}/secret)",
        update: 'Change a webhook: url, description, event types; status "disabled" pauses it, "active" enables it again',
      },
    },
  );
  return [
    eventTypes,
    ...crud,
    route({
      operationId: "getWebhookSecret",
      method: "get",
      path: "/v1/webhooks/:id/secret",
      operation: WEBHOOK_OPERATIONS.secret,
      tag: TAG,
      summary: "The webhook's signing secret (and the previous one while a rotation's overlap lasts)",
      params: IdParams,
      responses: { 200: { description: "The secrets.", schema: WebhookSecretJson } },
      handler: async (ctx) => ({ body: webhookSecretJson(await integrations.webhooks.getWebhookSecret({ id: ctx.params.id }, ctx.call)) }),
    }),
    route({
      operationId: "rotateWebhookSecret",
      method: "post",
      path: "/v1/webhooks/:id/secret/rotate",
      operation: WEBHOOK_OPERATIONS.secret,
      tag: TAG,
      summary: "A new signing secret; the previous one keeps signing alongside it for the overlap (attempts carry both signatures)",
      params: IdParams,
      body: RotateSecretInput,
      responses: { 200: { description: "The secrets after the rotation.", schema: WebhookSecretJson } },
      handler: async (ctx) => ({
        body: webhookSecretJson(await integrations.webhooks.rotateWebhookSecret({ id: ctx.params.id, overlapSeconds: ctx.body.overlapSeconds ?? 0 }, ctx.call)),
      }),
    }),
    route({
      operationId: "listWebhookDeliveries",
      method: "get",
      path: "/v1/webhooks/:id/deliveries",
      operation: WEBHOOK_OPERATIONS.deliveries,
      tag: TAG,
      summary: "The webhook's delivery log, newest first: status, attempts with their status, latency and the start of the answer",
      params: IdParams,
      query: DeliveriesQuery,
      responses: { 200: page(WebhookDeliveryPage) },
      handler: async (ctx) => {
        const res = await integrations.webhooks.listWebhookDeliveries(
          {
            webhookId: ctx.params.id,
            page: { pageSize: ctx.query.limit ?? 0, cursor: ctx.query.cursor ?? "", sort: "" },
            status: ctx.query.status ? DELIVERY_STATUS[ctx.query.status] : DeliveryStatus.DELIVERY_STATUS_UNSPECIFIED,
            eventType: ctx.query.eventType ?? "",
          },
          ctx.call,
        );
        return listReply(ctx, res.deliveries.map(webhookDeliveryJson), res.page?.nextCursor);
      },
    }),
    route({
      operationId: "getWebhookDelivery",
      method: "get",
      path: "/v1/webhooks/:id/deliveries/:deliveryId",
      operation: WEBHOOK_OPERATIONS.deliveries,
      tag: TAG,
      summary: "One delivery with every attempt",
      params: DeliveryParams,
      responses: { 200: { description: "The delivery.", schema: WebhookDeliveryJson } },
      handler: async (ctx) => ({ body: webhookDeliveryJson(await integrations.webhooks.getWebhookDelivery({ webhookId: ctx.params.id, id: ctx.params.deliveryId }, ctx.call)) }),
    }),
    route({
      operationId: "redeliverWebhookDelivery",
      method: "post",
      path: "/v1/webhooks/:id/deliveries/:deliveryId/redeliver",
      operation: WEBHOOK_OPERATIONS.redeliver,
      tag: TAG,
      summary: "Send a delivery again now, as a new series of attempts (409 while the webhook is disabled)",
      params: DeliveryParams,
      responses: { 202: { description: "The delivery, pending its new attempt.", schema: WebhookDeliveryJson } },
      handler: async (ctx) => ({
        status: 202,
        body: webhookDeliveryJson(await integrations.webhooks.redeliverWebhookDelivery({ webhookId: ctx.params.id, id: ctx.params.deliveryId }, ctx.call)),
      }),
    }),
    route({
      operationId: "pingWebhook",
      method: "post",
      path: "/v1/webhooks/:id/ping",
      operation: WEBHOOK_OPERATIONS.ping,
      tag: TAG,
      summary: "Send a webhook.ping event to the endpoint now; the delivery is in the log (409 while the webhook is disabled)",
      params: IdParams,
      responses: { 202: { description: "The ping's delivery, pending its attempt.", schema: WebhookDeliveryJson } },
      handler: async (ctx) => ({ status: 202, body: webhookDeliveryJson(await integrations.webhooks.pingWebhook({ id: ctx.params.id }, ctx.call)) }),
    }),
  ];
}
