import { latest, upsert, type ProjectedEvent, type ProjectionWriter, type TableUpsert, type UpsertColumnType } from "@relata/platform/projection";
import type { FactChange, Row } from "./decode";
import { MONEY } from "./schema";

type Columns = Record<string, UpsertColumnType>;
const money = MONEY as UpsertColumnType;

/** A snapshot table: a row per record, replaced only by a higher version. */
const snapshot = (table: string, key: string[], columns: Columns): TableUpsert<Row> => ({
  table,
  key: ["tenant_id", ...key],
  columns: { tenant_id: "VARCHAR", ...columns, version: "BIGINT", deleted: "BOOLEAN" },
  values: (row) => row,
  newer: `excluded.version > ${table}.version`,
});

/** A fact table: a row per event (or per case, per link), kept as first stored. */
const fact = (table: string, key: string[], columns: Columns): TableUpsert<Row> => ({
  table,
  key: ["tenant_id", ...key],
  columns: { tenant_id: "VARCHAR", ...columns },
  values: (row) => row,
});

/** How each table of ./schema takes rows; the column lists are the DDL's, in its order. */
export const TABLES: Record<string, TableUpsert<Row>> = Object.fromEntries(
  [
    snapshot("accounts", ["account_id"], { account_id: "VARCHAR", name: "VARCHAR", industry: "VARCHAR", territory: "VARCHAR", owner_id: "VARCHAR", created_at: "TIMESTAMPTZ" }),
    snapshot("opportunities", ["opportunity_id"], {
      opportunity_id: "VARCHAR", account_id: "VARCHAR", lead_id: "VARCHAR", name: "VARCHAR", owner_id: "VARCHAR", stage_id: "VARCHAR",
      probability: "INTEGER", amount: money, currency: "VARCHAR", expected_close_date: "DATE", status: "VARCHAR", close_reason: "VARCHAR",
      created_at: "TIMESTAMPTZ", closed_at: "TIMESTAMPTZ", competitor_ids: "VARCHAR", lost_to_competitor_id: "VARCHAR", primary_quote_id: "VARCHAR",
    }),
    snapshot("orders", ["order_id"], {
      order_id: "VARCHAR", number: "VARCHAR", quote_id: "VARCHAR", opportunity_id: "VARCHAR", account_id: "VARCHAR", owner_id: "VARCHAR", status: "VARCHAR",
      currency: "VARCHAR", subtotal: money, net: money, tax: money, total: money, submitted_at: "TIMESTAMPTZ", fulfilled_at: "TIMESTAMPTZ",
      cancelled_at: "TIMESTAMPTZ", created_at: "TIMESTAMPTZ",
    }),
    snapshot("competitors", ["competitor_id"], { competitor_id: "VARCHAR", name: "VARCHAR", website: "VARCHAR" }),
    snapshot("leads", ["lead_id"], {
      lead_id: "VARCHAR", source: "VARCHAR", status: "VARCHAR", owner_id: "VARCHAR", campaign_id: "VARCHAR", company: "VARCHAR", industry: "VARCHAR",
      created_at: "TIMESTAMPTZ", converted_at: "TIMESTAMPTZ", account_id: "VARCHAR", opportunity_id: "VARCHAR",
    }),
    snapshot("activities", ["activity_id"], {
      activity_id: "VARCHAR", kind: "VARCHAR", account_id: "VARCHAR", owner_id: "VARCHAR", created_at: "TIMESTAMPTZ", completed_at: "TIMESTAMPTZ", occurred_at: "TIMESTAMPTZ",
    }),
    snapshot("campaigns", ["campaign_id"], {
      campaign_id: "VARCHAR", name: "VARCHAR", status: "VARCHAR", owner_id: "VARCHAR", budget: money, actual_cost: money, cost_currency: "VARCHAR",
      starts_at: "TIMESTAMPTZ", ends_at: "TIMESTAMPTZ", launched_at: "TIMESTAMPTZ", created_at: "TIMESTAMPTZ", members: "BIGINT",
    }),
    fact("campaign_responses", ["event_id"], {
      event_id: "VARCHAR", campaign_id: "VARCHAR", response_type: "VARCHAR", person_id: "VARCHAR", lead_id: "VARCHAR", occurred_at: "TIMESTAMPTZ",
    }),
    snapshot("cases", ["case_id"], {
      case_id: "VARCHAR", number: "VARCHAR", account_id: "VARCHAR", owner_id: "VARCHAR", queue_id: "VARCHAR", priority: "VARCHAR", category: "VARCHAR",
      product: "VARCHAR", channel: "VARCHAR", status: "VARCHAR", created_at: "TIMESTAMPTZ", first_responded_at: "TIMESTAMPTZ",
      first_response_due_at: "TIMESTAMPTZ", resolved_at: "TIMESTAMPTZ", resolution_due_at: "TIMESTAMPTZ", closed_at: "TIMESTAMPTZ", sla_breached: "BOOLEAN",
    }),
    fact("sla_alerts", ["event_id"], {
      event_id: "VARCHAR", case_id: "VARCHAR", metric: "VARCHAR", kind: "VARCHAR", due_at: "TIMESTAMPTZ", target_at: "TIMESTAMPTZ", priority: "VARCHAR",
      category: "VARCHAR", queue_id: "VARCHAR", occurred_at: "TIMESTAMPTZ",
    }),
    fact("case_feedback", ["case_id"], { case_id: "VARCHAR", score: "INTEGER", given_at: "TIMESTAMPTZ" }),
    snapshot("articles", ["article_id"], { article_id: "VARCHAR", title: "VARCHAR", category: "VARCHAR", language: "VARCHAR", status: "VARCHAR" }),
    fact("article_views", ["event_id"], { event_id: "VARCHAR", article_id: "VARCHAR", category: "VARCHAR", language: "VARCHAR", viewer_id: "VARCHAR", occurred_at: "TIMESTAMPTZ" }),
    fact("article_feedback", ["event_id"], { event_id: "VARCHAR", article_id: "VARCHAR", helpful: "BOOLEAN", occurred_at: "TIMESTAMPTZ" }),
    fact("article_case_links", ["case_id", "article_id"], { case_id: "VARCHAR", article_id: "VARCHAR", occurred_at: "TIMESTAMPTZ" }),
    fact("searches", ["event_id"], {
      event_id: "VARCHAR", query: "VARCHAR", language: "VARCHAR", category: "VARCHAR", product: "VARCHAR", result_count: "INTEGER", occurred_at: "TIMESTAMPTZ",
    }),
    fact("empty_searches", ["event_id"], { event_id: "VARCHAR", query: "VARCHAR", language: "VARCHAR", category: "VARCHAR", product: "VARCHAR", occurred_at: "TIMESTAMPTZ" }),
    snapshot("quotas", ["quota_id"], {
      quota_id: "VARCHAR", owner_id: "VARCHAR", territory: "VARCHAR", period: "VARCHAR", period_start: "DATE", period_end: "DATE", amount: money, currency: "VARCHAR",
    }),
  ].map((spec) => [spec.table, spec]),
);

/**
 * Applies a batch of decoded events inside the projection's transaction (which records their
 * stream position with them): one statement per table, and the batch's events counted per tenant
 * and subject.
 */
export async function applyFacts(writer: ProjectionWriter, events: ProjectedEvent<FactChange>[]): Promise<void> {
  const byTable = new Map<string, Row[]>();
  const counts = new Map<string, { tenant_id: string; subject: string; events: number }>();
  for (const { event } of events) {
    for (const { table, row } of event.rows) {
      if (!TABLES[table]) throw new Error(`no table ${table}`);
      const rows = byTable.get(table);
      if (rows) rows.push(row);
      else byTable.set(table, [row]);
    }
    const key = `${event.tenantId}\u0000${event.subject}`;
    const count = counts.get(key) ?? { tenant_id: event.tenantId, subject: event.subject, events: 0 };
    count.events += 1;
    counts.set(key, count);
  }
  for (const [table, rows] of byTable) {
    const spec = TABLES[table]!;
    const key = (row: Row) => spec.key.map((k) => String(row[k])).join("\u0000");
    // One row per key and statement: the highest version of a snapshot, the first of a fact.
    const kept = spec.newer ? latest(rows, key, (a, b) => Number(a.version) > Number(b.version)) : latest(rows, key, () => false);
    await upsert(writer, spec, kept);
  }
  if (counts.size) {
    await writer.run(
      `INSERT INTO applied_events (tenant_id, subject, events)
        SELECT r.tenant_id, r.subject, r.events FROM (SELECT unnest(from_json(?::JSON, '[{"tenant_id":"VARCHAR","subject":"VARCHAR","events":"BIGINT"}]'), recursive := true)) r
        ON CONFLICT (tenant_id, subject) DO UPDATE SET events = applied_events.events + excluded.events`,
      [JSON.stringify([...counts.values()])],
    );
  }
}
