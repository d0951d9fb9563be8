import type { CallContext, Logger } from "@relata/platform";
import type { Actor } from "../domain/types";
import type { AssignmentRules } from "../store/assignment";
import type { Conversions } from "../store/conversion";
import type { SalesModels } from "../store/models";
import type { Pipelines } from "../store/pipelines";
import type { Nudge } from "../store/write";

/** What the gRPC handlers are built from (wired in main.ts). */
export interface SalesDeps {
  models: SalesModels;
  pipelines: Pipelines;
  assignmentRules: AssignmentRules;
  conversions: Conversions;
  /** Hands a record just written to the outbox relay, to publish its events. */
  nudge: Nudge;
  logger: Logger;
}

/** The caller, as the events it causes will name it. The tenant comes from call metadata only. */
export function actorOf(ctx: CallContext): Actor {
  return { tenantId: ctx.identity.tenantId, actorId: ctx.identity.subject, requestId: ctx.identity.requestId };
}

/** The base fields of a record created now. */
export function newRecord(tenantId: string, id: string, now = new Date()) {
  return { _id: id, tenantId, version: 1, createdAt: now, updatedAt: now };
}
