import { enumCodec, f, resource } from "@relata/platform/resource";
import { CreateWebhookRequest, ListWebhooksRequest, UpdateWebhookRequest, Webhook, WebhookStatus } from "@relata/proto/integrations/v1/webhook";
import { WEBHOOK_MANAGERS } from "./roles";

/**
 * Integrations' CRUD resources, described once (API schemas, input checks, collection, codec,
 * event subjects, permission rows). This module imports no runtime of the service, so the
 * gateway can import it through `@relata/integrations/resources`.
 */

export * from "./roles";

export const webhookStatus = enumCodec(WebhookStatus, "WEBHOOK_STATUS_");

/** Patterns are words of lower-case letters, digits and "_", "*" or a final ">". */
export const EVENT_TYPE_PATTERN = /^([a-z0-9_]+|\*)(\.([a-z0-9_]+|\*))*(\.>)?$|^>$/;

export const webhook = resource<Webhook, CreateWebhookRequest, UpdateWebhookRequest, ListWebhooksRequest>()({
  name: "integrations.webhook",
  path: "/v1/webhooks",
  collection: "webhooks",
  fields: {
    url: f
      .endpointUrl(2000)
      .required()
      .dependsOn("the installation's network policy: https unless it allows http; a host that is not, nor resolves to, a private, loopback, link-local or cloud-metadata address unless it allows that network")
      .example("https://partner.example/hooks/relata")
      .describe(
        "Where deliveries are POSTed: https (http only where the installation allows it), a host name of ASCII letters, digits and inner hyphens (an internationalised name is not taken yet), an IPv4 or a bracketed IPv6 address, an optional port, no credentials; its host must not be, nor resolve to, a private, loopback, link-local or cloud-metadata address unless the installation allows that network (checked again on every send).",
      ),
    description: f.text(500),
    eventTypes: f
      .list(f.text(200, { pattern: { regex: EVENT_TYPE_PATTERN, message: 'must be an event type or a pattern ("sales.lead.*", "sales.>")' } }), 50)
      .required()
      .relatesTo("at least one: an empty list is refused")
      .example(["sales.lead.created", "sales.opportunity.*"])
      .describe('Event types ("sales.lead.created") or patterns: "*" is one word ("sales.lead.*"), a final ">" one or more ("sales.>"). At least one; each must match a type of GET /v1/webhooks/event-types.'),
    status: f.enum(webhookStatus).updateOnly().filter().describe('"active" (new webhooks are) or "disabled"; set "active" to enable it again, "disabled" to pause it.'),
    disabledReason: f.text(20).readOnly().describe('Why it is disabled: "gone" (its endpoint answered 410 Gone), "manual"; absent while active.'),
  },
  access: {
    read: WEBHOOK_MANAGERS,
    write: WEBHOOK_MANAGERS,
    scopes: { read: "webhooks:manage", create: "webhooks:manage", update: "webhooks:manage", delete: "webhooks:manage" },
  },
});

export const INTEGRATIONS_RESOURCES = [webhook] as const;
