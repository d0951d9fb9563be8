import { dependentsBy, readRepository, repository, StateConflict, type Actor, type Dependent, type PublishAfterWrite } from "@relata/platform";
import type { AnyResource } from "@relata/platform/resource";
import type { AccountRecord, ActivityRecord, ContactRecord, LeadRecord, OpportunityRecord, RecordType, TerritoryRecord, TimelineEntryRecord } from "../domain/types";
import { account, activity, contact, lead, opportunity, territory } from "../resources";
import type { SalesModels } from "./models";
import type { CompetitorRecord } from "../domain/competitor";
import { competitor } from "../resources";

/** A list's sorts and default order, as described (each sort has an index leading with tenantId). */
const listOrder = (r: AnyResource) => ({ sortable: r.sorts, defaultSort: r.defaultSort });

/** The Sales records, each bound to the caller's tenant per call (`repos.accounts.in(ctx)`). */
export function salesRepositories(models: SalesModels, publish: PublishAfterWrite) {
  return {
    accounts: repository<AccountRecord>(models.accounts, { what: "account", ...listOrder(account), publish }),
    contacts: repository<ContactRecord>(models.contacts, { what: "contact", ...listOrder(contact), publish }),
    leads: repository<LeadRecord>(models.leads, { what: "lead", ...listOrder(lead), publish }),
    opportunities: repository<OpportunityRecord>(models.opportunities, { what: "opportunity", ...listOrder(opportunity), publish }),
    activities: repository<ActivityRecord>(models.activities, { what: "activity", ...listOrder(activity), publish }),
    timeline: readRepository<TimelineEntryRecord>(models.timeline, { what: "timeline entry", sortable: ["occurredAt"], defaultSort: "-occurredAt" }),
    competitors: repository<CompetitorRecord>(models.competitors, { what: "competitor", ...listOrder(competitor), publish }),
    territories: repository<TerritoryRecord>(models.territories, { what: "territory", ...listOrder(territory), publish }),
  };
}

export type SalesRepositories = ReturnType<typeof salesRepositories>;

/**
 * Removes, across tenants, every record (and hidden timeline entry) deleted before `olderThan`,
 * by default the retention window ago. Returns how many documents went.
 */
export async function purgeRecycleBin(repos: SalesRepositories, olderThan?: Date): Promise<number> {
  let purged = 0;
  for (const records of [repos.activities, repos.opportunities, repos.contacts, repos.accounts, repos.leads, repos.timeline, repos.competitors, repos.territories]) {
    purged += await records.purgeDeleted(olderThan);
  }
  return purged;
}

/**
 * What may not be left pointing at a deleted record, by resource (a delete is refused, 409,
 * while any is live). Activities are the history of the record they relate to, not a
 * reference that breaks: they never block a delete, and the timeline hides the entries of a
 * deleted record. Each count is on a top-level field with a tenant index.
 */
export function salesDependents(repos: SalesRepositories): Record<"account" | "contact", readonly Dependent[]> {
  return {
    account: [
      dependentsBy(repos.contacts, "accountId"),
      dependentsBy(repos.opportunities, "accountId"),
      dependentsBy(repos.accounts, "parentAccountId", "child account"),
    ],
    contact: [dependentsBy(repos.opportunities, "contactId")],
  };
}

/**
 * What a restored record refers to must be live: a record comes back only beside what it
 * points at, so the caller restores (or re-creates) that first (409 otherwise).
 */
export function salesRestoreChecks(repos: SalesRepositories) {
  type Findable = { what: string; in(actor: Actor): { find(id: string): Promise<unknown> } };
  const live = async (records: Findable, actor: Actor, id: string, field: string): Promise<void> => {
    if (id && !(await records.in(actor).find(id))) {
      throw new StateConflict(`${field}: the ${records.what} ${id} is deleted; restore it first`, field);
    }
  };
  const byType: Record<RecordType, Findable> = {
    "sales.account": repos.accounts,
    "sales.contact": repos.contacts,
    "sales.lead": repos.leads,
    "sales.opportunity": repos.opportunities,
    "sales.activity": repos.activities,
    "sales.competitor": repos.competitors,
  };
  return {
    account: { refuse: (a: AccountRecord, actor: Actor) => live(repos.accounts, actor, a.parentAccountId, "parent_account_id") },
    contact: { refuse: (c: ContactRecord, actor: Actor) => live(repos.accounts, actor, c.accountId, "account_id") },
    opportunity: {
      refuse: async (o: OpportunityRecord, actor: Actor) => {
        await live(repos.accounts, actor, o.accountId, "account_id");
        await live(repos.contacts, actor, o.contactId, "contact_id");
      },
    },
    activity: { refuse: (a: ActivityRecord, actor: Actor) => live(byType[a.relatedTo.type], actor, a.relatedTo.id, "related_to.id") },
  };
}

/** What may not be left pointing at a deleted competitor: the opportunities that met it or were lost to it. */
export function competitorDependents(repos: SalesRepositories): readonly Dependent[] {
  return [dependentsBy(repos.opportunities, "competitorIds", "opportunity"), dependentsBy(repos.opportunities, "lostToCompetitorId", "opportunity lost to it")];
}
