import { repository, type PublishAfterWrite } from "@relata/platform";
import type { QuotaRecord } from "../domain/sales-quota";
import { quota } from "../resources";
import type { ReportingModels } from "./models";

/** Reporting's records, each bound to the caller's tenant per call (`repos.quotas.in(ctx)`). */
export function reportingRepositories(models: ReportingModels, publish: PublishAfterWrite) {
  return {
    quotas: repository<QuotaRecord>(models.quotas, { what: "quota", sortable: quota.sorts, defaultSort: quota.defaultSort, publish }),
  };
}

export type ReportingRepositories = ReturnType<typeof reportingRepositories>;
