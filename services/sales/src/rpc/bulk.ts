import {
  AppError,
  changedFields,
  implement,
  InvalidArgument,
  validate,
  type Actor,
  type BaseRecord,
  type CallContext,
  type NewFields,
  type PendingEvent,
  type Repository,
  type ServiceRegistration,
  type TenantRecords,
  type UpdateOptions,
} from "@relata/platform";
import { ID_PATTERN, serviceSchemas, type AnyResource } from "@relata/platform/resource";
import {
  BulkMatchKey,
  BulkOperation,
  BulkRowOutcome,
  BulkServiceService,
  type BulkFieldError,
  type BulkRowResult,
  type BulkWriteResponse,
} from "@relata/proto/sales/v1/bulk";
import { z } from "zod";
import { toAccount, toContact, toLead } from "../codec/mappers";
import type { AccountRecord, ContactRecord, LeadRecord } from "../domain/types";
import { assertLeadChangeable } from "../domain/lead";
import { accountEvent, contactEvent, leadEvent } from "../events/builders";
import { account, contact, lead } from "../resources";
import { checkParent } from "./accounts";
import type { SalesDeps } from "./context";

/**
 * Bulk writes and exports of accounts, contacts and leads, for Integrations' import and export
 * jobs. Each row is checked as its create request is (the description's create schema, the
 * create's owner defaults and reference checks) and succeeds or fails on its own; the batch's
 * references and match keys are looked up once per distinct value, never once per row, and the
 * records go in with one unordered insert and one unordered update, each document carrying its
 * usual created / updated event.
 */

/** The most rows one call may carry. */
export const MAX_BULK_ROWS = 2000;
/** Records per export message. */
export const EXPORT_CHUNK = 500;

type Values = Record<string, unknown>;
type MatchField = "email" | "externalId";

const MATCH_FIELDS = new Map<BulkMatchKey, MatchField>([
  [BulkMatchKey.BULK_MATCH_KEY_EMAIL, "email"],
  [BulkMatchKey.BULK_MATCH_KEY_EXTERNAL_ID, "externalId"],
]);

/** A row's line: a positive whole number (int64, a string from ts-proto). */
const line = z
  .string()
  .default("0")
  .refine((v) => /^\d{1,15}$/.test(v) && Number(v) > 0, "must be a positive line number")
  .transform(Number);

const rowSchema = z.object({
  line,
  id: z.string().regex(ID_PATTERN, "must be a record id"),
  record: z.unknown().optional(),
});

/** The request of WriteX: options (operation, match key for an upsert) and at most MAX_BULK_ROWS rows. */
export function writeRequestSchema(matchFields: readonly MatchField[]) {
  const keys = [...MATCH_FIELDS].filter(([, f]) => matchFields.includes(f)).map(([k]) => k);
  return z
    .object({
      options: z
        .object({
          operation: z.nativeEnum(BulkOperation).default(BulkOperation.BULK_OPERATION_UNSPECIFIED),
          matchKey: z.nativeEnum(BulkMatchKey).default(BulkMatchKey.BULK_MATCH_KEY_UNSPECIFIED),
        })
        .default({ operation: BulkOperation.BULK_OPERATION_UNSPECIFIED, matchKey: BulkMatchKey.BULK_MATCH_KEY_UNSPECIFIED }),
      rows: z.array(rowSchema).max(MAX_BULK_ROWS, `must hold at most ${MAX_BULK_ROWS} rows`),
    })
    .superRefine(({ options }, ctx) => {
      const { operation, matchKey } = options;
      if (operation !== BulkOperation.BULK_OPERATION_INSERT && operation !== BulkOperation.BULK_OPERATION_UPSERT) {
        ctx.addIssue({ code: "custom", path: ["options", "operation"], message: "must be insert or upsert" });
      }
      const allowed = `must be ${matchFields.map((f) => (f === "email" ? "email" : "external id")).join(" or ")}`;
      if (matchKey !== BulkMatchKey.BULK_MATCH_KEY_UNSPECIFIED && !keys.includes(matchKey)) {
        ctx.addIssue({ code: "custom", path: ["options", "matchKey"], message: allowed });
      } else if (operation === BulkOperation.BULK_OPERATION_UPSERT && matchKey === BulkMatchKey.BULK_MATCH_KEY_UNSPECIFIED) {
        ctx.addIssue({ code: "custom", path: ["options", "matchKey"], message: `is required for an upsert: ${allowed.slice(5)}` });
      }
    });
}

/** A reference the rows may make, checked for the whole batch at once. */
interface BatchReference {
  field: string;
  /** The records it must name, live in the caller's tenant. */
  records: Repository<BaseRecord> | Repository<AccountRecord>;
  /** Whether a row may name a record another row of the same batch creates (an account's parent). */
  withinBatch?: boolean;
}

interface BatchUpdates<T> {
  /** May add to `set` (a territory placement) or refuse by throwing. */
  check(set: Values, current: T): void | Promise<void>;
  /** After the batch's updates are written, with the records they wrote. */
  written?(records: T[]): Promise<void>;
}

/** What differs between the three resources' bulk writes. */
interface BulkResource<T extends BaseRecord> {
  r: AnyResource;
  records: Repository<T>;
  event: (kind: "created" | "updated", record: T, actor: Actor) => PendingEvent;
  matchFields: readonly MatchField[];
  references: readonly BatchReference[];
  /** A row's own problem beyond the description's checks (an account naming itself as parent). */
  refuse?(values: Values, id: string): BulkFieldError | undefined;
  /** The new records' fields from their checked rows, with the create's defaults. */
  create(rows: Values[], records: TenantRecords<T>, ctx: CallContext): Promise<NewFields<T>[]>;
  /** One batch's updates: the rules on a matched record, as the normal update applies them (they refuse by throwing), and what follows the written records. */
  updates?(records: TenantRecords<T>, ctx: CallContext): BatchUpdates<T>;
  updateOptions?: UpdateOptions;
}

const isEmpty = (v: unknown) => v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0);

/** A checked row's values an update may set: the updatable fields it gives (an empty cell leaves a field as it is). */
function updateValues(r: AnyResource, values: Values): Values {
  return Object.fromEntries(Object.entries(values).filter(([k, v]) => r.fields[k]?.rules.update && !isEmpty(v)));
}

const camelCase = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** A domain error as a row's errors: the field in the API's name, the reason without it. */
function rowErrors(err: unknown): BulkFieldError[] {
  if (!(err instanceof AppError)) throw err;
  const field = err.field ? camelCase(err.field) : "";
  const reason = err.field && err.message.startsWith(`${err.field}: `) ? err.message.slice(err.field.length + 2) : err.message;
  return [{ field, reason }];
}

/** A record of the batch: created by a row, or matched and changed by one or more. */
type Planned<T> =
  | { kind: "insert"; id: string; values: Values; rows: number[] }
  | { kind: "update"; current: T; values: Values; rows: number[] };

function bulkWrite<T extends BaseRecord>(spec: BulkResource<T>) {
  const schemas = serviceSchemas(spec.r);
  const request = writeRequestSchema(spec.matchFields);
  return async (raw: unknown, ctx: CallContext): Promise<BulkWriteResponse> => {
    const started = Date.now();
    const phases: Record<string, number> = {};
    const phase = (name: string, since: number) => (phases[name] = Date.now() - since);
    const { options, rows } = validate(request, raw);
    const upsert = options.operation === BulkOperation.BULK_OPERATION_UPSERT;
    const matchField = upsert ? MATCH_FIELDS.get(options.matchKey) : undefined;
    const tenant = spec.records.in(ctx);
    const results: BulkRowResult[] = rows.map((row) => ({ line: String(row.line), outcome: BulkRowOutcome.BULK_ROW_OUTCOME_UNSPECIFIED, id: "", errors: [] }));
    const fail = (i: number, errors: BulkFieldError[]) => {
      results[i] = { line: String(rows[i]!.line), outcome: BulkRowOutcome.BULK_ROW_OUTCOME_FAILED, id: "", errors };
    };
    const succeed = (i: number, outcome: BulkRowOutcome, id: string) => {
      results[i] = { line: String(rows[i]!.line), outcome, id, errors: [] };
    };

    // Each row as its create request is checked: every problem of the row, by API field name.
    const inputs: (Values | undefined)[] = rows.map((row, i) => {
      const checked = schemas.create.safeParse(row.record ?? {});
      if (!checked.success) {
        fail(i, checked.error.issues.map((issue) => ({ field: issue.path.map(String).join("."), reason: issue.message })));
        return undefined;
      }
      const { idempotencyKey: _key, ...values } = checked.data as Values;
      const refused = spec.refuse?.(values, row.id);
      if (refused) {
        fail(i, [refused]);
        return undefined;
      }
      if (matchField && isEmpty(values[matchField])) {
        fail(i, [{ field: matchField, reason: `is required to match a record by ${matchField}` }]);
        return undefined;
      }
      return values;
    });

    // The batch's references, one lookup per distinct value.
    const batchIds = new Set(rows.map((r) => r.id));
    for (const ref of spec.references) {
      const named = new Set(inputs.map((v) => v?.[ref.field]).filter((v): v is string => typeof v === "string" && v !== ""));
      if (named.size === 0) continue;
      const found = await (ref.records as Repository<BaseRecord>).in(ctx).findByValues("_id", named);
      inputs.forEach((values, i) => {
        const id = values?.[ref.field];
        if (typeof id !== "string" || id === "" || found.has(id) || (ref.withinBatch && batchIds.has(id))) return;
        fail(i, [{ field: ref.field, reason: `no ${ref.records.what} with id ${id}` }]);
        inputs[i] = undefined;
      });
    }

    phase("checkMs", started);
    const lookupStarted = Date.now();
    // The match keys' records, one lookup per distinct key.
    const matched = matchField ? await tenant.findByValues(matchField as keyof T & string, inputs.map((v) => String(v?.[matchField] ?? ""))) : new Map<string, T[]>();

    // Rows in order: a key seen earlier in the batch changes what that row created or matched.
    const planned: Planned<T>[] = [];
    const byKey = new Map<string, Planned<T>>();
    const firstLineOfId = new Map<string, number>();
    inputs.forEach((values, i) => {
      if (!values) return;
      const row = rows[i]!;
      const key = matchField ? String(values[matchField]) : undefined;
      const earlier = key === undefined ? undefined : byKey.get(key);
      const candidates = key === undefined ? [] : (matched.get(key) ?? []);
      if (candidates.length > 1) {
        fail(i, [{ field: matchField!, reason: `matches ${candidates.length} records` }]);
        return;
      }
      if (earlier || candidates.length === 1) {
        const target: Planned<T> = earlier ?? { kind: "update", current: candidates[0]!, values: {}, rows: [] };
        if (!earlier) {
          planned.push(target);
          byKey.set(key!, target);
        }
        const base = target.kind === "insert" ? target.values : { ...(target.current as unknown as Values), ...target.values };
        const changed = changedFields(base, updateValues(spec.r, values));
        Object.assign(target.values, changed);
        target.rows.push(i);
        const id = target.kind === "insert" ? target.id : target.current._id;
        succeed(i, Object.keys(changed).length ? BulkRowOutcome.BULK_ROW_OUTCOME_UPDATED : BulkRowOutcome.BULK_ROW_OUTCOME_UNCHANGED, id);
        return;
      }
      const first = firstLineOfId.get(row.id);
      if (first !== undefined) {
        fail(i, [{ field: "id", reason: `repeats the id of line ${first}` }]);
        return;
      }
      firstLineOfId.set(row.id, row.line);
      const insert: Planned<T> = { kind: "insert", id: row.id, values: { ...values }, rows: [i] };
      planned.push(insert);
      if (key !== undefined) byKey.set(key, insert);
      succeed(i, BulkRowOutcome.BULK_ROW_OUTCOME_CREATED, row.id);
    });

    phase("lookupMs", lookupStarted);
    const insertStarted = Date.now();
    // Inserts first (a later update may name an account the batch creates as its parent).
    const inserts = planned.filter((p): p is Extract<Planned<T>, { kind: "insert" }> => p.kind === "insert");
    if (inserts.length) {
      const fields = await spec.create(inserts.map((p) => p.values), tenant, ctx);
      const now = new Date();
      const records = inserts.map(
        (p, k) =>
          ({ ...fields[k], _id: p.id, version: 1, createdAt: now, updatedAt: now, idempotencyKey: `bulk:${p.id}`, requestHash: "" }) as unknown as Omit<T, "tenantId">,
      );
      const { refused } = await tenant.insertMany(records, (record, actor) => [spec.event("created", record, actor)]);
      const taken = new Set(refused);
      for (const p of inserts) {
        if (taken.has(p.id)) for (const i of p.rows) fail(i, [{ field: "id", reason: `is taken by another record: ${p.id}` }]);
      }
    }

    phase("insertMs", insertStarted);
    const updateStarted = Date.now();
    const updates = planned.filter((p): p is Extract<Planned<T>, { kind: "update" }> => p.kind === "update");
    if (updates.length) {
      const batch = spec.updates?.(tenant, ctx);
      const written = await tenant.updateMany(
        updates.map((p) => ({
          current: p.current,
          decide: async (current: T) => {
            const set = changedFields(current as unknown as Values, p.values) as Values;
            if (Object.keys(set).length === 0) return null;
            await batch?.check(set, current);
            return { set: set as never, events: (next: T, actor: Actor) => [spec.event("updated", next, actor)] };
          },
        })),
        spec.updateOptions,
      );
      written.forEach((result, k) => {
        const p = updates[k]!;
        if (!result.ok) {
          const errors = rowErrors(result.error);
          for (const i of p.rows) fail(i, errors);
          return;
        }
        // A record this very row created in an earlier attempt of the batch, found again by its key.
        const first = p.rows[0]!;
        if (p.current._id === rows[first]!.id && results[first]!.outcome === BulkRowOutcome.BULK_ROW_OUTCOME_UNCHANGED) {
          succeed(first, BulkRowOutcome.BULK_ROW_OUTCOME_CREATED, p.current._id);
        }
      });
      await batch?.written?.(written.flatMap((result) => (result.ok && result.changed ? [result.record] : [])));
    }
    phase("updateMs", updateStarted);
    // Where a batch's time goes (checks, key lookup, insert, update), for tuning imports.
    ctx.logger.debug({ resource: spec.r.name, rows: rows.length, ms: Date.now() - started, ...phases }, "bulk write");
    return { results };
  };
}

/** ExportX: the list's filters (its page ignored), every live record through one cursor, in chunks. */
function bulkExport<M, T extends BaseRecord>(r: AnyResource, records: Repository<T>, toProto: (record: T) => M) {
  const request = z.object({ filters: serviceSchemas(r).list.optional() });
  return async function* (raw: unknown, ctx: CallContext): AsyncIterable<M[]> {
    const { filters } = validate(request, raw);
    let chunk: M[] = [];
    for await (const record of records.in(ctx).scan(filters ?? {}, EXPORT_CHUNK)) {
      chunk.push(toProto(record));
      if (chunk.length === EXPORT_CHUNK) {
        yield chunk;
        chunk = [];
      }
    }
    if (chunk.length) yield chunk;
  };
}

export function bulkService({ repos, assignmentRules, logger, territories }: SalesDeps): ServiceRegistration {
  // As LeadService's updates: no edit once a conversion is claimed.
  const notBeingConverted = { guard: { conversion: { $exists: false } } };
  const accounts = bulkWrite<AccountRecord>({
    r: account,
    records: repos.accounts,
    event: accountEvent,
    matchFields: ["externalId"],
    references: [{ field: "parentAccountId", records: repos.accounts, withinBatch: true }],
    refuse: (values, id) => (values.parentAccountId === id ? { field: "parentAccountId", reason: "an account cannot be its own parent" } : undefined),
    // As CreateAccount: placed in its territory by the rules (docs/territories.md), one read of the tree per batch.
    create: async (rows, records, ctx) =>
      territories.placeMany(ctx, "account", rows.map((v) => ({ ...v, ownerId: v.ownerId || records.actor.actorId }) as unknown as NewFields<AccountRecord>)),
    // As UpdateAccount: a changed country, region, industry or size places it again, and its open opportunities follow an owner that changes.
    updates: (records, ctx) => {
      const placement = territories.changePlacement(ctx, "account");
      return {
        check: async (set, current) => {
          if (set.parentAccountId !== undefined) await checkParent(records, current._id, String(set.parentAccountId ?? ""));
          await placement.place(set, current);
        },
        written: placement.followOwners,
      };
    },
  });
  const contacts = bulkWrite<ContactRecord>({
    r: contact,
    records: repos.contacts,
    event: contactEvent,
    matchFields: ["email", "externalId"],
    references: [{ field: "accountId", records: repos.accounts }],
    create: async (rows, records) => rows.map((v) => ({ ...v, ownerId: v.ownerId || records.actor.actorId }) as unknown as NewFields<ContactRecord>),
  });
  const leads = bulkWrite<LeadRecord>({
    r: lead,
    records: repos.leads,
    event: leadEvent,
    matchFields: ["email", "externalId"],
    references: [],
    create: async (rows, records, ctx) => {
      // As CreateLead: no owner named, the tenant's round robin (one turn per lead), else the caller.
      const reps = await assignmentRules.take(ctx, rows.filter((v) => !v.ownerId).length);
      let turn = 0;
      const made = rows.map(
        (v) =>
          ({
            ...v,
            // An imported lead with no source says where it came from.
            source: v.source ?? "import",
            status: "new",
            ownerId: v.ownerId || reps[turn++] || records.actor.actorId,
            score: 0,
            disqualifyReason: "",
            campaignId: "",
          }) as unknown as NewFields<LeadRecord>,
      );
      // As CreateLead: placed in its territory by the rules.
      return territories.placeMany(ctx, "lead", made);
    },
    // As UpdateLead: a changed country, region, industry or size places it again.
    updates: (_records, ctx) => {
      const placement = territories.changePlacement(ctx, "lead");
      return {
        check: async (set, current) => {
          assertLeadChangeable(current, "edited");
          await placement.place(set, current);
        },
      };
    },
    updateOptions: notBeingConverted,
  });
  const exportAccounts = bulkExport(account, repos.accounts, toAccount);
  const exportContacts = bulkExport(contact, repos.contacts, toContact);
  const exportLeads = bulkExport(lead, repos.leads, toLead);
  return implement(
    BulkServiceService,
    {
      writeAccounts: accounts,
      writeContacts: contacts,
      writeLeads: leads,
      async *exportAccounts(request, ctx) {
        for await (const chunk of exportAccounts(request, ctx)) yield { accounts: chunk };
      },
      async *exportContacts(request, ctx) {
        for await (const chunk of exportContacts(request, ctx)) yield { contacts: chunk };
      },
      async *exportLeads(request, ctx) {
        for await (const chunk of exportLeads(request, ctx)) yield { leads: chunk };
      },
    },
    logger,
  );
}
