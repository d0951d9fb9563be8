import { repository, type PublishAfterWrite } from "@relata/platform";
import type { AnyResource } from "@relata/platform/resource";
import type { CaseRecord } from "../domain/types";
import { supportCase } from "../resources";
import type { ServiceModels } from "./models";

/** A list's sorts and default order, as described (each sort has an index leading with tenantId). */
const listOrder = (r: AnyResource) => ({ sortable: r.sorts, defaultSort: r.defaultSort });

/** The Service's records, each bound to the caller's tenant per call (`repos.cases.in(ctx)`). */
export function serviceRepositories(models: ServiceModels, publish: PublishAfterWrite) {
  return {
    cases: repository<CaseRecord>(models.cases, { what: "case", ...listOrder(supportCase), publish }),
  };
}

export type ServiceRepositories = ReturnType<typeof serviceRepositories>;

/** Removes, across tenants, every record deleted before `olderThan` (by default the retention window ago). */
export async function purgeRecycleBin(repos: ServiceRepositories, olderThan?: Date): Promise<number> {
  let purged = 0;
  for (const records of [repos.cases]) purged += await records.purgeDeleted(olderThan);
  return purged;
}
