import { csvRecords, type CsvRow } from "../../src/domain/import-csv";

async function rowsOf(...parts: (string | Buffer)[]): Promise<CsvRow[]> {
  async function* source(): AsyncGenerator<Uint8Array> {
    for (const p of parts) yield typeof p === "string" ? Buffer.from(p) : p;
  }
  const rows: CsvRow[] = [];
  for await (const row of csvRecords(source())) rows.push(row);
  return rows;
}

describe("an uploaded CSV read as records with the line each starts on", () => {
  it("numbers the header line 1 and each row by its line", async () => {
    expect(await rowsOf("lastName,email\nAda,ada@example.com\nBob,bob@example.com\n")).toEqual([
      { line: 1, cells: ["lastName", "email"] },
      { line: 2, cells: ["Ada", "ada@example.com"] },
      { line: 3, cells: ["Bob", "bob@example.com"] },
    ]);
  });

  it("counts the lines of quoted fields that hold line breaks, with LF or CRLF", async () => {
    for (const eol of ["\n", "\r\n"]) {
      const rows = await rowsOf(`lastName,title${eol}Ada,"line one${eol}line two${eol}line three"${eol}Bob,"a ""quoted"", title"${eol}Cy,x${eol}`);
      expect(rows.map((r) => r.line)).toEqual([1, 2, 5, 6]);
      expect(rows[1]!.cells[1]).toBe(`line one${eol}line two${eol}line three`);
      expect(rows[2]!.cells[1]).toBe('a "quoted", title');
    }
  });

  it("drops a UTF-8 byte order mark from the first column's name", async () => {
    const rows = await rowsOf(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("lastName\r\nAda\r\n")]));
    expect(rows).toEqual([
      { line: 1, cells: ["lastName"] },
      { line: 2, cells: ["Ada"] },
    ]);
  });

  it("gives an empty line no record but counts it", async () => {
    expect((await rowsOf("lastName\n\nAda\n\n\nBob")).map((r) => [r.line, r.cells[0]])).toEqual([
      [1, "lastName"],
      [3, "Ada"],
      [6, "Bob"],
    ]);
  });

  it("reads records that the upload's parts cut anywhere, even inside a quoted field or a multi-byte character", async () => {
    const text = 'lastName,title\nZoë,"two\nlines"\nÅsa,plain\n';
    const bytes = Buffer.from(text);
    const parts = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    expect(await rowsOf(...parts)).toEqual([
      { line: 1, cells: ["lastName", "title"] },
      { line: 2, cells: ["Zoë", "two\nlines"] },
      { line: 4, cells: ["Åsa", "plain"] },
    ]);
  });

  it("keeps rows with fewer or more cells than the header", async () => {
    expect((await rowsOf("a,b\n1\n1,2,3\n")).map((r) => r.cells)).toEqual([["a", "b"], ["1"], ["1", "2", "3"]]);
  });

  it("fails on a quote that is never closed, naming where", async () => {
    await expect(rowsOf('lastName\n"Ada\n')).rejects.toMatchObject({ code: expect.stringMatching(/^CSV_/) });
  });
});
