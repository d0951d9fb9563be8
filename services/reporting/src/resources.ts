import { f, resource } from "@relata/platform/resource";
import { CreateQuotaRequest, ListQuotasRequest, Quota, UpdateQuotaRequest } from "@relata/proto/reporting/v1/quota";
import { QUOTA_WRITERS, SALES_READERS } from "./roles";

/**
 * Reporting's CRUD resource, described once (API schemas, input checks, collection, codec,
 * event subjects, permission rows). This module imports no runtime of the service, so the
 * gateway can import it through `@relata/reporting/resources`.
 */

export * from "./roles";

export const quota = resource<Quota, CreateQuotaRequest, UpdateQuotaRequest, ListQuotasRequest>()({
  name: "reporting.quota",
  path: "/v1/quotas",
  collection: "quotas",
  fields: {
    ownerId: f.owner().createOnly().filter().describe("The rep the quota is for; absent for a territory's quota."),
    territory: f.text(100).createOnly().filter().relatesTo("either ownerId or territory").describe("The territory the quota is for; absent for an owner's quota."),
    period: f.text(7).required().createOnly().filter().sortable().example("2026-Q4").describe('A year ("2026"), a quarter ("2026-Q4") or a month ("2026-11").'),
    amount: f.money().required().describe("What the owner or territory is expected to win in the period."),
  },
  access: {
    read: SALES_READERS,
    write: QUOTA_WRITERS,
    scopes: { read: "reporting:read" },
  },
});

export const REPORTING_RESOURCES = [quota] as const;
