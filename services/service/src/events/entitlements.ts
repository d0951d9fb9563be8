import { NOT_DELETED, type Actor, type ConsumerLoop, type EventBus, type Logger } from "@relata/platform";
import { CaseChanged } from "@relata/proto/events/v1/service";
import type { Model } from "mongoose";
import { applicableEntitlements, unitKeysToTry } from "../domain/entitlement";
import type { EntitlementRecord } from "../domain/types";
import type { EntitlementUnits } from "../store/entitlement-units";
import type { ServiceRepositories } from "../store/repositories";
import { caseEvent } from "./builders";
import { SERVICE_STREAM, SUBJECTS } from "./stream";

/** The durable consumer that gives new cases their entitlement. */
export const ENTITLEMENT_DURABLE = "service-entitlements";

export interface EntitlementDeps {
  repos: ServiceRepositories;
  entitlements: Model<EntitlementRecord>;
  units: EntitlementUnits;
}

export type EntitlementOutcome = "entitled" | "missing" | "unchanged";

/**
 * Gives a new case its entitlement, once: the case claims a unit of the first applicable
 * entitlement (a unit another case took first is skipped for the next), then the case is
 * updated with the entitlement and its SLA level, or flagged when none applies. Safe to repeat
 * for the same case (a redelivered event): a case already decided is left alone, and a case
 * that holds a unit from an earlier attempt (a crash before the update) takes that one.
 */
export async function applyEntitlement(deps: EntitlementDeps, caseId: string, actor: Actor): Promise<EntitlementOutcome> {
  const cases = deps.repos.cases.in(actor);
  const current = await cases.find(caseId);
  if (!current || current.entitlementId || current.entitlementMissing) return "unchanged";

  let chosen: { id: string; slaLevel: string } | undefined;
  const heldId = await deps.units.heldBy(actor.tenantId, caseId);
  if (heldId) {
    const held = await deps.entitlements.findOne({ _id: heldId, tenantId: actor.tenantId }).lean<EntitlementRecord>();
    chosen = { id: heldId, slaLevel: held?.slaLevel ?? "" };
  } else if (current.accountId) {
    const candidates = await deps.entitlements
      .find({ tenantId: actor.tenantId, accountId: current.accountId, active: true, ...NOT_DELETED })
      .lean<EntitlementRecord[]>();
    const used = new Map<string, number>();
    for (const e of candidates) used.set(e._id, await deps.units.used(actor.tenantId, e._id));
    const facts = { accountId: current.accountId, channel: current.channel ?? "", openedAt: current.createdAt };
    const terms = candidates.map((e) => ({ ...e, id: e._id, unit: e.unit ?? "cases" }));
    search: for (const e of applicableEntitlements(terms, facts, (id) => used.get(id) ?? 0)) {
      for (const key of unitKeysToTry(e, used.get(e.id) ?? 0)) {
        if (await deps.units.claim(actor.tenantId, key, caseId)) {
          chosen = { id: e.id, slaLevel: e.slaLevel };
          break search;
        }
      }
    }
  }

  let wrote = false;
  await cases.update(caseId, 0, (c) => {
    wrote = !c.entitlementId && !c.entitlementMissing;
    if (!wrote) return null;
    return {
      set: chosen ? { entitlementId: chosen.id, slaLevel: chosen.slaLevel } : { entitlementMissing: true },
      events: (next, by) => [caseEvent("updated", next, by)],
    };
  });
  if (!wrote) return "unchanged";
  return chosen ? "entitled" : "missing";
}

export function startEntitlementConsumer(bus: EventBus, deps: EntitlementDeps, logger: Logger, durable = ENTITLEMENT_DURABLE): Promise<ConsumerLoop<CaseChanged>> {
  return bus.consume<CaseChanged>({
    stream: SERVICE_STREAM.name,
    durable,
    filterSubjects: [SUBJECTS.caseOpened],
    decode: (data) => CaseChanged.decode(data),
    handle: async ({ event }) => {
      const meta = event.meta;
      if (!meta?.tenantId || !event.case?.id) return;
      // On behalf of whoever opened the case: its update names them, as the opening did.
      const actor: Actor = { tenantId: meta.tenantId, actorId: meta.actorId, requestId: meta.requestId };
      const outcome = await applyEntitlement(deps, event.case.id, actor);
      logger.debug({ case: event.case.id, outcome }, "entitlement of a new case");
    },
  });
}
