import { implement, text, timeZone, validate, type ServiceRegistration } from "@relata/platform";
import { CustomerValueServiceService } from "@relata/proto/reporting/v1/customer_value";
import { z } from "zod";
import { customerValueReport } from "../domain/customer-value";
import { RFM_CLASSES } from "../domain/rfm";
import type { ReportingDeps } from "./context";

export const DEFAULT_CUSTOMER_LIMIT = 100;
export const MAX_CUSTOMER_LIMIT = 1000;

const GetCustomerValueSchema = z.object({
  currency: text(3).refine((v) => v === "" || /^[A-Z]{3}$/.test(v), "must be an ISO 4217 code of 3 upper-case letters such as EUR"),
  territory: text(),
  ownerId: text(),
  rfmClass: text(32).refine((v) => v === "" || (RFM_CLASSES as readonly string[]).includes(v), `must be one of ${RFM_CLASSES.join(", ")}`),
  // 0 (unset in proto3): the default.
  limit: z
    .number()
    .int()
    .min(0, "must be between 1 and 1000")
    .max(MAX_CUSTOMER_LIMIT, "must be between 1 and 1000")
    .default(0)
    .transform((v) => v || DEFAULT_CUSTOMER_LIMIT),
  timeZone: timeZone(),
});

export function customerValueService(deps: ReportingDeps): ServiceRegistration {
  return implement(
    CustomerValueServiceService,
    {
      getCustomerValue: async (request, ctx) => {
        const r = validate(GetCustomerValueSchema, request);
        return customerValueReport(
          deps.store,
          { tenantId: ctx.identity.tenantId, currency: r.currency, territory: r.territory, ownerId: r.ownerId, timeZone: r.timeZone },
          { rfmClass: r.rfmClass, limit: r.limit },
          new Date(),
        );
      },
    },
    deps.logger,
  );
}
