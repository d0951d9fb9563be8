import type { BaseRecord } from "@relata/platform";
import { gatewaySchemas, toJson } from "@relata/platform/resource";
import { resourceOf, SALES_OBJECTS, type SalesObject } from "./sales-records";

/** What an export job reads: Sales' records, by the API's collection name. */
export const EXPORT_OBJECTS = SALES_OBJECTS;
export type ExportObject = SalesObject;

export const JOB_STATES = ["queued", "in_progress", "completed", "failed"] as const;
export type ExportState = (typeof JOB_STATES)[number];

/** How long a written file is kept: the files stream's max age (FILES_STREAM). */
export const EXPORT_RETENTION_DAYS = 7;

/** Rows between two progress writes to the job: a write per row would cost more than the row. */
export const PROGRESS_EVERY_ROWS = 5_000;

export interface ExportJobRecord extends BaseRecord {
  object: ExportObject;
  /** The list's query parameters as the caller gave them (API names, text values), validated. */
  filters: Record<string, string>;
  state: ExportState;
  rowsExported: number;
  bytesWritten: number;
  error: string;
  /** Who created the job: the worker reads Sales as this caller, with these roles, never more. */
  createdBy: string;
  creatorRoles: string[];
  /**
   * The worker's run of the job (1 on the first start, +1 on every restart after a crash). Each
   * run writes its own file: JetStream would drop a rewritten part as a duplicate of the
   * interrupted run's part at the same offset, so a restart cannot rewrite the same name.
   */
  run: number;
  startedAt?: Date;
  completedAt?: Date;
}

/** List parameters that are about paging, not selection: an export reads every record. */
const PAGING = new Set(["limit", "cursor", "sort"]);

/** A filter refused: its name (as the caller wrote it) and why. */
export interface FilterProblem {
  name: string;
  message: string;
}

/**
 * Checks an export's filters against the list endpoint's query parameters of the resource (the
 * same schema, so the same names and value rules). The parsed list query, or the first filter
 * refused (the callers name it `filters.<name>`). Pure: the gateway and the service both use it.
 */
export function checkFilters(object: ExportObject, filters: Record<string, string>): { query: Record<string, unknown> } | { problem: FilterProblem } {
  for (const name of Object.keys(filters)) {
    if (PAGING.has(name)) return { problem: { name, message: `an export reads every matching record; ${name} is not a filter` } };
  }
  const result = gatewaySchemas(resourceOf(object)).list.safeParse(filters);
  if (result.success) return { query: result.data as Record<string, unknown> };
  const issue = result.error.issues[0]!;
  // An unknown parameter is one issue listing its keys; anything else names its path.
  if (issue.code === "unrecognized_keys") {
    return { problem: { name: String(issue.keys[0]), message: `not a filter of ${object} (its filters: ${filterNames(object).join(", ") || "none"})` } };
  }
  return { problem: { name: issue.path.map(String).join("."), message: issue.message } };
}

/** The filters the list of a resource takes (its query parameters besides paging). */
export function filterNames(object: ExportObject): string[] {
  return Object.keys(gatewaySchemas(resourceOf(object)).list.shape).filter((k) => !PAGING.has(k));
}

/** The CSV's columns: the record's API fields (id, the resource's fields, version, times). */
export function exportColumns(object: ExportObject): string[] {
  return ["id", ...Object.keys(resourceOf(object).fields), "version", "createdAt", "updatedAt"];
}

/**
 * One record's cells, in the columns' order, from the API's JSON of its message; nested values
 * (a lead's conversion) stay objects, which the CSV writer writes as JSON text.
 */
export function exportCells(object: ExportObject, message: unknown, columns: readonly string[] = exportColumns(object)): unknown[] {
  const json = toJson(resourceOf(object) as Parameters<typeof toJson>[0], message) as Record<string, unknown>;
  return columns.map((c) => json[c]);
}

/** The file a run of a job writes. */
export function exportFileName(jobId: string, run: number): string {
  return `export.${jobId}.${run}`;
}

/** The download's name: "contacts-2026-12-01.csv" (the day the job was created). */
export function downloadName(job: Pick<ExportJobRecord, "object" | "createdAt">): string {
  return `${job.object}-${job.createdAt.toISOString().slice(0, 10)}.csv`;
}
