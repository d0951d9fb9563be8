import { implement, RecycleBinInput, recycleBinHandlers, type ServiceRegistration } from "@relata/platform";
import { resourceHandlers, serviceSchemas } from "@relata/platform/resource";
import { CaseServiceService } from "@relata/proto/service/v1/case";
import { toCase } from "../codec/mappers";
import { caseNumberKey, formatCaseNumber } from "../domain/case-number";
import { caseEvent } from "../events/builders";
import { supportCase } from "../resources";
import { caseDependents } from "../store/repositories";
import { caseLifecycleHandlers, caseLifecycleSchemas } from "./case-lifecycle";
import type { ServiceDeps } from "./context";

const described = serviceSchemas(supportCase);

/** The request schemas, by RPC (exported for tests). */
export const caseSchemas = {
  createCase: described.create,
  getCase: described.get,
  listCases: described.list,
  updateCase: described.update,
  deleteCase: RecycleBinInput,
  restoreCase: RecycleBinInput,
  ...caseLifecycleSchemas,
};

export function caseService(deps: ServiceDeps): ServiceRegistration {
  const { repos, sequence, logger, salesRefs } = deps;
  const crud = resourceHandlers(supportCase, repos.cases, (kind, r, actor) => caseEvent(kind === "created" ? "opened" : kind, r, actor), {
    async create(input, cases, ctx) {
      // The account and contact must exist in Sales, the contact on the account (400 naming the field).
      const parties = await salesRefs.resolve(ctx, { accountId: input.accountId ?? "", contactId: input.contactId ?? "" });
      if (input.queueId) await repos.queues.in(ctx).require(input.queueId, "queue_id");
      // Claimed before the insert: a create that fails afterwards leaves a gap, never a duplicate.
      const number = formatCaseNumber(await sequence.next(caseNumberKey(cases.tenantId)));
      return {
        ...input,
        ...parties,
        number,
        channel: input.channel ?? "web",
        priority: input.priority ?? "normal",
        status: "new" as const,
        // In a queue the queue's rule assigns an owner; otherwise whoever opens it owns it.
        ownerId: input.ownerId || (input.queueId ? "" : cases.actor.actorId),
        // Filled in by the entitlement and SLA consumers once the case is opened.
        entitlementId: "",
        // A case without an account has no entitlement: flagged now, not by a later update.
        entitlementMissing: !parties.accountId,
        slaLevel: "",
        slaBreached: false,
        resolution: "",
      };
    },
    async update(set, current, _cases, ctx) {
      if (set.accountId === undefined && set.contactId === undefined) return;
      // The case as the update leaves it names a live account and a contact of it.
      const after = (changed: string | null | undefined, stored: string | undefined) => (changed === undefined ? (stored ?? "") : (changed ?? ""));
      const parties = await salesRefs.resolve(ctx, { accountId: after(set.accountId, current.accountId), contactId: after(set.contactId, current.contactId) });
      if (parties.accountId !== (current.accountId ?? "")) set.accountId = parties.accountId;
    },
  });
  const bin = recycleBinHandlers(repos.cases, toCase, caseEvent, { delete: { dependents: caseDependents(repos) } });
  const lifecycle = caseLifecycleHandlers(deps);
  return implement(
    CaseServiceService,
    {
      createCase: crud.create,
      getCase: crud.get,
      listCases: async (request, ctx) => {
        const { rows, nextCursor } = await crud.list(request, ctx);
        return { cases: rows, page: { nextCursor } };
      },
      updateCase: crud.update,
      deleteCase: bin.delete,
      restoreCase: bin.restore,
      transitionCase: lifecycle.transitionCase,
      listCaseHistory: lifecycle.listCaseHistory,
    },
    logger,
  );
}
