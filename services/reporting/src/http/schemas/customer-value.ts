import { MAX_TEXT, named, TimeZoneName } from "@relata/platform/http";
import type { CustomerValueReport } from "@relata/proto/reporting/v1/customer_value";
import { z } from "zod";
import { RFM_CLASSES } from "../../domain/rfm";

export const CustomerValueQuery = z.strictObject({
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "must be an ISO 4217 code of 3 upper-case letters such as EUR")
    .optional()
    .meta({ description: "Revenue in this currency only (never converted). Default: the tenant's currency with the most won revenue." }),
  territory: z.string().max(MAX_TEXT).optional().meta({ description: "Rank only the accounts of this territory." }),
  ownerId: z.string().max(MAX_TEXT).optional().meta({ description: "Rank only the accounts of this owner." }),
  rfmClass: z.enum(RFM_CLASSES).optional().meta({ description: "List only the customers of this RFM class (counts and the Pareto cut stay of the whole population)." }),
  limit: z.coerce.number().int().min(1).max(1000).optional().meta({ description: "How many customers to list, by revenue, 1..1000 (default 100)." }),
  timeZone: TimeZoneName.optional(),
});

const Money = z.string().meta({ description: "A decimal amount with 2 decimals, exact.", example: "1234.50" });
const Instant = z.string().nullable();

export const CustomerValueReportJson = named(
  "CustomerValueReport",
  z.object({
    currency: z.string().meta({ description: "The report's currency; empty when the tenant has won nothing." }),
    computedAt: z.string(),
    customers: z.array(
      z.object({
        accountId: z.string(),
        name: z.string(),
        territory: z.string(),
        ownerId: z.string(),
        lifetimeRevenue: Money,
        purchases: z.number().int(),
        lastPurchaseAt: Instant,
        recencyDays: z.number().int(),
        recencyScore: z.number().int().min(1).max(5),
        frequencyScore: z.number().int().min(1).max(5),
        monetaryScore: z.number().int().min(1).max(5),
        rfmClass: z.enum(RFM_CLASSES),
        valueClass: z.enum(["a", "b", "c"]),
        churnRisk: z.boolean(),
        churnReason: z.string().nullable(),
        lastActivityAt: Instant,
      }),
    ),
    pareto: z.object({
      customers: z.number().int(),
      customersFor80Percent: z.number().int(),
      shareOfCustomers: z.number(),
      revenue: Money,
      revenueOfTop: Money,
      topAccountIds: z.array(z.string()),
    }),
    classes: z.array(z.object({ rfmClass: z.enum(RFM_CLASSES), customers: z.number().int() })),
    churnRiskCustomers: z.number().int(),
  }),
  "Customers by won revenue with RFM scores and classes, the Pareto cut and churn-risk flags (docs/reporting.md).",
);

export function customerValueReportJson(r: CustomerValueReport): z.output<typeof CustomerValueReportJson> {
  const p = r.pareto;
  return {
    currency: r.currency,
    computedAt: r.computedAt ?? "",
    customers: r.customers.map((c) => ({
      accountId: c.accountId,
      name: c.name,
      territory: c.territory,
      ownerId: c.ownerId,
      lifetimeRevenue: c.lifetimeRevenue,
      purchases: Number(c.purchases),
      lastPurchaseAt: c.lastPurchaseAt ?? null,
      recencyDays: c.recencyDays,
      recencyScore: c.recencyScore,
      frequencyScore: c.frequencyScore,
      monetaryScore: c.monetaryScore,
      rfmClass: c.rfmClass as (typeof RFM_CLASSES)[number],
      valueClass: c.valueClass as "a" | "b" | "c",
      churnRisk: c.churnRisk,
      churnReason: c.churnReason || null,
      lastActivityAt: c.lastActivityAt ?? null,
    })),
    pareto: {
      customers: Number(p?.customers ?? 0),
      customersFor80Percent: Number(p?.customersFor80Percent ?? 0),
      shareOfCustomers: p?.shareOfCustomers ?? 0,
      revenue: p?.revenue ?? "0.00",
      revenueOfTop: p?.revenueOfTop ?? "0.00",
      topAccountIds: p?.topAccountIds ?? [],
    },
    classes: r.classes.map((c) => ({ rfmClass: c.rfmClass as (typeof RFM_CLASSES)[number], customers: Number(c.customers) })),
    churnRiskCustomers: Number(r.churnRiskCustomers),
  };
}
