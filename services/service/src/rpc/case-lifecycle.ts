import { expectedVersion, id, protoEnum, text, validate, type CallContext } from "@relata/platform";
import type { Case, ListCaseHistoryRequest, ListCaseHistoryResponse, TransitionCaseRequest } from "@relata/proto/service/v1/case";
import { z } from "zod";
import { toCase } from "../codec/mappers";
import { caseAction, toHistoryEntry } from "../codec/case-mappers";
import { decideTransition } from "../domain/case-lifecycle";
import { caseEvent } from "../events/builders";
import type { ServiceDeps } from "./context";

const TransitionCaseInput = z.object({
  id: id(),
  expectedVersion: expectedVersion(),
  action: protoEnum(caseAction, { required: true }),
  resolution: text(5_000),
});

const ListCaseHistoryInput = z.object({ caseId: id() });

/** The request schemas, by RPC (exported for tests). */
export const caseLifecycleSchemas = { transitionCase: TransitionCaseInput, listCaseHistory: ListCaseHistoryInput };

/** The lifecycle's verbs and the history of CaseService (the CRUD verbs are in cases.ts). */
export function caseLifecycleHandlers({ repos, settings }: Pick<ServiceDeps, "repos" | "settings">) {
  return {
    async transitionCase(request: TransitionCaseRequest, ctx: CallContext): Promise<Case> {
      const input = validate(TransitionCaseInput, request);
      const { reopenWindowDays } = await settings.current(ctx);
      const record = await repos.cases.in(ctx).update(input.id, input.expectedVersion, (current) => {
        const decision = decideTransition({ ...current, status: current.status ?? "new" }, input.action, { now: new Date(), reopenWindowDays, resolution: input.resolution });
        if (!decision) return null;
        return { set: decision.set, events: (next, actor) => [caseEvent(decision.event, next, actor)] };
      });
      return toCase(record);
    },

    async listCaseHistory(request: ListCaseHistoryRequest, ctx: CallContext): Promise<ListCaseHistoryResponse> {
      const { caseId } = validate(ListCaseHistoryInput, request);
      // The case must be the caller's tenant's and live: its history goes with it.
      await repos.cases.in(ctx).get(caseId);
      const { rows, nextCursor } = await repos.caseHistory.in(ctx).list({ caseId }, request.page);
      return { entries: rows.map(toHistoryEntry), page: { nextCursor } };
    },
  };
}
