import { toMessage } from "@relata/platform/resource";
import type { Quota } from "@relata/proto/reporting/v1/quota";
import type { QuotaRecord } from "../domain/sales-quota";
import { quota } from "../resources";

export const toQuota = (r: QuotaRecord): Quota => toMessage(quota, r);
