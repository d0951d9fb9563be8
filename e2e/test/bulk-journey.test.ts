import { waitFor } from "@relata/testing";
import { as, call, expectProblem, partner, runId } from "./support/api";
import { WebhookReceiver } from "./support/webhook-receiver";

// Import and export jobs through the gateway on the running platform: the CSV in, the results
// file, the records in Sales, an upsert by email, an account upsert placed in its territory, and
// the CSV out; completions reach a webhook.
let admin: string;
let receiver: WebhookReceiver;
let webhookId = "";

beforeAll(async () => {
  admin = await as("acme-tenant-admin");
  receiver = await WebhookReceiver.start();
  const hook = await call("POST", "/v1/webhooks", { token: admin, body: { url: receiver.url("/jobs"), eventTypes: ["integrations.import.*", "integrations.export.completed"] } });
  expect(hook.status).toBe(201);
  webhookId = hook.body.id;
  receiver.trust("/jobs", (await call("GET", `/v1/webhooks/${webhookId}/secret`, { token: admin })).body.secret);
});

afterAll(async () => {
  if (webhookId) await call("DELETE", `/v1/webhooks/${webhookId}`, { token: admin });
  await receiver.close();
});

async function upload(id: string, csv: string, token = admin) {
  return call("PUT", `/v1/imports/${id}/data`, { token, raw: csv, headers: { "content-type": "text/csv" } });
}

async function runImport(definition: Record<string, unknown>, csv: string, token = admin): Promise<any> {
  const created = await call("POST", "/v1/imports", { token, body: definition });
  expect(created.status).toBe(201);
  expect((await upload(created.body.id, csv, token)).body).toMatchObject({ state: "open", bytesUploaded: Buffer.byteLength(csv) });
  expect((await call("POST", `/v1/imports/${created.body.id}/complete`, { token })).body.state).toBe("queued");
  let job: any;
  await waitFor(
    async () => {
      job = (await call("GET", `/v1/imports/${created.body.id}`, { token })).body;
      return ["completed", "failed", "aborted"].includes(job.state);
    },
    { timeoutMs: 60_000, intervalMs: 250, what: "the import job done" },
  );
  return job;
}

const email = (n: number) => `bulk.${runId}.${n}@example.test`;

async function contactsByEmail(address: string): Promise<any[]> {
  return (await call("GET", `/v1/contacts?email=${encodeURIComponent(address)}`, { token: admin })).body.data;
}

describe("bulk import and export through the gateway", () => {
  it("imports contacts: good rows created, each bad line named with its field in the results file", async () => {
    const csv = [
      "Surname,E-mail,Title",
      `Lovelace,${email(1)},Countess`,
      `Hopper,not-an-email,Admiral`,
      `"Turing, A.",${email(3)},"Mathematician`,
      `and cryptanalyst"`,
      `,${email(5)},Nobody`,
      `Dijkstra,${email(6)},Professor`,
    ].join("\n");
    const job = await runImport(
      { object: "contacts", operation: "insert", mapping: [{ column: "Surname", field: "lastName" }, { column: "E-mail", field: "email" }, { column: "Title", field: "title" }] },
      csv,
    );
    expect(job).toMatchObject({ state: "completed", rowsProcessed: 5, rowsSucceeded: 3, rowsFailed: 2, rowsCreated: 3 });

    const results = await call("GET", `/v1/imports/${job.id}/results`, { token: admin, headers: { accept: "text/csv" } });
    expect(results.status).toBe(200);
    const lines = String(results.body).trim().split(/\r?\n/);
    expect(lines[0]).toBe("line,field,reason");
    // Line 3 has a bad email; the quoted title spans lines 4-5, so the row without a surname is line 6.
    expect(lines.slice(1).map((l) => l.split(",").slice(0, 2).join(","))).toEqual(["3,email", "6,lastName"]);

    const [turing] = await contactsByEmail(email(3));
    expect(turing).toMatchObject({ lastName: "Turing, A.", title: "Mathematician\nand cryptanalyst" });

    await waitFor(async () => receiver.on("/jobs").some((r) => r.payload.type === "integrations.import.completed" && r.payload.data.record.id === job.id), {
      timeoutMs: 30_000,
      what: "the import's completion at the webhook",
    });
    expect(receiver.on("/jobs").every((r) => r.verified)).toBe(true);
  });

  it("an upsert by email updates the contact instead of duplicating it", async () => {
    const csv = `lastName,email,title\nLovelace,${email(1)},Analyst\nBabbage,${email(7)},Engineer\n`;
    const job = await runImport({ object: "contacts", operation: "upsert", matchKey: "email" }, csv, await partner("acme"));
    expect(job).toMatchObject({ state: "completed", rowsSucceeded: 2, rowsCreated: 1, rowsUpdated: 1 });
    const ada = await contactsByEmail(email(1));
    expect(ada.map((c) => [c.lastName, c.title, c.version])).toEqual([["Lovelace", "Analyst", 2]]);
  });

  it("an account upsert that moves accounts into a territory's region places them there; an account's open deal follows its new owner", async () => {
    const region = `imp-${runId}`;
    const code = `IMP-${runId}`;
    const territory = await call("POST", "/v1/territories", { token: admin, body: { code, name: "Imported", rules: [{ regions: [region] }], memberIds: ["rep-imp"], defaultOwnerId: "rep-imp" } });
    expect(territory.status).toBe(201);
    const accountsCsv = (where: string) => `name,externalId,region\nImp A ${runId},imp-a-${runId},${where}\nImp B ${runId},imp-b-${runId},${where}\n`;
    const inserted = await runImport({ object: "accounts", operation: "insert" }, accountsCsv(`elsewhere-${runId}`));
    expect(inserted).toMatchObject({ state: "completed", rowsCreated: 2 });
    const byExternalId = async (key: string) => (await call("GET", `/v1/accounts?externalId=${key}`, { token: admin })).body.data[0];
    const before = await byExternalId(`imp-a-${runId}`);
    expect(before.territory).toBeNull();
    const deal = await call("POST", "/v1/opportunities", { token: admin, body: { accountId: before.id, name: `Imported deal ${runId}`, amount: { amount: "100.00", currency: "EUR" }, expectedCloseDate: "2031-01-31" } });
    expect(deal.status).toBe(201);

    const upserted = await runImport({ object: "accounts", operation: "upsert", matchKey: "externalId" }, accountsCsv(region));
    expect(upserted).toMatchObject({ state: "completed", rowsUpdated: 2 });
    const after = await Promise.all([`imp-a-${runId}`, `imp-b-${runId}`].map(byExternalId));
    expect(after.map((a) => [a.region, a.territory, a.ownerId])).toEqual([
      [region, code, "rep-imp"],
      [region, code, "rep-imp"],
    ]);
    expect((await call("GET", `/v1/opportunities/${deal.body.id}`, { token: admin })).body.ownerId).toBe("rep-imp");
  });

  it("exports the contacts a filter selects as CSV, with formula cells neutralised, and another tenant sees no job", async () => {
    const formula = await call("POST", "/v1/contacts", { token: await as("acme-sales-rep"), body: { lastName: "=HYPERLINK(\"http://evil.example\")", email: email(9) } });
    expect(formula.status).toBe(201);
    const created = await call("POST", "/v1/exports", { token: admin, body: { object: "contacts", filters: { email: email(9) } } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    let job: any;
    await waitFor(
      async () => {
        job = (await call("GET", `/v1/exports/${id}`, { token: admin })).body;
        return ["completed", "failed"].includes(job.state);
      },
      { timeoutMs: 60_000, intervalMs: 250, what: "the export job done" },
    );
    expect(job).toMatchObject({ state: "completed", rowsExported: 1 });
    const file = await call("GET", `/v1/exports/${id}/file`, { token: admin, headers: { accept: "text/csv" } });
    expect(file.headers.get("content-type")).toMatch(/^text\/csv/);
    const [header, row] = String(file.body).trim().split(/\r?\n/);
    expect(header).toContain("lastName");
    expect(row).toContain(formula.body.id);
    expect(row).toContain(`"'=HYPERLINK(""http://evil.example"")"`);

    const globex = await as("globex-tenant-admin");
    expectProblem(await call("GET", `/v1/exports/${id}`, { token: globex }), 404);
    expectProblem(await call("GET", `/v1/exports/${id}/file`, { token: globex }), 404);
    await waitFor(async () => receiver.on("/jobs").some((r) => r.payload.type === "integrations.export.completed" && r.payload.data.record.id === id), {
      timeoutMs: 30_000,
      what: "the export's completion at the webhook",
    });
  });

  it("refuses what is not a job of the caller's: bad definitions by field, other types, other roles", async () => {
    expectProblem(await call("POST", "/v1/imports", { token: admin, body: { object: "accounts", operation: "upsert", matchKey: "email" } }), 400, "matchKey");
    expectProblem(await call("POST", "/v1/imports", { token: admin, body: { object: "contacts", operation: "insert", mapping: [{ column: "X", field: "nope" }] } }), 400, "mapping.0.field");
    expectProblem(await call("POST", "/v1/exports", { token: admin, body: { object: "contacts", filters: { email: "not-an-email" } } }), 400, "filters.email");
    const job = await call("POST", "/v1/imports", { token: admin, body: { object: "leads", operation: "insert" } });
    const wrongType = await call("PUT", `/v1/imports/${job.body.id}/data`, { token: admin, raw: "{}", headers: { "content-type": "application/json" } });
    expect(wrongType.status).toBe(415);
    expectProblem(await call("GET", `/v1/imports/${job.body.id}`, { token: await as("globex-tenant-admin") }), 404);
    expectProblem(await call("POST", "/v1/imports", { token: await as("acme-sales-rep"), body: { object: "leads", operation: "insert" } }), 403);
  });
});
