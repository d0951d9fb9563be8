import { NOT_DELETED, StateConflict, type EventBus, type Logger } from "@relata/platform";
import { Projection, type SqlRow } from "@relata/platform/projection";
import type { SegmentMatchWord } from "../domain/segment-catalogue";
import type { AudiencePerson, AudienceReader, AudienceTargets } from "../domain/types";
import type { MarketingModels } from "../store/models";
import { applyAudienceChanges, decodeAudienceEvent, REPORTING_SOURCE, SALES_SOURCE, type AudienceChange } from "./apply";
import { AUDIENCE_SCHEMA, AUDIENCE_VERSION, MEMBER_COLUMNS } from "./schema";
import { anyOfSql, rulesSql, type SegmentRules, type SqlPart } from "./sql";

/** A person as a preview's sample shows them (AudienceMember). */
export interface AudienceMemberRow extends AudiencePerson {
  title: string;
  company: string;
  industry: string;
  territory: string;
  lifecycleStage: string;
  valueClass: string;
  churnRisk: boolean;
  createdAt: Date | undefined;
  updatedAt: Date | undefined;
}

export interface SegmentPreviewResult {
  count: number;
  sample: AudienceMemberRow[];
  /** False while the audience is still replaying the streams after a start on an empty file. */
  caughtUp: boolean;
}

export interface AudienceOptions {
  /** The DuckDB file (AUDIENCE_DB_PATH), ":memory:" in tests that do not restart. */
  path: string;
  bus: EventBus;
  logger: Logger;
  models: Pick<MarketingModels, "segments" | "listMembers">;
  /** DuckDB's threads and memory; its defaults take every core and most of the memory. */
  threads?: number;
  memoryLimit?: string;
}

/** How many people `targets` hands over at a time. */
export const TARGET_BATCH = 1_000;

const SELECT_MEMBERS = `SELECT ${MEMBER_COLUMNS.join(", ")} FROM audience`;

const str = (v: unknown) => (v === null || v === undefined ? "" : String(v));

function memberOf(row: SqlRow): AudienceMemberRow {
  return {
    personId: str(row.person_id),
    kind: row.kind === "contact" ? "contact" : "lead",
    firstName: str(row.first_name),
    lastName: str(row.last_name),
    email: str(row.email),
    phone: str(row.phone),
    ownerId: str(row.owner_id),
    accountId: str(row.account_id),
    title: str(row.title),
    company: str(row.company),
    industry: str(row.industry),
    territory: str(row.territory),
    lifecycleStage: str(row.lifecycle_stage),
    valueClass: str(row.value_class),
    churnRisk: row.churn_risk === true,
    createdAt: row.created_at instanceof Date ? row.created_at : undefined,
    updatedAt: row.updated_at instanceof Date ? row.updated_at : undefined,
  };
}

const personOf = (row: SqlRow): AudiencePerson => {
  const { personId, kind, firstName, lastName, email, phone, ownerId, accountId } = memberOf(row);
  return { personId, kind, firstName, lastName, email, phone, ownerId, accountId };
};

/**
 * Marketing's audience: its own copy of Sales' contacts and leads (and, once Reporting publishes
 * it, each account's value), in a local DuckDB file fed from the streams (the kit's projection).
 * Segments count and sample it; campaigns read their targets from it. Every query is scoped by
 * tenant first.
 */
export class Audience implements AudienceReader {
  private ready = false;

  private constructor(
    private readonly projection: Projection<AudienceChange>,
    private readonly models: AudienceOptions["models"],
  ) {
    void projection.caughtUp().then(() => (this.ready = true));
  }

  static async open(options: AudienceOptions): Promise<Audience> {
    const projection = await Projection.open<AudienceChange>(
      {
        name: "marketing-audience",
        path: options.path,
        version: AUDIENCE_VERSION,
        schema: AUDIENCE_SCHEMA,
        sources: [
          { ...SALES_SOURCE, decode: decodeAudienceEvent },
          { ...REPORTING_SOURCE, decode: decodeAudienceEvent },
        ],
        apply: applyAudienceChanges,
        settings: { threads: String(options.threads ?? 2), memory_limit: options.memoryLimit ?? "512MB" },
      },
      options.bus,
      options.logger.child({ component: "audience" }),
    );
    return new Audience(projection, options.models);
  }

  /** Resolves once the audience holds what the streams held when it started. */
  caughtUp(): Promise<void> {
    return this.projection.caughtUp();
  }

  close(): Promise<void> {
    return this.projection.close();
  }

  /** How many people meet the rules, and the `sampleSize` most recently changed of them. */
  async preview(tenantId: string, rules: SegmentRules, sampleSize: number): Promise<SegmentPreviewResult> {
    const where = rulesSql(rules);
    const [counted, sample] = await Promise.all([
      this.projection.query(`SELECT count(*) AS n FROM audience WHERE tenant_id = ? AND ${where.sql}`, [tenantId, ...where.params]),
      sampleSize > 0
        ? this.projection.query(`${SELECT_MEMBERS} WHERE tenant_id = ? AND ${where.sql} ORDER BY updated_at DESC NULLS LAST, person_id LIMIT ?`, [
            tenantId,
            ...where.params,
            sampleSize,
          ])
        : Promise.resolve([]),
    ]);
    return { count: Number(counted[0]?.n ?? 0), sample: sample.map(memberOf), caughtUp: this.ready };
  }

  /**
   * Every person the targets name, each once, in batches: first the segments' current members
   * (one query over their rules), then each list's members the audience knows that no segment
   * and no earlier list gave already.
   */
  async *targets(tenantId: string, targets: AudienceTargets): AsyncGenerator<AudiencePerson[]> {
    // A launch fixes its members from this: never from an audience still replaying after a start.
    await this.caughtUp();
    const segments = await this.segmentRules(tenantId, targets.segmentIds);
    const inSegments = anyOfSql(segments);
    let batch: AudiencePerson[] = [];
    if (segments.length) {
      const rows = this.projection.queryChunks(`${SELECT_MEMBERS} WHERE tenant_id = ? AND ${inSegments.sql} ORDER BY person_id`, [tenantId, ...inSegments.params]);
      for await (const chunk of rows) {
        for (const row of chunk) {
          batch.push(personOf(row));
          if (batch.length === TARGET_BATCH) {
            yield batch;
            batch = [];
          }
        }
      }
      if (batch.length) yield batch;
      batch = [];
    }
    const earlierLists: string[] = [];
    for (const listId of new Set(targets.listIds)) {
      for await (const personIds of this.listPages(tenantId, listId)) {
        const known = await this.knownPeople(tenantId, personIds, inSegments);
        const already = await this.onLists(tenantId, earlierLists, known.map((p) => p.personId));
        const fresh = known.filter((p) => !already.has(p.personId));
        if (fresh.length) yield fresh;
      }
      earlierLists.push(listId);
    }
  }

  async people(tenantId: string, personIds: readonly string[]): Promise<AudiencePerson[]> {
    // Whoever is not known yet is refused by the callers: wait until the audience is complete.
    await this.caughtUp();
    const out: AudiencePerson[] = [];
    const ids = [...new Set(personIds)];
    for (let i = 0; i < ids.length; i += TARGET_BATCH) {
      const chunk = ids.slice(i, i + TARGET_BATCH);
      const rows = await this.projection.query(`${SELECT_MEMBERS} WHERE tenant_id = ? AND person_id IN (${chunk.map(() => "?").join(", ")})`, [tenantId, ...chunk]);
      out.push(...rows.map(personOf));
    }
    return out;
  }

  /** The rules of the tenant's live segments; a deleted or unknown one is refused (a launch would silently miss its people). */
  private async segmentRules(tenantId: string, segmentIds: readonly string[]): Promise<SegmentRules[]> {
    const ids = [...new Set(segmentIds)];
    if (!ids.length) return [];
    const found = await this.models.segments.find({ tenantId, _id: { $in: ids }, ...NOT_DELETED }, { match: 1, conditions: 1 }).lean();
    const missing = ids.filter((id) => !found.some((s) => s._id === id));
    if (missing.length) throw new StateConflict(`segment ${missing.join(", ")} no longer exists`, "segment_ids");
    return found.map((s) => ({ match: (s.match ?? "all") as SegmentMatchWord, conditions: s.conditions ?? [] }));
  }

  /** A list's person ids, a page at a time, in `_id` order. */
  private async *listPages(tenantId: string, listId: string): AsyncGenerator<string[]> {
    const prefix = `${tenantId}/${listId}:`;
    let after = prefix;
    for (;;) {
      const page = await this.models.listMembers
        .find({ tenantId, listId, _id: { $gt: after } }, { personId: 1 })
        .sort({ _id: 1 })
        .limit(TARGET_BATCH)
        .lean();
      if (!page.length) return;
      yield page.map((m) => m.personId);
      after = page[page.length - 1]!._id;
      if (page.length < TARGET_BATCH) return;
    }
  }

  /** Of these ids, the people the audience knows and that no segment of the targets selects (a rule over a missing value is NULL, not false). */
  private async knownPeople(tenantId: string, personIds: string[], inSegments: SqlPart): Promise<AudiencePerson[]> {
    if (!personIds.length) return [];
    const rows = await this.projection.query(
      `${SELECT_MEMBERS} WHERE tenant_id = ? AND person_id IN (${personIds.map(() => "?").join(", ")}) AND NOT coalesce(${inSegments.sql}, FALSE) ORDER BY person_id`,
      [tenantId, ...personIds, ...inSegments.params],
    );
    return rows.map(personOf);
  }

  /** Which of these people are on any of the lists (by the memberships' unique ids). */
  private async onLists(tenantId: string, listIds: readonly string[], personIds: readonly string[]): Promise<Set<string>> {
    if (!listIds.length || !personIds.length) return new Set();
    const ids = listIds.flatMap((listId) => personIds.map((personId) => `${tenantId}/${listId}:${personId}`));
    const found = await this.models.listMembers.find({ tenantId, _id: { $in: ids } }, { personId: 1 }).lean();
    return new Set(found.map((m) => m.personId));
  }
}
