import { Readable } from "node:stream";
import { parse } from "csv-parse";

/** One record of an uploaded CSV and the line of the file where it starts (the header is line 1). */
export interface CsvRow {
  line: number;
  cells: string[];
}

const LINE_BREAK = /\r\n|\n|\r/g;

function lineBreaks(cells: string[]): number {
  let count = 0;
  for (const cell of cells) if (cell.length > 0) count += cell.match(LINE_BREAK)?.length ?? 0;
  return count;
}

/**
 * The records of a CSV read from its parts as they arrive (csv-parse, RFC 4180: quoted fields
 * may hold commas, quotes and line breaks; CRLF or LF; a UTF-8 byte order mark is dropped; rows
 * may have fewer or more cells than the header), each with the line where it starts. The lines
 * are counted here from the records rather than from csv-parse's `info.lines`, which counts a
 * CRLF inside a quoted field as two lines: a record ends one line after it starts plus the line
 * breaks inside its cells. Empty lines take a line and give no record.
 */
export async function* csvRecords(parts: AsyncIterable<Uint8Array>): AsyncGenerator<CsvRow> {
  const parser = Readable.from(parts, { objectMode: false }).pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: false }));
  let line = 1;
  for await (const cells of parser as AsyncIterable<string[]>) {
    const start = line;
    line += 1 + lineBreaks(cells);
    if (cells.length === 1 && cells[0] === "") continue;
    yield { line: start, cells };
  }
}
