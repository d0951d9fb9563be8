import { actorOf, id, implement, insertOnce, InvalidArgument, NotFound, text, timestamp, validate, type CallContext, type ServiceRegistration } from "@relata/platform";
import { CallListServiceService, type Call, type DistributeCallListResponse } from "@relata/proto/marketing/v1/call_list";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { assertCallable, assertOwnCall, assertReps, repFor, seesEveryCall } from "../domain/call-list";
import { CALL_OUTCOMES, type CallAttemptRecord, type CallRecord, type CampaignMemberRecord } from "../domain/types";
import { callLoggedEvent } from "../events/call-events";
import { BATCH_SIZE, insertNew, memberId, pageById } from "../store/campaign-members";
import type { MarketingDeps } from "./context";

const DistributeCallListInput = z.object({
  campaignId: id(),
  reps: z.array(z.string().trim().regex(/^[A-Za-z0-9@._:-]{1,128}$/, "must be a user id"), { error: "must be a list" }),
});
const ListCallsInput = z.object({ campaignId: id(), assigneeId: z.string().trim().max(128, "at most 128 characters").default("") });
const LogCallOutcomeInput = z.object({
  campaignId: id(),
  personId: id(),
  outcome: z.enum(CALL_OUTCOMES, { error: `must be one of ${CALL_OUTCOMES.join(", ")}` }),
  note: text(2_000),
  callbackAt: timestamp(),
});

/** The request schemas, by RPC (exported for tests). */
export const callListSchemas = { distributeCallList: DistributeCallListInput, listCalls: ListCallsInput, logCallOutcome: LogCallOutcomeInput };

/** The attempts of a call, in time order, by the call's id. */
async function attemptsOf(deps: MarketingDeps, tenantId: string, callIds: readonly string[]): Promise<Map<string, CallAttemptRecord[]>> {
  const out = new Map<string, CallAttemptRecord[]>();
  if (callIds.length === 0) return out;
  const rows = await deps.models.callAttempts.find({ tenantId, callId: { $in: [...callIds] } }, { outbox: 0 }).sort({ _id: 1 }).lean<CallAttemptRecord[]>();
  for (const row of rows) out.set(row.callId, [...(out.get(row.callId) ?? []), row]);
  return out;
}

function toCall(r: CallRecord, attempts: readonly CallAttemptRecord[]): Call {
  return {
    campaignId: r.campaignId,
    personId: r.personId,
    assigneeId: r.assigneeId,
    firstName: r.firstName,
    lastName: r.lastName,
    phone: r.phone,
    outcome: r.outcome,
    callbackAt: r.callbackAt?.toISOString(),
    attempts: attempts.map((a) => ({ outcome: a.outcome, note: a.note, callbackAt: a.callbackAt?.toISOString(), loggedBy: a.loggedBy, at: a.at.toISOString() })),
  };
}

/**
 * A phone campaign's call list (docs/marketing.md): distributed round robin with one unique
 * insert per member (safe across concurrent requests and replicas), read per rep, each call's
 * attempts kept with the latest outcome on the call.
 */
export function callListService(deps: MarketingDeps): ServiceRegistration {
  const { repos, models, logger } = deps;

  async function distribute(request: unknown, ctx: CallContext): Promise<DistributeCallListResponse> {
    const input = validate(DistributeCallListInput, request);
    assertReps(input.reps);
    const c = await repos.campaigns.in(ctx).get(input.campaignId);
    assertCallable(c);
    const now = new Date();
    let ordinal = 0;
    let assigned = 0;
    // The phone members in person order, read through one cursor (one query, not one per
    // batch: FerretDB sorts what it reads in memory); each member's turn is its place.
    const members = models.campaignMembers
      .find({ tenantId: c.tenantId, campaignId: c._id, channels: "phone" }, { personId: 1, firstName: 1, lastName: 1, phone: 1 })
      .sort({ _id: 1 })
      .batchSize(BATCH_SIZE)
      .lean<CampaignMemberRecord[]>()
      .cursor();
    let calls: CallRecord[] = [];
    const flush = async () => {
      // A member already on the list (another distribution's) keeps its rep.
      assigned += await insertNew(models.calls, calls);
      calls = [];
    };
    for await (const m of members) {
      const member = m as unknown as CampaignMemberRecord;
      calls.push({
        _id: member._id,
        tenantId: c.tenantId,
        campaignId: c._id,
        personId: member.personId,
        assigneeId: repFor(input.reps, ordinal),
        ordinal: ordinal++,
        firstName: member.firstName,
        lastName: member.lastName,
        phone: member.phone,
        outcome: "",
        assignedAt: now,
        updatedAt: now,
      });
      if (calls.length >= BATCH_SIZE) await flush();
    }
    await flush();
    logger.info({ campaignId: c._id, tenantId: c.tenantId, assigned, total: ordinal, reps: input.reps.length }, "call list distributed");
    return { assigned: String(assigned), total: String(ordinal) };
  }

  return implement(
    CallListServiceService,
    {
      distributeCallList: distribute,

      listCalls: async (request, ctx) => {
        const input = validate(ListCallsInput, request);
        const c = await repos.campaigns.in(ctx).get(input.campaignId);
        // A rep sees their own calls whatever they ask for; a marketer any rep's, or all.
        const assigneeId = seesEveryCall(ctx.identity) ? input.assigneeId : ctx.identity.subject;
        if (input.assigneeId) assertOwnCall(ctx.identity, input.assigneeId);
        const where: Record<string, unknown> = { tenantId: c.tenantId, campaignId: c._id };
        if (assigneeId) where.assigneeId = assigneeId;
        const { rows, nextCursor } = await pageById(models.calls, where, request.page);
        const attempts = await attemptsOf(deps, c.tenantId, rows.map((r) => r._id));
        return { calls: rows.map((r) => toCall(r, attempts.get(r._id) ?? [])), page: { nextCursor } };
      },

      logCallOutcome: async (request, ctx) => {
        const input = validate(LogCallOutcomeInput, request);
        if (input.outcome === "callback" && !input.callbackAt) throw new InvalidArgument("callback_at", "is required with the outcome callback");
        if (input.outcome !== "callback" && input.callbackAt) throw new InvalidArgument("callback_at", "is only for the outcome callback");
        const c = await repos.campaigns.in(ctx).get(input.campaignId);
        const callId = memberId(c.tenantId, c._id, input.personId);
        const call = await models.calls.findOne({ _id: callId, tenantId: c.tenantId }).lean<CallRecord>();
        if (!call) throw new NotFound("call", input.personId, `campaign ${c._id} has no call for person ${input.personId}`);
        assertOwnCall(ctx.identity, call.assigneeId);
        assertCallable(c);
        const at = new Date();
        const before = (await attemptsOf(deps, c.tenantId, [callId])).get(callId) ?? [];
        const attempt: CallAttemptRecord = {
          // Time first, so the attempts of a call read back in order; random after, so two never meet.
          _id: `${callId}:${at.getTime().toString().padStart(15, "0")}-${randomUUID().slice(0, 8)}`,
          tenantId: c.tenantId,
          campaignId: c._id,
          personId: input.personId,
          callId,
          assigneeId: call.assigneeId,
          outcome: input.outcome,
          note: input.note,
          ...(input.callbackAt ? { callbackAt: input.callbackAt } : {}),
          loggedBy: ctx.identity.subject,
          at,
        };
        // The attempt and its event are one insert (the outbox in the document).
        await insertOnce(models.callAttempts, { record: attempt, actor: actorOf(ctx), events: (r, actor) => [callLoggedEvent(r, before.length + 1, actor)] }, deps.publish);
        // The call shows the latest attempt; an older one written late does not overwrite a newer.
        await models.calls.updateOne(
          { _id: callId, tenantId: c.tenantId, $or: [{ lastCalledAt: { $exists: false } }, { lastCalledAt: { $lte: at } }] },
          { $set: { outcome: input.outcome, lastCalledAt: at, updatedAt: at, ...(input.callbackAt ? { callbackAt: input.callbackAt } : {}) }, ...(input.callbackAt ? {} : { $unset: { callbackAt: 1 } }) },
        );
        const updated = (await models.calls.findOne({ _id: callId, tenantId: c.tenantId }).lean<CallRecord>())!;
        return toCall(updated, [...before, attempt]);
      },
    },
    logger,
  );
}
