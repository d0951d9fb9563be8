import { contentDisposition, csvCell, csvReply, csvRows, preferredType } from "../../src/http";

async function* batches(...list: unknown[][][]): AsyncGenerator<unknown[][]> {
  for (const batch of list) yield batch;
}

async function all(chunks: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const c of chunks) out.push(c);
  return out;
}

/** A minimal RFC 4180 reader, to check that what is written reads back as the cells. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i++;
    } else field += c;
  }
  if (field !== "" || record.length > 0) throw new Error("the last record has no CRLF");
  return records;
}

describe("csvCell", () => {
  it.each([
    ["a plain string", "Acme", "Acme"],
    ["a comma", "Acme, Inc.", '"Acme, Inc."'],
    ["quotes, doubled", 'the "best" deal', '"the ""best"" deal"'],
    ["a line feed", "line 1\nline 2", '"line 1\nline 2"'],
    ["a CRLF inside", "line 1\r\nline 2", '"line 1\r\nline 2"'],
    ["leading and trailing spaces, kept", "  padded  ", "  padded  "],
    ["unicode, unchanged", "Zoë 日本語 🚀", "Zoë 日本語 🚀"],
    ["an empty string", "", ""],
  ])("%s", (_name, value, written) => {
    expect(csvCell(value)).toBe(written);
  });

  it.each([
    ["=", "=HYPERLINK(\"http://evil\",\"x\")", "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\""],
    ["+", "+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"],
    ["-", "-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"],
    ["@", "@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"],
    ["a tab", "\t=1+1", "'\t=1+1"],
    ["a carriage return", "\r=1+1", "\"'\r=1+1\""],
    ["- alone", "-", "'-"],
    ["= with a comma (neutralised, then quoted)", "=1,2", "\"'=1,2\""],
  ])("a string starting with %s is neutralised with a leading quote", (_start, value, written) => {
    expect(csvCell(value)).toBe(written);
  });

  it("a string that is only a decimal number is a value, not a formula: exact amounts stay numbers", () => {
    expect(csvCell("-12.50")).toBe("-12.50");
    expect(csvCell("+3")).toBe("+3");
    expect(csvCell("-1e-7")).toBe("-1e-7");
    expect(csvCell("-.5")).toBe("-.5");
    // but not once anything else follows
    expect(csvCell("-12.50+A1")).toBe("'-12.50+A1");
    expect(csvCell("-0x1F")).toBe("'-0x1F");
    expect(csvCell("- 5")).toBe("'- 5");
  });

  it("numbers, bigints, booleans and dates are written as values", () => {
    expect(csvCell(-5)).toBe("-5");
    expect(csvCell(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(csvCell(1234567.5)).toBe("1234567.5");
    expect(csvCell(Number.NaN)).toBe("");
    expect(csvCell(Number.NEGATIVE_INFINITY)).toBe("");
    expect(csvCell(-(2n ** 70n))).toBe("-1180591620717411303424");
    expect(csvCell(true)).toBe("true");
    expect(csvCell(false)).toBe("false");
    expect(csvCell(new Date(Date.UTC(2026, 10, 30, 22, 5, 0, 7)))).toBe("2026-11-30T22:05:00.007Z");
    expect(csvCell(new Date("not a date"))).toBe("");
  });

  it("null and undefined are empty; objects are their JSON, quoted", () => {
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell({ a: 1, b: "x" })).toBe('"{""a"":1,""b"":""x""}"');
    expect(csvCell(["x"])).toBe('"[""x""]"');
  });
});

describe("csvRows", () => {
  it("writes the header first, then the records, every one ended by CRLF (chunkSize 0: a chunk per batch)", async () => {
    const chunks = await all(csvRows(["name", "amount", "closed"], batches([["Acme", "12.50", new Date(Date.UTC(2026, 0, 2))]], [["Globex, Ltd", -3, null], ["Initech", 7n, undefined]]), { chunkSize: 0 }));
    expect(chunks).toEqual([
      "name,amount,closed\r\nAcme,12.50,2026-01-02T00:00:00.000Z\r\n",
      '"Globex, Ltd",-3,\r\nInitech,7,\r\n',
    ]);
  });

  it("gathers small batches into chunks of about chunkSize characters", async () => {
    const many = Array.from({ length: 1000 }, (_, i) => [[i, "x".repeat(95)]]); // ~100 characters a record
    const chunks = await all(csvRows(["n", "text"], batches(...many), { chunkSize: 10_000 }));
    expect(chunks.length).toBeGreaterThanOrEqual(9);
    expect(chunks.length).toBeLessThanOrEqual(11);
    expect(chunks.slice(0, -1).every((c) => c.length >= 10_000 && c.length < 10_200)).toBe(true);
    const records = chunks.join("").split("\r\n");
    expect(records).toHaveLength(1002);
    expect(records.slice(1, -1).every((r, i) => r.startsWith(`${i},`))).toBe(true);
    // by default: 64 Ki characters (~100 KB here: two chunks)
    const byDefault = await all(csvRows(["n", "text"], batches(...many)));
    expect(byDefault).toHaveLength(2);
    expect(byDefault[0]!.length).toBeGreaterThanOrEqual(64 * 1024);
    expect(byDefault.join("")).toBe(chunks.join(""));
  });

  it("with no rows is the header alone", async () => {
    expect(await all(csvRows(["a", "b"], batches()))).toEqual(["a,b\r\n"]);
    expect(await all(csvRows(["a", "b"], batches([], [])))).toEqual(["a,b\r\n"]);
    expect(await all(csvRows(["a", "b"], batches([], []), { chunkSize: 0 }))).toEqual(["a,b\r\n"]);
  });

  it("neutralises and quotes header cells too", async () => {
    expect(await all(csvRows(["=cmd", "a,b"], batches()))).toEqual(["'=cmd,\"a,b\"\r\n"]);
  });

  it("starts with a byte order mark when asked (for Excel)", async () => {
    const [first] = await all(csvRows(["naïve"], batches([["é"]]), { bom: true }));
    expect(first).toBe("\uFEFFnaïve\r\né\r\n");
  });

  it("reads back as the same cells, whatever they hold", async () => {
    const awkward = ['He said "hi", then left', "multi\nline\r\ntext", "trailing,", '"', ",", "Ωmega – ünïcödé 🚀", "=1+1", "", "plain"];
    const text = (await all(csvRows(["value", "n"], batches(awkward.map((v, i) => [v, i]))))).join("");
    const records = parseCsv(text);
    expect(records[0]).toEqual(["value", "n"]);
    expect(records.slice(1)).toEqual(awkward.map((v, i) => [v === "=1+1" ? "'=1+1" : v, String(i)]));
  });

  it("fails before producing anything when the first batch fails, and midway after what came before", async () => {
    async function* failing(after: number): AsyncGenerator<unknown[][]> {
      for (let i = 0; i < after; i++) yield [[i]];
      throw new Error("query failed");
    }
    const early = csvRows(["n"], failing(0))[Symbol.asyncIterator]();
    await expect(early.next()).rejects.toThrow("query failed");
    const late = csvRows(["n"], failing(2), { chunkSize: 0 })[Symbol.asyncIterator]();
    expect((await late.next()).value).toBe("n\r\n0\r\n");
    expect((await late.next()).value).toBe("1\r\n");
    await expect(late.next()).rejects.toThrow("query failed");
  });

  it("stopping the CSV stops reading the rows (their finally runs)", async () => {
    let closed = false;
    let read = 0;
    async function* endless(): AsyncGenerator<unknown[][]> {
      try {
        for (;;) {
          read++;
          yield [[read]];
        }
      } finally {
        closed = true;
      }
    }
    for await (const chunk of csvRows(["n"], endless(), { chunkSize: 0 })) if (chunk.includes("3\r\n")) break;
    expect(closed).toBe(true);
    expect(read).toBe(3);
  });

  it("csvReply is a streamed text/csv answer", () => {
    const stream = csvRows(["a"], batches());
    expect(csvReply(stream, "export.csv")).toEqual({ stream, contentType: "text/csv; charset=utf-8", filename: "export.csv" });
    expect(csvReply(stream)).toEqual({ stream, contentType: "text/csv; charset=utf-8" });
  });
});

describe("preferredType", () => {
  const offered = ["application/json", "text/csv"];
  it.each([
    [undefined, "application/json"],
    ["", "application/json"],
    ["*/*", "application/json"],
    ["text/csv", "text/csv"],
    ["TEXT/CSV; charset=utf-8", "text/csv"],
    ["text/*", "text/csv"],
    ["application/json, text/csv;q=0.5", "application/json"],
    ["application/json;q=0.5, text/csv", "text/csv"],
    ["text/csv;q=0.9, */*;q=0.1", "text/csv"],
    ["*/*;q=0.8, text/csv;q=0", "application/json"],
    ["application/xml", undefined],
    ["text/csv;q=0", undefined],
    ["garbage", undefined],
  ])("Accept %p → %p", (accept, chosen) => {
    expect(preferredType(accept, offered)).toBe(chosen);
  });
});

describe("contentDisposition", () => {
  it("names an ASCII file plainly", () => {
    expect(contentDisposition("pipeline-2026-11.csv")).toBe('attachment; filename="pipeline-2026-11.csv"');
  });
  it("gives other names exactly as filename* (RFC 8187) with an ASCII fallback", () => {
    expect(contentDisposition("Übersicht 2026.csv")).toBe("attachment; filename=\"_bersicht 2026.csv\"; filename*=UTF-8''%C3%9Cbersicht%202026.csv");
  });
  it("cannot break out of the header: quotes, backslashes and line breaks are replaced", () => {
    const header = contentDisposition('a"b\\c\r\nSet-Cookie: x=1.csv');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header.startsWith('attachment; filename="a_b_c__Set-Cookie: x=1.csv"; filename*=UTF-8\'\'')).toBe(true);
  });
});
