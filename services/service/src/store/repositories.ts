import { dependentsBy, type PublishAfterWrite, readRepository, repository } from "@relata/platform";
import type { HistoryEntryRecord } from "../domain/case-history";
import type { CommentRecord } from "../domain/comment";
import type { AnyResource } from "@relata/platform/resource";
import type { AppointmentRecord, BookableResourceRecord, CaseRecord, EntitlementRecord, EscalationRuleRecord, QueueRecord } from "../domain/types";
import { appointment, bookableResource, entitlement, escalationRule, queue, supportCase } from "../resources";
import type { ServiceModels } from "./models";

/** A list's sorts and default order, as described (each sort has an index leading with tenantId). */
const listOrder = (r: AnyResource) => ({ sortable: r.sorts, defaultSort: r.defaultSort });

/** The Service's records, each bound to the caller's tenant per call (`repos.cases.in(ctx)`). */
export function serviceRepositories(models: ServiceModels, publish: PublishAfterWrite) {
  return {
    cases: repository<CaseRecord>(models.cases, { what: "case", ...listOrder(supportCase), publish }),
    entitlements: repository<EntitlementRecord>(models.entitlements, { what: "entitlement", ...listOrder(entitlement), publish }),
    bookableResources: repository<BookableResourceRecord>(models.bookableResources, { what: "resource", ...listOrder(bookableResource), publish }),
    appointments: repository<AppointmentRecord>(models.appointments, { what: "appointment", ...listOrder(appointment), publish }),
    queues: repository<QueueRecord>(models.queues, { what: "queue", ...listOrder(queue), publish }),
    escalationRules: repository<EscalationRuleRecord>(models.escalationRules, { what: "escalation rule", ...listOrder(escalationRule), publish }),
    comments: repository<CommentRecord>(models.caseExtras.comments, { what: "comment", sortable: ["createdAt"], defaultSort: "createdAt", publish }),
    caseHistory: readRepository<HistoryEntryRecord>(models.caseExtras.history, { what: "history entry", sortable: ["occurredAt"], defaultSort: "occurredAt" }),
  };
}

export type ServiceRepositories = ReturnType<typeof serviceRepositories>;

/** Removes, across tenants, every record deleted before `olderThan` (by default the retention window ago). */
export async function purgeRecycleBin(repos: ServiceRepositories, olderThan?: Date): Promise<number> {
  let purged = 0;
  for (const records of [repos.appointments, repos.cases, repos.queues, repos.escalationRules, repos.entitlements, repos.bookableResources]) {
    purged += await records.purgeDeleted(olderThan);
  }
  return purged;
}

/** The records that keep a case from being deleted while they are live: its appointments. */
export const caseDependents = (repos: ServiceRepositories) => [dependentsBy(repos.appointments, "caseId")];
