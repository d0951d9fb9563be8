import type { Role } from "@relata/platform";
import { ANALYSTS, KNOWLEDGE_READERS, MARKETING_READERS, SALES_READERS, SERVICE_READERS } from "../roles";

/**
 * The catalogue of ad-hoc queries: the facts a client may query, and for each its dimensions
 * (group and filter on), measures (aggregate) and times (bucket and filter on). Clients send
 * these names only; the SQL expressions behind them are written here, and the query builder
 * (./query) puts nothing else into SQL text. Every fact is read through its table's alias `f`,
 * scoped by `f.tenant_id`; a snapshot table's deleted records are left out.
 */

/** How a field's values are typed: in filters (how a value is read), in results (how a cell is written). */
export const FIELD_TYPES = ["string", "integer", "decimal", "number", "date", "timestamp", "boolean"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface CatalogueEntry {
  name: string;
  type: FieldType;
  /** The SQL expression: code only, over the fact's aliases. */
  sql: string;
  description: string;
}

export interface FactDefinition {
  name: string;
  description: string;
  /** The fact's table as `f`. */
  from: string;
  /**
   * Tables joined for some fields, each on the same tenant and a unique key (so a row of the
   * fact stays one row): added only when a field of the query reads the join's alias.
   */
  joins: { alias: string; sql: string }[];
  /** A snapshot table (a row per record, with `deleted`), rather than a row per event. */
  snapshot: boolean;
  dimensions: CatalogueEntry[];
  measures: CatalogueEntry[];
  times: CatalogueEntry[];
  /** The roles that may read it (partner clients with the `reporting:read` scope read every fact). */
  readers: readonly Role[];
}

export const QUERY_FUNCTIONS = ["count", "sum", "avg", "min", "max"] as const;
export type QueryFunction = (typeof QUERY_FUNCTIONS)[number];

/** Units of a time bucket; a week is an ISO week (from Monday). */
export const BUCKET_UNITS = ["day", "week", "month", "quarter", "year"] as const;
export type BucketUnit = (typeof BUCKET_UNITS)[number];

export const FILTER_OPERATORS = ["equals", "not_equals", "in", "greater", "less", "between", "exists", "not_exists"] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** The partner scope that reads every fact (as the gateway forwards it among the roles). */
export const PARTNER_READ_ROLE = "scope:reporting:read";

const field = (name: string, type: FieldType, sql: string, description: string): CatalogueEntry => ({ name, type, sql, description });
const text = (name: string, column: string, description: string) => field(name, "string", `f.${column}`, description);
const instant = (name: string, column: string, description: string) => field(name, "timestamp", `f.${column}`, description);
/** Elapsed time between two instants of the row, in `unit` seconds (fractional), null until the later one is set. */
const elapsed = (from: string, to: string, seconds: number) => `(epoch(f.${to}) - epoch(f.${from})) / ${seconds}.0`;

export const FACTS: readonly FactDefinition[] = [
  {
    name: "opportunities",
    description: "Opportunities as they stand now (one row each), with the territory of their account.",
    from: "opportunities f",
    joins: [{ alias: "a", sql: "LEFT JOIN accounts a ON a.tenant_id = f.tenant_id AND a.account_id = f.account_id" }],
    snapshot: true,
    dimensions: [
      text("opportunityId", "opportunity_id", "The opportunity."),
      text("accountId", "account_id", "Its account."),
      text("ownerId", "owner_id", "Its owner (a rep's user id)."),
      text("stageId", "stage_id", "Its current stage."),
      text("status", "status", "open, won or lost."),
      text("currency", "currency", "The currency of its amount (ISO 4217)."),
      field("territory", "string", "a.territory", "The territory of its account."),
      text("leadId", "lead_id", "The lead it was converted from."),
    ],
    measures: [
      field("amount", "decimal", "f.amount", "Its amount, in its currency (exact)."),
      field("probability", "integer", "f.probability", "Its probability of winning, in percent."),
      field("salesCycleDays", "number", `CASE WHEN f.status <> 'open' THEN ${elapsed("created_at", "closed_at", 86_400)} END`, "Days from creation to closing (won or lost); none while open."),
    ],
    times: [
      instant("createdAt", "created_at", "When it was created."),
      instant("closedAt", "closed_at", "When it was won or lost."),
      field("expectedCloseDate", "date", "f.expected_close_date", "The day it is expected to close."),
    ],
    readers: SALES_READERS,
  },
  {
    name: "leads",
    description: "Leads as they stand now (one row each).",
    from: "leads f",
    joins: [],
    snapshot: true,
    dimensions: [
      text("leadId", "lead_id", "The lead."),
      text("source", "source", "manual, import, marketing, web_form or partner."),
      text("status", "status", "new, qualified, disqualified or converted."),
      text("ownerId", "owner_id", "Its owner (a rep's user id)."),
      text("campaignId", "campaign_id", "The campaign it came from."),
      text("industry", "industry", "Its company's industry."),
    ],
    measures: [],
    times: [instant("createdAt", "created_at", "When it was created."), instant("convertedAt", "converted_at", "When it was converted.")],
    readers: SALES_READERS,
  },
  {
    name: "orders",
    description: "Orders as they stand now (one row each), with the territory of their account.",
    from: "orders f",
    joins: [{ alias: "a", sql: "LEFT JOIN accounts a ON a.tenant_id = f.tenant_id AND a.account_id = f.account_id" }],
    snapshot: true,
    dimensions: [
      text("orderId", "order_id", "The order."),
      text("status", "status", "submitted, fulfilled or cancelled."),
      text("currency", "currency", "The currency of its amounts (ISO 4217)."),
      text("ownerId", "owner_id", "Its owner (a rep's user id)."),
      text("accountId", "account_id", "Its account."),
      text("opportunityId", "opportunity_id", "The opportunity it was made for."),
      field("territory", "string", "a.territory", "The territory of its account."),
    ],
    measures: [
      field("net", "decimal", "f.net", "Its net total (after discounts, before tax), in its currency (exact)."),
      field("total", "decimal", "f.total", "Its total with tax, in its currency (exact)."),
    ],
    times: [
      instant("submittedAt", "submitted_at", "When it was submitted."),
      instant("fulfilledAt", "fulfilled_at", "When it was fulfilled."),
      instant("cancelledAt", "cancelled_at", "When it was cancelled."),
    ],
    readers: SALES_READERS,
  },
  {
    name: "responses",
    description: "Campaign responses (one row per response recorded).",
    from: "campaign_responses f",
    joins: [],
    snapshot: false,
    dimensions: [
      text("campaignId", "campaign_id", "The campaign responded to."),
      text("responseType", "response_type", "opened, clicked, replied, registered, unsubscribed or interested."),
      text("leadId", "lead_id", "The lead the response made or came from."),
    ],
    measures: [],
    times: [instant("occurredAt", "occurred_at", "When the response happened.")],
    readers: MARKETING_READERS,
  },
  {
    name: "cases",
    description: "Service cases as they stand now (one row each).",
    from: "cases f",
    joins: [],
    snapshot: true,
    dimensions: [
      text("caseId", "case_id", "The case."),
      text("accountId", "account_id", "Its account."),
      text("queueId", "queue_id", "Its queue."),
      text("priority", "priority", "low, normal, high or urgent."),
      text("category", "category", "Its category."),
      text("product", "product", "The product it is about."),
      text("channel", "channel", "How it came in."),
      text("status", "status", "new, in_progress, waiting_on_customer, resolved or closed."),
      text("ownerId", "owner_id", "The agent it is assigned to."),
      field("slaBreached", "boolean", "f.sla_breached", "Whether a target of its SLA was missed."),
    ],
    measures: [
      field("firstResponseMinutes", "number", elapsed("created_at", "first_responded_at", 60), "Minutes from opening to the first public reply; none before it."),
      field("resolutionMinutes", "number", elapsed("created_at", "resolved_at", 60), "Minutes from opening to resolution; none before it."),
    ],
    times: [instant("createdAt", "created_at", "When it was opened."), instant("resolvedAt", "resolved_at", "When it was resolved.")],
    readers: SERVICE_READERS,
  },
  {
    name: "articleViews",
    description: "Knowledge-Base article views (one row per counted view: once per reader per hour).",
    from: "article_views f",
    joins: [],
    snapshot: false,
    dimensions: [
      text("articleId", "article_id", "The article viewed."),
      text("category", "category", "Its category."),
      text("language", "language", "Its language."),
    ],
    measures: [],
    times: [instant("occurredAt", "occurred_at", "When it was viewed.")],
    readers: KNOWLEDGE_READERS,
  },
  {
    name: "searches",
    description: "Knowledge-Base searches (one row per search performed).",
    from: "searches f",
    joins: [],
    snapshot: false,
    dimensions: [
      text("query", "query", "What was searched for."),
      text("category", "category", "The category searched in."),
      text("language", "language", "The language searched in."),
    ],
    measures: [field("resultCount", "integer", "f.result_count", "How many articles it found.")],
    times: [instant("occurredAt", "occurred_at", "When it was performed.")],
    readers: KNOWLEDGE_READERS,
  },
];

export const FACT_NAMES = FACTS.map((f) => f.name) as [string, ...string[]];

/** Whoever may read at least one fact: the gateway's permission row of the catalogue and the queries. */
export const QUERY_READERS: readonly Role[] = [...new Set(FACTS.flatMap((f) => [...f.readers]).concat(ANALYSTS))];

export function factNamed(name: string): FactDefinition | undefined {
  return FACTS.find((f) => f.name === name);
}

/** Whether a caller holding `roles` (identity roles, partner scopes as `scope:<name>`) may read the fact. */
export function canRead(fact: FactDefinition, roles: readonly string[]): boolean {
  return roles.includes(PARTNER_READ_ROLE) || roles.some((r) => (fact.readers as readonly string[]).includes(r));
}

/** The facts a caller may read, in the catalogue's order. */
export function readableFacts(roles: readonly string[]): FactDefinition[] {
  return FACTS.filter((f) => canRead(f, roles));
}

/** Any field of the fact by name, and what it is. */
export function fieldOfFact(fact: FactDefinition, name: string): { entry: CatalogueEntry; kind: "dimension" | "measure" | "time" } | undefined {
  const dimension = fact.dimensions.find((d) => d.name === name);
  if (dimension) return { entry: dimension, kind: "dimension" };
  const measure = fact.measures.find((m) => m.name === name);
  if (measure) return { entry: measure, kind: "measure" };
  const time = fact.times.find((t) => t.name === name);
  return time && { entry: time, kind: "time" };
}
