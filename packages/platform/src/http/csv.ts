import type { StreamedReply } from "./route";

/**
 * CSV as RFC 4180 writes it: fields separated by commas, records ended by CRLF, a field quoted
 * (with its quotes doubled) when it holds a comma, a quote, CR or LF; a header record first.
 *
 * Cells a spreadsheet would run as a formula are neutralised (OWASP "CSV injection"): a string
 * cell that starts with =, +, -, @, a tab or a carriage return gets a leading single quote, so
 * the spreadsheet shows it as text. Only strings are neutralised: numbers, bigints and dates are
 * written as values, and so is a string that is nothing but a decimal number ("-12.50", the way
 * exact money amounts travel), since a number cannot run anything.
 */
export const CSV_CONTENT_TYPE = "text/csv; charset=utf-8";

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NEEDS_QUOTES = /[",\r\n]/;

function text(value: string): string {
  const safe = FORMULA_START.test(value) && !PLAIN_DECIMAL.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * One cell: null and undefined empty; numbers as JavaScript writes them (NaN and infinities
 * empty: a spreadsheet has no such value); bigints as digits; booleans as true/false; Dates as
 * ISO 8601 (UTC); strings neutralised and quoted as needed; anything else as its JSON.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  switch (typeof value) {
    case "string":
      return text(value);
    case "number":
      return Number.isFinite(value) ? String(value) : "";
    case "bigint":
      return value.toString();
    case "boolean":
      return value ? "true" : "false";
    default:
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? "" : value.toISOString();
      return text(JSON.stringify(value) ?? "");
  }
}

/** One record, with its CRLF. */
export function csvRecord(cells: readonly unknown[]): string {
  return cells.map(csvCell).join(",") + "\r\n";
}

export interface CsvOptions {
  /**
   * Start with a UTF-8 byte order mark, which Excel needs to read the file as UTF-8 rather than
   * the machine's legacy code page. Off by default: other tools take it for part of the first
   * column's name.
   */
  bom?: boolean;
  /**
   * Characters gathered before a chunk is produced (default 64 Ki): a write per row costs far
   * more than the row. 0 produces one chunk per batch.
   */
  chunkSize?: number;
}

/**
 * A CSV document from rows that arrive in batches (pages of a query, messages of a gRPC
 * stream), as chunks of about `chunkSize` characters, the header in the first. Nothing is
 * produced before the first batch arrives, so a query that fails at once (or before the first
 * chunk fills) fails before anything is sent: an HTTP error answer, not a cut-off download.
 * Stopping the iteration stops reading `batches`.
 */
export async function* csvRows(columns: string[], batches: AsyncIterable<unknown[][]>, options: CsvOptions = {}): AsyncGenerator<string> {
  const chunkSize = options.chunkSize ?? 64 * 1024;
  let pending = (options.bom ? "\uFEFF" : "") + csvRecord(columns);
  for await (const batch of batches) {
    for (const cells of batch) pending += csvRecord(cells);
    if (pending !== "" && pending.length >= chunkSize) {
      yield pending;
      pending = "";
    }
  }
  if (pending !== "") yield pending;
}

/** A streamed CSV answer, offered as a download when `filename` is given. */
export function csvReply(stream: AsyncIterable<string | Uint8Array>, filename?: string, extra: Pick<StreamedReply, "status" | "headers"> = {}): StreamedReply {
  return { ...extra, stream, contentType: CSV_CONTENT_TYPE, ...(filename !== undefined ? { filename } : {}) };
}
