import { readRepository, repository, type PublishAfterWrite } from "@relata/platform";
import type { AccountRecord, ActivityRecord, ContactRecord, LeadRecord, OpportunityRecord, TimelineEntryRecord } from "../domain/types";
import type { SalesModels } from "./models";

/** The Sales records, each bound to the caller's tenant per call (`repos.accounts.in(ctx)`). */
export function salesRepositories(models: SalesModels, publish: PublishAfterWrite) {
  return {
    accounts: repository<AccountRecord>(models.accounts, { what: "account", sortable: ["createdAt", "updatedAt", "name"], publish }),
    contacts: repository<ContactRecord>(models.contacts, { what: "contact", sortable: ["createdAt", "updatedAt", "lastName", "email"], publish }),
    leads: repository<LeadRecord>(models.leads, { what: "lead", sortable: ["createdAt", "updatedAt", "lastName", "company", "score"], publish }),
    opportunities: repository<OpportunityRecord>(models.opportunities, {
      what: "opportunity",
      sortable: ["createdAt", "updatedAt", "name", "expectedCloseDate", "probability"],
      publish,
    }),
    activities: repository<ActivityRecord>(models.activities, { what: "activity", publish }),
    timeline: readRepository<TimelineEntryRecord>(models.timeline, { what: "timeline entry", sortable: ["occurredAt"], defaultSort: "-occurredAt" }),
  };
}

export type SalesRepositories = ReturnType<typeof salesRepositories>;
