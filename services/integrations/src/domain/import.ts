import type { BaseRecord } from "@relata/platform";
import { fieldEntries } from "@relata/platform/resource";
import { resourceOf, SALES_OBJECTS, type SalesObject } from "./sales-records";

/** What an import job writes: Sales' records by the API's collection name. */
export const IMPORT_OBJECTS = SALES_OBJECTS;
export type ImportObject = SalesObject;
export type ImportOperation = "insert" | "upsert";
export type ImportMatchKey = "email" | "external_id";
export type ImportState = "open" | "queued" | "in_progress" | "completed" | "failed" | "aborted";

/** The states a job never leaves. */
export const FINAL_STATES: readonly ImportState[] = ["completed", "failed", "aborted"];

export interface ColumnMapping {
  column: string;
  field: string;
}

/** Who created the job: the runner calls Sales as them (tenant, subject, roles). */
export interface JobCreator {
  subject: string;
  roles: string[];
  requestId: string;
}

/** The counters a checkpoint sets, as absolute values. */
export interface ImportCounters {
  rowsProcessed: number;
  rowsSucceeded: number;
  rowsFailed: number;
  rowsCreated: number;
  rowsUpdated: number;
}

export const NO_COUNTS: ImportCounters = { rowsProcessed: 0, rowsSucceeded: 0, rowsFailed: 0, rowsCreated: 0, rowsUpdated: 0 };

export interface ImportJobRecord extends BaseRecord, ImportCounters {
  object: ImportObject;
  operation: ImportOperation;
  /** "" for an insert. */
  matchKey: ImportMatchKey | "";
  mapping: ColumnMapping[];
  state: ImportState;
  bytesUploaded: number;
  /** The last line of the uploaded file whose row is written and counted: a resumed run starts after it. */
  checkpointLine: number;
  error: string;
  createdBy: string;
  creator: JobCreator;
  startedAt?: Date;
  completedAt?: Date;
}

/** A row that failed: its line in the uploaded file, the field (or column; "" for the row) and why. */
export interface ImportFailure {
  line: number;
  field: string;
  reason: string;
}

/** The fields a create of the object takes: what a column may be mapped to. */
export function createFields(object: ImportObject): string[] {
  return fieldEntries(resourceOf(object))
    .filter(([, field]) => field.rules.create)
    .map(([key]) => key);
}

/** The API field a match key reads. */
export const MATCH_FIELD: Record<ImportMatchKey, string> = { email: "email", external_id: "externalId" };

export interface JobDefinition {
  object: ImportObject;
  operation: ImportOperation;
  matchKey: ImportMatchKey | "";
  mapping: ColumnMapping[];
}

/**
 * The rules of a job's definition beyond its fields' formats: an upsert needs a match key the
 * object has (accounts have no email), and each mapping names a create field of the object and
 * a column once. Returns the failing field (request names) and why, or undefined.
 */
export function definitionProblem(job: JobDefinition): { field: string; reason: string } | undefined {
  if (job.operation === "upsert" && job.matchKey === "") return { field: "matchKey", reason: "matchKey: an upsert needs a match key (email or externalId)" };
  if (job.operation === "insert" && job.matchKey !== "") return { field: "matchKey", reason: "matchKey: only an upsert takes a match key" };
  const fields = createFields(job.object);
  if (job.matchKey !== "" && !fields.includes(MATCH_FIELD[job.matchKey])) {
    return { field: "matchKey", reason: `matchKey: ${job.object} have no ${MATCH_FIELD[job.matchKey]} to match on` };
  }
  const columns = new Set<string>();
  for (const [i, m] of job.mapping.entries()) {
    if (!fields.includes(m.field)) return { field: `mapping.${i}.field`, reason: `mapping.${i}.field: "${m.field}" is not a field of ${job.object} (one of ${fields.join(", ")})` };
    if (columns.has(m.column)) return { field: `mapping.${i}.column`, reason: `mapping.${i}.column: column "${m.column}" is mapped twice` };
    columns.add(m.column);
  }
  return undefined;
}

/** A failure of the job as a whole (its file cannot be read as rows of the object). */
export class JobFailure extends Error {}

/**
 * The field each column of the header fills (undefined: the column is not imported). With a
 * mapping, its columns must all be in the header and the others are ignored; without one, each
 * column must be named as a create field of the object. A field filled by two columns fails.
 */
export function columnFields(header: string[], object: ImportObject, mapping: ColumnMapping[]): (string | undefined)[] {
  const names = header.map((h) => h.trim());
  const fields = createFields(object);
  if (mapping.length > 0) {
    for (const m of mapping) if (!names.includes(m.column)) throw new JobFailure(`column "${m.column}" of the mapping is not in the file's header`);
    const byColumn = new Map(mapping.map((m) => [m.column, m.field]));
    return names.map((n) => byColumn.get(n));
  }
  const seen = new Set<string>();
  return names.map((n) => {
    if (!fields.includes(n)) throw new JobFailure(`column "${n}" is not a field of ${object} (one of ${fields.join(", ")}); map it or remove it`);
    if (seen.has(n)) throw new JobFailure(`column "${n}" appears twice in the header`);
    seen.add(n);
    return n;
  });
}

/** A row's JSON create body: each imported column's cell under its field, empty cells left out. */
export function rowBody(cells: string[], fields: (string | undefined)[]): Record<string, string> {
  const body: Record<string, string> = {};
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    const cell = cells[i];
    if (field === undefined || cell === undefined || cell === "") continue;
    body[field] = cell;
  }
  return body;
}
