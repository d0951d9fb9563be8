import { csvRecord, csvRows } from "@relata/platform/http";
import type { Actor, Logger } from "@relata/platform";
import type { Contact } from "@relata/proto/sales/v1/contact";
import type { ExportContactsRequest } from "@relata/proto/sales/v1/bulk";
import type { Lead } from "@relata/proto/sales/v1/lead";
import { checkFilters, exportCells, exportColumns, exportFileName, type ExportJobRecord } from "../../src/domain/export";
import { FILE_PART_BYTES } from "../../src/store/files";
import { parseFilters, PartWriter, runExportJob, type SalesExports } from "../../src/workflows/export";
import type { ExportJobs } from "../../src/store/exports";

const contact = (over: Partial<Contact> = {}): Contact => ({
  id: "c-1",
  tenantId: "acme",
  accountId: "",
  firstName: "Ada",
  lastName: "Lovelace",
  email: "ada@example.com",
  phone: "",
  title: "",
  ownerId: "user-1",
  externalId: "",
  version: "3",
  createdAt: "2026-11-30T10:00:00.000Z",
  updatedAt: "2026-11-30T11:00:00.000Z",
  ...over,
});

describe("an exported record as a CSV row", () => {
  it("has the resource's API fields as columns, id first, version and times last", () => {
    expect(exportColumns("contacts")).toEqual(["id", "accountId", "firstName", "lastName", "email", "phone", "title", "ownerId", "externalId", "version", "createdAt", "updatedAt"]);
    expect(exportColumns("contacts")).not.toContain("tenantId");
  });

  it("writes the API's JSON of the record: empty strings empty, version a number", () => {
    expect(csvRecord(exportCells("contacts", contact()))).toBe("c-1,,Ada,Lovelace,ada@example.com,,,user-1,,3,2026-11-30T10:00:00.000Z,2026-11-30T11:00:00.000Z\r\n");
  });

  it("neutralises cells a spreadsheet would run as formulas", () => {
    const row = csvRecord(exportCells("contacts", contact({ lastName: '=HYPERLINK("http://evil.example","click")', firstName: "+1", title: "@SUM(A1)" })));
    expect(row).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(row).toContain(",'@SUM(A1),");
    // "+1" is a plain number: nothing to run, left as it is.
    expect(row).toContain(",+1,");
  });

  it("quotes commas, quotes and line breaks", () => {
    const row = csvRecord(exportCells("contacts", contact({ title: 'Head of "R&D", Europe', firstName: "Line\nbreak" })));
    expect(row).toContain(`,"Line\nbreak",`);
    expect(row).toContain(`,"Head of ""R&D"", Europe",`);
  });

  it("writes nested values as JSON text", () => {
    const lead: Lead = {
      id: "l-1",
      tenantId: "acme",
      firstName: "",
      lastName: "Doe",
      email: "",
      phone: "",
      company: "Doe Inc",
      title: "",
      industry: "",
      source: "LEAD_SOURCE_WEB" as Lead["source"],
      status: "LEAD_STATUS_CONVERTED" as Lead["status"],
      ownerId: "user-1",
      score: 0,
      disqualifyReason: "",
      campaignId: "",
      version: "2",
      conversion: { accountId: "a-1", contactId: "c-1", opportunityId: "", convertedAt: "2026-11-30T12:00:00.000Z" },
    } as unknown as Lead;
    const cells = exportCells("leads", lead);
    const conversion = cells[exportColumns("leads").indexOf("conversion")];
    expect(csvRecord([conversion])).toBe(`"{""accountId"":""a-1"",""contactId"":""c-1"",""opportunityId"":"""",""convertedAt"":""2026-11-30T12:00:00.000Z""}"\r\n`);
  });
});

describe("an export's filters", () => {
  it("are the list's query parameters, parsed as the list parses them", () => {
    expect(parseFilters("contacts", { ownerId: "user-1", email: "ada@example.com" })).toEqual({ ownerId: "user-1", email: "ada@example.com" });
  });

  it("refuse an unknown name, naming filters.<name>", () => {
    expect(() => parseFilters("contacts", { colour: "red" })).toThrow(expect.objectContaining({ field: "filters.colour" }));
    // A field of the record that is not a filter of its list.
    expect(() => parseFilters("contacts", { lastName: "x" })).toThrow(expect.objectContaining({ field: "filters.lastName" }));
  });

  it("refuse a bad value, naming filters.<name>", () => {
    expect(() => parseFilters("contacts", { email: "not-an-email" })).toThrow(expect.objectContaining({ field: "filters.email" }));
    expect(() => parseFilters("leads", { status: "maybe" })).toThrow(expect.objectContaining({ field: "filters.status" }));
    expect(() => parseFilters("accounts", { ownerId: "   " })).toThrow(expect.objectContaining({ field: "filters.ownerId" }));
  });

  it("refuse paging: an export reads every matching record", () => {
    const checked = checkFilters("leads", { limit: "10" });
    expect(checked).toEqual({ problem: expect.objectContaining({ name: "limit" }) });
  });
});

describe("the file's parts", () => {
  it("are at most FILE_PART_BYTES, in order, and put back together give the CSV (a character cut between parts too)", async () => {
    const parts: { offset: number; data: Buffer }[] = [];
    const writer = new PartWriter({ append: async (_name, offset, data) => (parts.push({ offset, data: Buffer.from(data) }), { duplicate: false }) }, "export.j.1");
    const chunk = "é€,".repeat(50_000); // multi-byte characters: parts cut inside them
    let text = "";
    for (let i = 0; i < 8; i++) {
      await writer.write(chunk);
      text += chunk;
    }
    await writer.end();
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p.data.byteLength <= FILE_PART_BYTES)).toBe(true);
    expect(parts.slice(0, -1).every((p) => p.data.byteLength === FILE_PART_BYTES)).toBe(true);
    expect(parts.map((p) => p.offset)).toEqual(parts.map((_, i) => i * FILE_PART_BYTES));
    expect(Buffer.concat(parts.map((p) => p.data)).toString("utf8")).toBe(text);
    expect(writer.offset).toBe(Buffer.byteLength(text));
  });
});

/** An in-memory stand-in for the jobs' repository: find and versioned update of one tenant's jobs. */
function fakeJobs(initial: ExportJobRecord[]) {
  const rows = new Map(initial.map((j) => [`${j.tenantId}/${j._id}`, { ...j }]));
  const events: { subject: string; tenantId: string }[] = [];
  const jobs = {
    in: (actor: Actor) => ({
      find: async (id: string) => rows.get(`${actor.tenantId}/${id}`) ?? null,
      update: async (id: string, _v: number, decide: (c: ExportJobRecord) => { set: Partial<ExportJobRecord>; events: (n: ExportJobRecord, a: Actor) => { subject: string }[] } | null) => {
        const current = rows.get(`${actor.tenantId}/${id}`);
        if (!current) throw new Error("not found");
        const change = decide(current);
        if (!change) return current;
        const next = { ...current, ...change.set, version: current.version + 1, updatedAt: new Date() } as ExportJobRecord;
        rows.set(`${actor.tenantId}/${id}`, next);
        for (const e of change.events(next, actor)) events.push({ subject: e.subject, tenantId: actor.tenantId });
        return next;
      },
    }),
  } as unknown as ExportJobs;
  return { jobs, rows, events };
}

const queued = (over: Partial<ExportJobRecord> = {}): ExportJobRecord => ({
  _id: "job-1",
  tenantId: "acme",
  version: 1,
  createdAt: new Date("2026-12-01T00:00:00Z"),
  updatedAt: new Date("2026-12-01T00:00:00Z"),
  idempotencyKey: "k",
  requestHash: "",
  object: "contacts",
  filters: { ownerId: "user-1" },
  state: "queued",
  rowsExported: 0,
  bytesWritten: 0,
  error: "",
  createdBy: "manager-1",
  creatorRoles: ["sales-manager"],
  run: 0,
  ...over,
});

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as unknown as Logger;

function fakeFiles() {
  const files = new Map<string, Buffer[]>();
  const removed: string[] = [];
  return {
    files,
    removed,
    store: {
      append: async (name: string, _offset: number, data: Uint8Array) => {
        files.set(name, [...(files.get(name) ?? []), Buffer.from(data)]);
        return { duplicate: false };
      },
      remove: async (name: string) => {
        removed.push(name);
        files.delete(name);
      },
    },
  };
}

describe("an export job's run (a fake Sales)", () => {
  it("reads Sales as the job's creator with the list's filters, writes the CSV and completes once", async () => {
    const { jobs, rows, events } = fakeJobs([queued()]);
    const { files, store } = fakeFiles();
    const calls: { request: ExportContactsRequest; identity: unknown }[] = [];
    const sales = {
      exportContacts: (request: ExportContactsRequest, call: { identity: unknown }) => {
        calls.push({ request, identity: call.identity });
        return (async function* () {
          yield { contacts: [contact({ id: "c-1" }), contact({ id: "c-2", lastName: "=1+1" })] };
          yield { contacts: [contact({ id: "c-3" })] };
        })();
      },
    } as unknown as SalesExports;
    await runExportJob({ jobs, files: store, sales, logger: quiet, progressEveryRows: 1 }, { tenantId: "acme", jobId: "job-1" }, 1);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.request.filters).toEqual(expect.objectContaining({ ownerId: "user-1", email: "" }));
    expect(calls[0]!.identity).toEqual(expect.objectContaining({ tenantId: "acme", subject: "manager-1", roles: ["sales-manager"] }));
    const job = rows.get("acme/job-1")!;
    expect(job).toEqual(expect.objectContaining({ state: "completed", rowsExported: 3, run: 1 }));
    const csv = Buffer.concat(files.get(exportFileName("job-1", 1))!).toString("utf8");
    expect(job.bytesWritten).toBe(Buffer.byteLength(csv));
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe(exportColumns("contacts").join(","));
    expect(lines.slice(1, -1).map((l) => l.split(",")[0])).toEqual(["c-1", "c-2", "c-3"]);
    expect(lines[2]).toContain(",'=1+1,");
    expect(events).toEqual([{ subject: "integrations.export.completed", tenantId: "acme" }]);

    // The message again (a redelivery): nothing is run twice.
    await runExportJob({ jobs, files: store, sales, logger: quiet }, { tenantId: "acme", jobId: "job-1" }, 2);
    expect(calls).toHaveLength(1);
    expect(events).toHaveLength(1);
  });

  it("restarts an interrupted job from the beginning in a new file, the interrupted run's parts removed", async () => {
    const { jobs, rows } = fakeJobs([queued({ state: "in_progress", run: 1, rowsExported: 5000 })]);
    const { files, removed, store } = fakeFiles();
    await store.append(exportFileName("job-1", 1), 0, Buffer.from("half a file"));
    const sales = { exportContacts: () => (async function* () { yield { contacts: [contact()] }; })() } as unknown as SalesExports;
    await runExportJob({ jobs, files: store, sales, logger: quiet }, { tenantId: "acme", jobId: "job-1" }, 2);
    expect(removed).toContain(exportFileName("job-1", 1));
    expect(files.has(exportFileName("job-1", 1))).toBe(false);
    expect(rows.get("acme/job-1")).toEqual(expect.objectContaining({ state: "completed", run: 2, rowsExported: 1 }));
  });

  it("fails the job when Sales refuses it, with the reason and a failed event", async () => {
    const { jobs, rows, events } = fakeJobs([queued()]);
    const { files, store } = fakeFiles();
    const refusal = Object.assign(new Error("7 PERMISSION_DENIED: no"), { code: 7, details: "the caller may not read contacts", metadata: {} });
    const sales = { exportContacts: () => (async function* () { yield { contacts: [contact()] }; throw refusal; })() } as unknown as SalesExports;
    await runExportJob({ jobs, files: store, sales, logger: quiet }, { tenantId: "acme", jobId: "job-1" }, 1);
    expect(rows.get("acme/job-1")).toEqual(expect.objectContaining({ state: "failed", error: "the caller may not read contacts" }));
    expect(files.size).toBe(0);
    expect(events).toEqual([{ subject: "integrations.export.failed", tenantId: "acme" }]);
  });

  it("leaves the job to a redelivery when Sales is unreachable, and fails it on the last attempt", async () => {
    const { jobs, rows } = fakeJobs([queued()]);
    const { store } = fakeFiles();
    const down = Object.assign(new Error("14 UNAVAILABLE"), { code: 14, details: "connect ECONNREFUSED", metadata: {} });
    const sales = { exportContacts: () => (async function* () { throw down; })() } as unknown as SalesExports;
    await expect(runExportJob({ jobs, files: store, sales, logger: quiet }, { tenantId: "acme", jobId: "job-1" }, 1)).rejects.toBe(down);
    expect(rows.get("acme/job-1")!.state).toBe("in_progress");
    await runExportJob({ jobs, files: store, sales, logger: quiet }, { tenantId: "acme", jobId: "job-1" }, 5);
    expect(rows.get("acme/job-1")).toEqual(expect.objectContaining({ state: "failed", run: 2 }));
  });

  it("never reads another tenant's job", async () => {
    const { jobs, rows } = fakeJobs([queued()]);
    const { store } = fakeFiles();
    const sales = { exportContacts: jest.fn() } as unknown as SalesExports;
    await runExportJob({ jobs, files: store, sales, logger: quiet }, { tenantId: "globex", jobId: "job-1" }, 1);
    expect(sales.exportContacts).not.toHaveBeenCalled();
    expect(rows.get("acme/job-1")!.state).toBe("queued");
  });
});

// csvRows is the writer the worker uses: the header first even for no records.
it("an export of no records is the header alone", async () => {
  const out: string[] = [];
  for await (const s of csvRows(exportColumns("accounts"), (async function* () {})())) out.push(s);
  expect(out.join("")).toBe(exportColumns("accounts").join(",") + "\r\n");
});
