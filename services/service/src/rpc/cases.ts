import { implement, RecycleBinInput, recycleBinHandlers, type ServiceRegistration } from "@relata/platform";
import { resourceHandlers, serviceSchemas } from "@relata/platform/resource";
import { CaseServiceService } from "@relata/proto/service/v1/case";
import { toCase } from "../codec/mappers";
import { caseNumberKey, formatCaseNumber } from "../domain/case-number";
import { caseEvent } from "../events/builders";
import { supportCase } from "../resources";
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
};

export function caseService({ repos, sequence, logger }: ServiceDeps): ServiceRegistration {
  const crud = resourceHandlers(supportCase, repos.cases, (kind, r, actor) => caseEvent(kind === "created" ? "opened" : kind, r, actor), {
    async create(input, cases) {
      // Claimed before the insert: a create that fails afterwards leaves a gap, never a duplicate.
      const number = formatCaseNumber(await sequence.next(caseNumberKey(cases.tenantId)));
      return {
        ...input,
        number,
        channel: input.channel ?? "web",
        priority: input.priority ?? "normal",
        status: "new" as const,
        // In a queue the queue's rule assigns an owner; otherwise whoever opens it owns it.
        ownerId: input.ownerId || (input.queueId ? "" : cases.actor.actorId),
        // Filled in by the entitlement and SLA consumers once the case is opened.
        entitlementId: "",
        entitlementMissing: false,
        slaLevel: "",
        slaBreached: false,
      };
    },
  });
  const bin = recycleBinHandlers(repos.cases, toCase, caseEvent, {});
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
    },
    logger,
  );
}
