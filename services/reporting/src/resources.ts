import { f, resource } from "@relata/platform/resource";
import { CreateQuotaRequest, ListQuotasRequest, Quota, UpdateQuotaRequest } from "@relata/proto/reporting/v1/quota";
import { PERIOD_PATTERN } from "./domain/period";
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
    // Never defaulted to the caller (a territory's quota has no owner): exactly one of the two is given.
    ownerId: f.owner().createOnly().filter().relatesTo("exactly one of ownerId and territory").describe("The rep the quota is for; absent for a territory's quota. Exactly one of ownerId and territory is given; never defaulted to the caller."),
    territory: f.text(100).createOnly().filter().relatesTo("exactly one of ownerId and territory").describe("The territory the quota is for (an account's territory, as Sales writes it); absent for an owner's quota."),
    period: f
      .text(7, { pattern: { regex: PERIOD_PATTERN, message: "must be a year (2026), a quarter (2026-Q4) or a month (2026-11)" } })
      .required()
      .createOnly()
      .filter()
      .sortable()
      .example("2026-Q4")
      .describe('A year ("2026"), a quarter ("2026-Q4") or a month ("2026-11"). One quota per owner or territory, period and currency.'),
    amount: f.money().required().relatesTo("one quota per owner or territory, period and currency").describe("What the owner or territory is expected to win in the period."),
  },
  access: {
    read: SALES_READERS,
    write: QUOTA_WRITERS,
    scopes: { read: "reporting:read" },
  },
});

export const REPORTING_RESOURCES = [quota] as const;
