import { CaseAction, type Case } from "@relata/proto/service/v1/case";
import { CommentVisibility } from "@relata/proto/service/v1/comment";
import { toJson } from "@relata/platform/resource";
import { created, crudSchemas, IdParams, listReply, ok, page, route, versionInIfMatch, type RouteSpec } from "@relata/platform/http";
import type { ServiceClients } from "../../client";
import { commentVisibility } from "../../codec/case-mappers";
import { supportCase } from "../../resources";
import {
  CaseCommentInput,
  CaseCommentJson,
  caseCommentJson,
  CaseCommentPage,
  CaseCommentQuery,
  CaseFeedbackInput,
  CaseFeedbackJson,
  caseFeedbackJson,
  caseHistoryEntryJson,
  CaseHistoryPage,
  CaseResolve,
  ListQuery,
  NoBody,
  ServiceSettingsJson,
  serviceSettingsJson,
  ServiceSettingsUpdate,
} from "../schemas/case-extras";

const caseJson = (c: Case) => toJson(supportCase, c);

/** The lifecycle's verbs: path, proto action, what it does. */
const VERBS = [
  { verb: "start", action: CaseAction.CASE_ACTION_START, summary: "Start working a case (to in_progress, from new or waiting_on_customer)" },
  { verb: "wait", action: CaseAction.CASE_ACTION_WAIT, summary: "Wait on the customer (to waiting_on_customer; the SLA clocks pause)" },
  { verb: "close", action: CaseAction.CASE_ACTION_CLOSE, summary: "Close a case (from an open status or resolved)" },
  {
    verb: "reopen",
    action: CaseAction.CASE_ACTION_REOPEN,
    summary: "Reopen a resolved or closed case (to in_progress), within the tenant's reopen window",
  },
] as const;

const REFUSED =
  'A move the lifecycle does not allow is a 409 naming it ("cannot move a case from closed to waiting_on_customer"), as is a reopen after the tenant\'s reopen window (GET /v1/service-settings). Asking for the status the case already has changes nothing. If-Match is honoured (412 when the case changed since it was read) but not required.';

export function caseExtraRoutes(service: ServiceClients): RouteSpec[] {
  const CaseJson = crudSchemas(supportCase).json;
  const transition = (id: string, expectedVersion: string, action: CaseAction, resolution: string, call: Parameters<ServiceClients["cases"]["transitionCase"]>[1]) =>
    service.cases.transitionCase({ id, expectedVersion, action, resolution }, call);
  return [
    ...VERBS.map(({ verb, action, summary }) =>
      route({
        operationId: `${verb}Case`,
        method: "post",
        path: `/v1/cases/:id/${verb}`,
        operation: "cases.transition",
        tag: "Cases",
        summary,
        description: REFUSED,
        params: IdParams,
        body: NoBody,
        ifMatch: "optional",
        responses: { 200: ok(CaseJson, "The case after the move.") },
        handler: async (ctx) => {
          const c = await transition(ctx.params.id, ctx.expectedVersion, action, "", ctx.call);
          return { body: caseJson(c), version: c.version };
        },
      }),
    ),
    route({
      operationId: "resolveCase",
      method: "post",
      path: "/v1/cases/:id/resolve",
      operation: "cases.transition",
      tag: "Cases",
      summary: "Resolve a case with a resolution note (from an open status); sets resolvedAt",
      description: REFUSED,
      params: IdParams,
      body: CaseResolve,
      ifMatch: "optional",
      responses: { 200: ok(CaseJson, "The resolved case.") },
      handler: async (ctx) => {
        const c = await transition(ctx.params.id, ctx.expectedVersion, CaseAction.CASE_ACTION_RESOLVE, ctx.body.resolution, ctx.call);
        return { body: caseJson(c), version: c.version };
      },
    }),
    route({
      operationId: "listCaseHistory",
      method: "get",
      path: "/v1/cases/:id/history",
      operation: "cases.history",
      tag: "Cases",
      summary: "What happened to a case, oldest first",
      description:
        "Opened, updated, assigned, status changes, public replies, feedback, SLA warnings and breaches, escalations: one entry per Service event about the case, made from the event stream (an entry appears a moment after the change).",
      params: IdParams,
      query: ListQuery,
      responses: { 200: page(CaseHistoryPage) },
      handler: async (ctx) => {
        const res = await service.cases.listCaseHistory(
          { caseId: ctx.params.id, page: { pageSize: ctx.query.limit ?? 0, cursor: ctx.query.cursor ?? "", sort: "" } },
          ctx.call,
        );
        return listReply(ctx, res.entries.map(caseHistoryEntryJson), res.page?.nextCursor);
      },
    }),
    route({
      operationId: "listCaseComments",
      method: "get",
      path: "/v1/cases/:id/comments",
      operation: "cases.comments.read",
      tag: "Cases",
      summary: "A case's comments (internal notes and public replies), oldest first",
      params: IdParams,
      query: CaseCommentQuery,
      responses: { 200: page(CaseCommentPage) },
      handler: async (ctx) => {
        const res = await service.comments.listCaseComments(
          {
            caseId: ctx.params.id,
            visibility: ctx.query.visibility ? commentVisibility.toProto(ctx.query.visibility) : CommentVisibility.COMMENT_VISIBILITY_UNSPECIFIED,
            page: { pageSize: ctx.query.limit ?? 0, cursor: ctx.query.cursor ?? "", sort: "" },
          },
          ctx.call,
        );
        return listReply(ctx, res.comments.map(caseCommentJson), res.page?.nextCursor);
      },
    }),
    route({
      operationId: "addCaseComment",
      method: "post",
      path: "/v1/cases/:id/comments",
      operation: "cases.comments.write",
      tag: "Cases",
      summary: "Add an internal note or a public reply to a case",
      description:
        "The first public reply sets the case's firstRespondedAt (stopping its first-response clock); every public reply publishes service.case.public_reply_added. Comments are never edited. Idempotency-Key makes a retry return the first comment.",
      params: IdParams,
      body: CaseCommentInput,
      idempotencyKey: true,
      responses: { 201: created(CaseCommentJson) },
      handler: async (ctx) => {
        const comment = await service.comments.addCaseComment(
          { caseId: ctx.params.id, visibility: commentVisibility.toProto(ctx.body.visibility), body: ctx.body.body, idempotencyKey: ctx.idempotencyKey },
          ctx.call,
        );
        return { status: 201, body: caseCommentJson(comment), location: `/v1/cases/${ctx.params.id}/comments` };
      },
    }),
    route({
      operationId: "giveCaseFeedback",
      method: "post",
      path: "/v1/cases/:id/feedback",
      operation: "cases.feedback.write",
      tag: "Cases",
      summary: "Record the customer's satisfaction (CSAT 1-5 with a comment) with a resolved or closed case, once",
      description: "409 while the case is open, and for a second feedback on the same case (also when two arrive at once).",
      params: IdParams,
      body: CaseFeedbackInput,
      responses: { 201: created(CaseFeedbackJson) },
      handler: async (ctx) => {
        const feedback = await service.feedback.giveCaseFeedback({ caseId: ctx.params.id, score: ctx.body.score, comment: ctx.body.comment ?? "" }, ctx.call);
        return { status: 201, body: caseFeedbackJson(feedback), location: `/v1/cases/${ctx.params.id}/feedback` };
      },
    }),
    route({
      operationId: "getCaseFeedback",
      method: "get",
      path: "/v1/cases/:id/feedback",
      operation: "cases.feedback.read",
      tag: "Cases",
      summary: "A case's feedback (404 while none was given)",
      params: IdParams,
      responses: { 200: { description: "The feedback.", schema: CaseFeedbackJson } },
      handler: async (ctx) => {
        const feedback = await service.feedback.getCaseFeedback({ caseId: ctx.params.id }, ctx.call);
        return { body: caseFeedbackJson(feedback) };
      },
    }),
    route({
      operationId: "getServiceSettings",
      method: "get",
      path: "/v1/service-settings",
      operation: "serviceSettings.read",
      tag: "Cases",
      summary: "The tenant's Service settings (the defaults until the tenant sets them)",
      responses: { 200: ok(ServiceSettingsJson, "The settings.") },
      handler: async (ctx) => {
        const settings = await service.settings.getServiceSettings({}, ctx.call);
        return { body: serviceSettingsJson(settings), version: settings.version };
      },
    }),
    route({
      operationId: "replaceServiceSettings",
      method: "put",
      path: "/v1/service-settings",
      operation: "serviceSettings.write",
      tag: "Cases",
      summary: "Replace the tenant's Service settings",
      description:
        'If-Match is honoured (412 when the settings changed since they were read) but not required. The defaults have version 0: send If-Match "0" to replace them only if nobody did meanwhile.',
      body: ServiceSettingsUpdate,
      ifMatch: "optional",
      unstoredVersionZero: true,
      responses: { 200: ok(ServiceSettingsJson, "The new settings.") },
      handler: async (ctx) => {
        const expectedVersion = versionInIfMatch(ctx.req.get("if-match"));
        const settings = await service.settings.updateServiceSettings({ expectedVersion, reopenWindowDays: ctx.body.reopenWindowDays }, ctx.call);
        return { body: serviceSettingsJson(settings), version: settings.version };
      },
    }),
  ];
}
