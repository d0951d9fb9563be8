import type { Role } from "@relata/platform";
import { DECIMAL_AMOUNT_PATTERN, enumCodec, f, resource, Subdocument } from "@relata/platform/resource";
import { Account, CreateAccountRequest, ListAccountsRequest, UpdateAccountRequest } from "@relata/proto/sales/v1/account";
import { Activity, ActivityType, CreateActivityRequest, ListActivitiesRequest, UpdateActivityRequest } from "@relata/proto/sales/v1/activity";
import { Contact, CreateContactRequest, ListContactsRequest, UpdateContactRequest } from "@relata/proto/sales/v1/contact";
import { CreateLeadRequest, Lead, LeadConversion, LeadSource, LeadStatus, ListLeadsRequest, UpdateLeadRequest } from "@relata/proto/sales/v1/lead";
import {
  CreateOpportunityRequest,
  ListOpportunitiesRequest,
  Opportunity,
  OpportunityStatus,
  StageChange,
  UpdateOpportunityRequest,
} from "@relata/proto/sales/v1/opportunity";
import { Competitor, CreateCompetitorRequest, ListCompetitorsRequest, UpdateCompetitorRequest } from "@relata/proto/sales/v1/competitor";
import { CreatePriceListRequest, ListPriceListsRequest, PriceList, PriceListEntry, UpdatePriceListRequest } from "@relata/proto/sales/v1/price_list";
import { CreateProductRequest, ListProductsRequest, Product, UpdateProductRequest } from "@relata/proto/sales/v1/product";
import { OrderStatus } from "@relata/proto/sales/v1/order";
import { DiscountKind, QuoteStatus } from "@relata/proto/sales/v1/quote";
import { ForecastCategory, StageKind } from "@relata/proto/sales/v1/pipeline";
import { CreateTerritoryRequest, ListTerritoriesRequest, Territory, type TerritoryRule, UpdateTerritoryRequest } from "@relata/proto/sales/v1/territory";
import { z } from "zod";

/**
 * Sales' CRUD resources, described once: the API's schemas, the service's input checks, the
 * collections and indexes, the record ↔ message codec, the event subjects and the permission
 * rows all derive from these. This module imports no runtime of the service (no database, no
 * gRPC server), so the gateway can import it through `@relata/sales/resources`.
 */

export const SALES_READERS: readonly Role[] = ["platform-admin", "tenant-admin", "sales-rep", "sales-manager", "marketer", "analyst"];
const SUPPORT: readonly Role[] = ["support-agent", "support-manager"];
export const SALES_WRITERS: readonly Role[] = ["tenant-admin", "sales-rep", "sales-manager"];

export const leadStatus = enumCodec(LeadStatus, "LEAD_STATUS_");
export const leadSource = enumCodec(LeadSource, "LEAD_SOURCE_");
export const opportunityStatus = enumCodec(OpportunityStatus, "OPPORTUNITY_STATUS_");
export const activityType = enumCodec(ActivityType, "ACTIVITY_TYPE_");
/** The kind of a pipeline stage (the pipeline is Sales' configuration, not a CRUD resource). */
export const stageKind = enumCodec(StageKind, "STAGE_KIND_");

/** A pipeline stage id, as the pipeline's rules define it. */
export const STAGE_ID = /^[a-z][a-z0-9_-]{0,49}$/;

const orNull = (v: string | undefined) => (v ? v : null);

// Territory placement's inputs on accounts and leads (docs/territories.md).
/** An ISO 3166-1 alpha-2 country code. */
export const COUNTRY = /^[A-Z]{2}$/;
/** A territory's code: what accounts' and leads' `territory` and Reporting's territory quotas hold. */
export const TERRITORY_CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
function countryField() {
  return f
    .text(2, { pattern: { regex: COUNTRY, message: "must be an ISO 3166-1 alpha-2 country code in capitals (PL)" } })
    .clearable()
    .example("PL")
    .describe("ISO 3166-1 alpha-2; with region, industry and employeeCount it places the record in a territory.");
}
function regionField() {
  return f.text(200).clearable().describe("Free text (compared case-insensitively by territory rules).");
}
function employeeCountField() {
  return f.int(0, 10_000_000).describe("0: unknown.");
}
function territoryCodeField() {
  return f
    .text(100, { pattern: { regex: TERRITORY_CODE, message: "must be a territory code" } })
    .clearable()
    .describe("The code of the territory the record is in: placed by the territories' rules on create and when a rule-relevant field changes, unless given.");
}

export const account = resource<Account, CreateAccountRequest, UpdateAccountRequest, ListAccountsRequest>()({
  name: "sales.account",
  path: "/v1/accounts",
  collection: "accounts",
  fields: {
    name: f.text(200).required().sortable(),
    parentAccountId: f.ref("sales.account").clearable().filter(),
    industry: f.text(200).clearable().filter(),
    territory: f.text(200).clearable().filter(),
    ownerId: f.owner().filter(),
    website: f.httpUrl(200).clearable(),
    externalId: f.text(100).clearable().filter().describe("The partner's own key of the record (the id in the system it came from); bulk upserts can match on it."),
    country: countryField().filter(),
    region: regionField().filter(),
    employeeCount: employeeCountField(),
  },
  access: { read: [...SALES_READERS, ...SUPPORT], write: SALES_WRITERS, scopes: { read: "sales:read" } },
  pii: ["website"],
});

export const contact = resource<Contact, CreateContactRequest, UpdateContactRequest, ListContactsRequest>()({
  name: "sales.contact",
  path: "/v1/contacts",
  collection: "contacts",
  fields: {
    accountId: f.ref("sales.account").clearable().filter(),
    firstName: f.text(200).clearable(),
    lastName: f.text(200).required().sortable(),
    email: f.email(200).clearable().sortable().filter(),
    phone: f.phone().clearable(),
    title: f.text(200).clearable(),
    ownerId: f.owner().filter(),
    externalId: f.text(100).clearable().filter().describe("The partner's own key of the record (the id in the system it came from); bulk upserts can match on it."),
  },
  access: { read: [...SALES_READERS, ...SUPPORT], write: SALES_WRITERS, scopes: { read: "sales:read" } },
  pii: ["firstName", "lastName", "email", "phone"],
});

/** A lead's conversion as the record keeps what the API serves of it (the plan has more: domain/types.ts). */
export interface ConversionRecord {
  accountId: string;
  contactId: string;
  opportunityId: string;
  convertedAt?: Date;
}

const ConversionJson = z
  .object({ accountId: z.string(), contactId: z.string(), opportunityId: z.string(), convertedAt: z.iso.datetime({ offset: true }).nullable() })
  .nullable();

export const lead = resource<Lead, CreateLeadRequest, UpdateLeadRequest, ListLeadsRequest>()({
  name: "sales.lead",
  path: "/v1/leads",
  collection: "leads",
  fields: {
    firstName: f.text(200).clearable(),
    lastName: f.text(200).required().sortable(),
    email: f.email(200).clearable(),
    phone: f.phone().clearable(),
    company: f.text(200).sortable().filter().describe("Exact company name."),
    title: f.text(200).clearable(),
    industry: f.text(200).clearable(),
    source: f
      .enum(leadSource)
      .createOnly()
      .filter()
      .describe('Where the lead came from; partner clients default to "partner", people to "manual".'),
    status: f.enum(leadStatus).readOnly().filter(),
    ownerId: f.owner().createOnly().filter().describe("Empty: the tenant's round robin assigns one, or the caller owns it."),
    score: f.int(0, 100).updateOnly().sortable(),
    disqualifyReason: f.text(200).readOnly(),
    campaignId: f.ref("marketing.campaign").readOnly().filter().describe("The Marketing campaign whose response this lead came from."),
    scoredAt: f.timestamp().readOnly().describe("When Marketing's lead scoring computed the score the lead holds (absent: never); an older score never replaces a newer one."),
    externalId: f.text(100).clearable().filter().describe("The partner's own key of the record (the id in the system it came from); bulk upserts can match on it."),
    country: countryField().filter(),
    region: regionField(),
    employeeCount: employeeCountField(),
    territory: territoryCodeField().filter(),
    // Served once the lead is converted; a claimed plan is the service's own (see toLead).
    conversion: f.custom<{ proto: LeadConversion | undefined; json: z.output<typeof ConversionJson>; record: ConversionRecord | undefined }>({
      output: ConversionJson,
      toJson: (c) => (c?.accountId ? { accountId: c.accountId, contactId: c.contactId, opportunityId: c.opportunityId, convertedAt: orNull(c.convertedAt) } : null),
      recordToProto: (c) =>
        c?.convertedAt
          ? { accountId: c.accountId, contactId: c.contactId, opportunityId: c.opportunityId, convertedAt: new Date(c.convertedAt).toISOString() }
          : undefined,
      mongo: { accountId: String, contactId: String, opportunityId: String, convertedAt: Date },
      emptyRecord: undefined,
    }),
  },
  access: {
    read: SALES_READERS,
    write: SALES_WRITERS,
    scopes: { read: "sales:read", create: "sales:write" },
    says: { update: "update, qualify and assign leads" },
  },
  pii: ["firstName", "lastName", "email", "phone"],
});

export interface StageChangeRecord {
  fromStageId: string;
  toStageId: string;
  changedBy: string;
  changedAt: Date;
}

const StageChangeJson = z.object({
  fromStageId: z.string().nullable(),
  toStageId: z.string(),
  changedBy: z.string().nullable(),
  changedAt: z.iso.datetime({ offset: true }).nullable(),
});

export const opportunity = resource<Opportunity, CreateOpportunityRequest, UpdateOpportunityRequest, ListOpportunitiesRequest>()({
  name: "sales.opportunity",
  path: "/v1/opportunities",
  collection: "opportunities",
  fields: {
    accountId: f.ref("sales.account").required().createOnly().filter(),
    contactId: f.ref("sales.contact").clearable(),
    name: f.text(200).required().sortable(),
    stageId: f
      .text(50, { pattern: { regex: STAGE_ID, message: "must be a stage id of the pipeline" } })
      .createOnly()
      .defaulted("An open stage; defaults to the first open stage of the tenant's pipeline.")
      .references("stage of the tenant's pipeline")
      .filter(),
    probability: f.int(0, 100).readOnly().sortable(),
    amount: f.money(),
    expectedCloseDate: f.date().clearable().sortable(),
    status: f.enum(opportunityStatus).readOnly().filter(),
    closeReason: f.text(200).readOnly(),
    ownerId: f.owner().filter(),
    competitorIds: f.list(f.ref("sales.competitor"), 20).describe("Competitors met on the deal."),
    lostToCompetitorId: f.ref("sales.competitor").readOnly().describe("The competitor a lost deal went to (given with the lost stage)."),
    primaryQuoteId: f.ref("sales.quote").readOnly().describe("The quote whose net total the amount follows; absent while the amount is entered by hand."),
    stageHistory: f.custom<{ proto: StageChange[]; json: z.output<typeof StageChangeJson>[]; record: StageChangeRecord[] }>({
      output: z.array(StageChangeJson),
      toJson: (history) =>
        history.map((h) => ({ fromStageId: orNull(h.fromStageId), toStageId: h.toStageId, changedBy: orNull(h.changedBy), changedAt: orNull(h.changedAt) })),
      recordToProto: (history) =>
        (history ?? []).map((h) => ({
          fromStageId: h.fromStageId ?? "",
          toStageId: h.toStageId,
          changedBy: h.changedBy ?? "",
          changedAt: new Date(h.changedAt).toISOString(),
        })),
      mongo: [{ _id: false, fromStageId: { type: String, default: "" }, toStageId: { type: String, required: true }, changedBy: { type: String, default: "" }, changedAt: { type: Date, required: true } }],
      emptyRecord: [],
    }),
    leadId: f.ref("sales.lead").readOnly(),
  },
  access: { read: SALES_READERS, write: SALES_WRITERS, scopes: { read: "sales:read" }, says: { write: "create and update opportunities, change their stage" } },
});

/**
 * What an activity may be about: the Sales records it can check exist in the tenant (not another
 * activity), by their resource names.
 */
export const ACTIVITY_TARGETS = [account.name, contact.name, lead.name, opportunity.name] as const;

export const activity = resource<Activity, CreateActivityRequest, UpdateActivityRequest, ListActivitiesRequest>()({
  name: "sales.activity",
  path: "/v1/activities",
  collection: "activities",
  fields: {
    type: f.enum(activityType).required().createOnly().filter(),
    subject: f.text(200).required(),
    notes: f.text(10_000).clearable(),
    relatedTo: f
      .recordRef(ACTIVITY_TARGETS)
      .required()
      .createOnly()
      .named("ActivityTarget", "The record an activity is about: an account, contact, lead or opportunity of the tenant."),
    accountId: f.ref("sales.account").readOnly(),
    dueAt: f.timestamp(),
    completedAt: f.timestamp().readOnly(),
    ownerId: f.owner().filter(),
  },
  access: { read: [...SALES_READERS, ...SUPPORT], write: SALES_WRITERS, scopes: { read: "sales:read" } },
});

export const competitor = resource<Competitor, CreateCompetitorRequest, UpdateCompetitorRequest, ListCompetitorsRequest>()({
  name: "sales.competitor",
  path: "/v1/competitors",
  collection: "competitors",
  fields: {
    name: f.text(200).required().sortable().filter().describe("The competitor's name (exact match when filtering)."),
    website: f.httpUrl(200).clearable(),
    strengths: f.text(4000).clearable(),
    weaknesses: f.text(4000).clearable(),
  },
  // Reps and managers write the market knowledge they gather on deals; a tenant admin, as every Sales record.
  access: { read: SALES_READERS, write: SALES_WRITERS, scopes: { read: "sales:read" } },
});

/** Every CRUD resource of Sales, in the order the API lists them. */
export const SALES_RESOURCES = [account, contact, lead, opportunity, activity, competitor] as const;

/** The resource names of Sales' records, as a record reference's type names them ("sales.account"). */
export const SALES_RECORD_TYPES = SALES_RESOURCES.map((r) => r.name);

/** The languages a proposal document is written in (the quote's `language`, the profile's default). */
export const PROPOSAL_LANGUAGES = ["en", "pl", "ru", "uk"] as const;

// --- Catalogue (docs/commerce.md): products and price lists ---

/** tenant-admin and sales-manager write products (and override quoted prices). */
export const CATALOGUE_WRITERS: readonly Role[] = ["tenant-admin", "sales-manager"];
/** Price lists change by tenant-admin alone. */
export const PRICE_LIST_WRITERS: readonly Role[] = ["tenant-admin"];

export const product = resource<Product, CreateProductRequest, UpdateProductRequest, ListProductsRequest>()({
  name: "sales.product",
  path: "/v1/products",
  collection: "products",
  fields: {
    name: f.text(200).required().sortable(),
    code: f.text(50).required().sortable().filter().describe("Unique within the tenant (409 when another product has it)."),
    description: f.text(2000).clearable(),
    unit: f.text(50).clearable().describe('The unit a quantity counts ("licence", "hour").'),
    active: f.boolean().filter().describe("Only active products go on new quote lines; true when absent on create."),
    family: f.text(100).clearable().filter().describe("The product family."),
  },
  access: { read: SALES_READERS, write: CATALOGUE_WRITERS, scopes: { read: "sales:read" } },
});

/** Three upper-case letters (ISO 4217 shape). */
export const CURRENCY_PATTERN = /^[A-Z]{3}$/;

const PriceListEntryRow = z.strictObject({
  productId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be a record id").meta({ "x-relata-reference": "sales.product" }),
  unitPrice: z.string().regex(DECIMAL_AMOUNT_PATTERN, "must be a decimal string with at most 15 digits and 4 decimals, such as 12500.00"),
});

export const priceList = resource<PriceList, CreatePriceListRequest, UpdatePriceListRequest, ListPriceListsRequest>()({
  name: "sales.price_list",
  path: "/v1/price-lists",
  collection: "price_lists",
  fields: {
    name: f.text(200).required().sortable(),
    currency: f
      .text(3, { pattern: { regex: CURRENCY_PATTERN, message: "must be an ISO 4217 code of 3 upper-case letters" } })
      .required()
      .createOnly()
      .filter()
      .example("EUR"),
    validFrom: f.date().clearable().describe("First day the prices hold (included); empty: no start."),
    validTo: f.date().clearable().describe("Last day the prices hold (included); empty: no end. Before validFrom, the list holds on no day."),
    isDefault: f
      .boolean()
      .filter()
      .describe("The tenant's default list of its currency; making a list the default takes it from the one that had it."),
    entries: f
      .rows<PriceListEntry>(PriceListEntryRow, { max: 1000, mongo: new Subdocument({ productId: String, unitPrice: String }) })
      .relatesTo("each product of the tenant, once")
      .describe("One price per product, in the list's currency."),
  },
  access: { read: SALES_READERS, write: PRICE_LIST_WRITERS, scopes: { read: "sales:read" } },
});

/** The catalogue's CRUD resources (their permission rows are derived like the others'). */
export const COMMERCE_RESOURCES = [product, priceList] as const;

/** The quote's and order's enumerations (codec/commerce.ts and the REST face share them). */
export const quoteStatus = enumCodec(QuoteStatus, "QUOTE_STATUS_");
export const orderStatus = enumCodec(OrderStatus, "ORDER_STATUS_");
export const discountKind = enumCodec(DiscountKind, "DISCOUNT_KIND_");

/** Where a pipeline stage's opportunities count in the forecast (docs/territories.md). */
export const forecastCategory = enumCodec(ForecastCategory, "FORECAST_CATEGORY_");

/** Who configures territories (and so moves records between them). */
export const TERRITORY_WRITERS: readonly Role[] = ["tenant-admin", "sales-manager"];

const trimmedList = (max: number, item: z.ZodString) => z.array(item, { error: "must be a list" }).max(max, `must have at most ${max} items`).default([]);

/** A territory rule: each named criterion must match; at least one is named. */
export const TerritoryRuleRow = z
  .strictObject({
    countries: trimmedList(300, z.string().regex(COUNTRY, "must be an ISO 3166-1 alpha-2 country code in capitals (PL)")),
    regions: trimmedList(100, z.string().min(1, "must not be empty").max(200, "must be at most 200 characters")),
    industries: trimmedList(100, z.string().min(1, "must not be empty").max(200, "must be at most 200 characters")),
    minEmployees: z.number().int("must be a whole number").min(0).max(10_000_000).default(0),
    maxEmployees: z
      .number()
      .int("must be a whole number")
      .min(0)
      .max(10_000_000)
      .default(0)
      .meta({ description: "0: no upper bound; otherwise not below minEmployees.", "x-relata-relation": "not below minEmployees (0: no upper bound)" }),
    appliesTo: z.enum(["accounts", "leads", "both"]).default("both"),
  })
  .superRefine((r, ctx) => {
    if (!r.countries.length && !r.regions.length && !r.industries.length && !r.minEmployees && !r.maxEmployees) {
      ctx.addIssue({ code: "custom", path: ["countries"], message: "a rule names at least one of countries, regions, industries, minEmployees, maxEmployees" });
    }
    if (r.maxEmployees && r.minEmployees > r.maxEmployees) ctx.addIssue({ code: "custom", path: ["maxEmployees"], message: "must not be below minEmployees" });
  })
  .meta({
    anyOf: [
      { properties: { countries: { minItems: 1 } }, required: ["countries"] },
      { properties: { regions: { minItems: 1 } }, required: ["regions"] },
      { properties: { industries: { minItems: 1 } }, required: ["industries"] },
      { properties: { minEmployees: { minimum: 1 } }, required: ["minEmployees"] },
      { properties: { maxEmployees: { minimum: 1 } }, required: ["maxEmployees"] },
    ],
  }) as unknown as z.ZodType<TerritoryRule>;

export const territory = resource<Territory, CreateTerritoryRequest, UpdateTerritoryRequest, ListTerritoriesRequest>()({
  name: "sales.territory",
  path: "/v1/territories",
  collection: "territories",
  fields: {
    code: f
      .text(100, { pattern: { regex: TERRITORY_CODE, message: "must be letters, digits, '.', '_' or '-', starting with a letter or digit" } })
      .required()
      .createOnly()
      .filter()
      .sortable()
      .relatesTo("unique in the tenant")
      .describe('Unique in the tenant and never changed ("EMEA-PL"): accounts\' and leads\' territory and Reporting\'s territory quotas hold it.'),
    name: f.text(200).required().sortable(),
    parentId: f.ref("sales.territory").clearable().filter().relatesTo("not the territory itself nor one of its descendants").describe("The parent territory; absent for a top-level one."),
    managerId: f.owner().clearable().filter().describe("The manager of the territory (a user id)."),
    memberIds: f.list(f.owner(), 200).describe("The reps of the territory."),
    defaultOwnerId: f.owner().clearable().relatesTo("one of memberIds").describe("One of memberIds: owns what is placed here when its owner is not a member."),
    rules: f
      .rows<TerritoryRule>(TerritoryRuleRow, {
        max: 50,
        mongo: new Subdocument({ countries: [String], regions: [String], industries: [String], minEmployees: Number, maxEmployees: Number, appliesTo: String }),
      })
      .createOnly()
      .describe("What places accounts and leads here; changed through POST /v1/territories/{id}/rules, which re-evaluates the tenant's records."),
    priority: f.int(0, 1000).sortable().describe("Among matching territories of the same depth the higher wins (then the lower code)."),
  },
  access: { read: SALES_READERS, write: TERRITORY_WRITERS, scopes: { read: "sales:read" } },
});
