import { waitFor } from "@relata/testing";
import { as, call, expectProblem, partner, runId, type ApiResponse } from "./support/api";

/**
 * Entitlements, bookable resources and appointments through the real gateway → Service gRPC →
 * FerretDB/NATS, with tokens from the real Keycloak: the roles of every route, tenant isolation
 * on the custom verbs (the generic ones are held to the conformance suite), a double booking
 * refused as a problem naming the slot, cancel, availability, and a case taking its entitlement.
 */

let admin: string;
let manager: string;
let agent: string;
let rep: string;
let globexAgent: string;
let globexManager: string;
let acmePartner: string;

beforeAll(async () => {
  [admin, manager, agent, rep, globexAgent, globexManager, acmePartner] = await Promise.all([
    as("acme-tenant-admin"),
    as("acme-support-manager"),
    as("acme-support-agent"),
    as("acme-sales-rep"),
    as("globex-support-agent"),
    as("globex-support-manager"),
    partner("acme"),
  ]);
});

/** Reads until the value is acceptable, and returns it. */
async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  let value!: T;
  await waitFor(async () => ok((value = await read())), { timeoutMs: 20_000, what });
  return value;
}

let n = 0;
const resourceBody = (extra: Record<string, unknown> = {}) => ({ name: `Van ${runId} ${++n}`, kind: "vehicle", ...extra });

async function created(res: ApiResponse): Promise<Record<string, any>> {
  expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
  return res.body;
}

const newResource = async (token = manager, extra: Record<string, unknown> = {}) => created(await call("POST", "/v1/resources", { token, body: resourceBody(extra) }));

const book = (resourceId: string, start: string, end: string, token = agent) =>
  call("POST", "/v1/appointments", { token, body: { resourceId, start, end, title: `Repair ${runId}` } });

describe("roles", () => {
  test("resources: tenant-admin and support-manager manage them; agents, sales and partners with service:read read them", async () => {
    const byAdmin = await newResource(admin);
    await newResource(manager);
    expectProblem(await call("POST", "/v1/resources", { token: agent, body: resourceBody() }), 403);
    expectProblem(await call("POST", "/v1/resources", { token: rep, body: resourceBody() }), 403);
    expectProblem(await call("PATCH", `/v1/resources/${byAdmin.id}`, { token: agent, body: { name: "x" }, headers: { "if-match": '"1"' } }), 403);
    for (const token of [agent, rep, acmePartner]) expect((await call("GET", `/v1/resources/${byAdmin.id}`, { token })).status).toBe(200);
    const availability = `/v1/resources/${byAdmin.id}/availability?from=2032-01-05T00:00:00Z&to=2032-01-06T00:00:00Z`;
    for (const token of [agent, rep, acmePartner]) expect((await call("GET", availability, { token })).status).toBe(200);
    expectProblem(await call("GET", availability), 401);
  });

  test("appointments: support agents, managers and tenant admins book and cancel; sales and partners only read", async () => {
    const van = await newResource();
    const booked = await created(await book(van.id, "2032-01-05T09:00:00Z", "2032-01-05T10:00:00Z", agent));
    await created(await book(van.id, "2032-01-05T10:00:00Z", "2032-01-05T11:00:00Z", manager));
    await created(await book(van.id, "2032-01-05T11:00:00Z", "2032-01-05T12:00:00Z", admin));
    for (const token of [rep, acmePartner]) expectProblem(await book(van.id, "2032-01-05T12:00:00Z", "2032-01-05T13:00:00Z", token), 403);
    for (const token of [rep, acmePartner]) expectProblem(await call("POST", `/v1/appointments/${booked.id}/cancel`, { token, body: {} }), 403);
    for (const token of [admin, rep, acmePartner]) expect((await call("GET", `/v1/appointments/${booked.id}`, { token })).status).toBe(200);
    const cancelled = await call("POST", `/v1/appointments/${booked.id}/cancel`, { token: manager, body: { reason: "rain" } });
    expect({ status: cancelled.status, etag: cancelled.headers.get("etag") }).toEqual({ status: 200, etag: '"2"' });
    expect(cancelled.body).toMatchObject({ status: "cancelled", cancelReason: "rain" });
  });

  test("entitlements: tenant-admin and support-manager manage them; agents read them", async () => {
    const body = { accountId: `acc-${runId}`, name: "Gold", endDate: "2036-12-31", allowance: 10, slaLevel: "gold" };
    const byManager = await created(await call("POST", "/v1/entitlements", { token: manager, body }));
    await created(await call("POST", "/v1/entitlements", { token: admin, body }));
    for (const token of [agent, rep]) expectProblem(await call("POST", "/v1/entitlements", { token, body }), 403);
    for (const token of [agent, rep, acmePartner]) expect((await call("GET", `/v1/entitlements/${byManager.id}`, { token })).status).toBe(200);
  });
});

describe("tenants", () => {
  test("another tenant's agent neither reads availability, nor cancels, nor books the tenant's resources", async () => {
    const van = await newResource();
    const booked = await created(await book(van.id, "2032-01-06T09:00:00Z", "2032-01-06T10:00:00Z"));
    expectProblem(await call("GET", `/v1/resources/${van.id}/availability?from=2032-01-06T00:00:00Z&to=2032-01-07T00:00:00Z`, { token: globexAgent }), 404);
    expectProblem(await call("POST", `/v1/appointments/${booked.id}/cancel`, { token: globexAgent, body: {} }), 404);
    expectProblem(await book(van.id, "2032-01-06T11:00:00Z", "2032-01-06T12:00:00Z", globexAgent), 400, "resourceId");
    const list = await call("GET", `/v1/appointments?resourceId=${van.id}`, { token: globexManager });
    expect(list.body.data).toEqual([]);
    expect((await call("GET", `/v1/appointments/${booked.id}`, { token: agent })).body.status).toBe("booked");
  });
});

describe("booking through the gateway", () => {
  test("a double booking is a 409 problem naming the slot and the appointment holding it; cancel frees it; availability shows it", async () => {
    const van = await newResource(manager, { timeZone: "America/New_York", workingHours: ["monday 08:00-12:00"] });
    expect(van).toMatchObject({ timeZone: "America/New_York", workingHours: ["monday 08:00-12:00"], active: true, kind: "vehicle" });
    // 2032-01-05 is a Monday; New York is UTC-5 in January: 08:00-12:00 there is 13:00-17:00 UTC.
    const first = await created(await book(van.id, "2032-01-05T14:00:00Z", "2032-01-05T15:00:00Z"));
    const refused = await book(van.id, "2032-01-05T14:30:00Z", "2032-01-05T15:30:00Z");
    expectProblem(refused, 409, "start");
    expect(refused.body.detail).toContain("2032-01-05T14:30:00.000Z");
    expect(refused.body.detail).toContain(first.id);

    const free = await call("GET", `/v1/resources/${van.id}/availability?from=2032-01-05T00:00:00Z&to=2032-01-06T00:00:00Z`, { token: agent });
    expect(free.status).toBe(200);
    expect(free.body).toEqual({
      resourceId: van.id,
      from: "2032-01-05T00:00:00.000Z",
      to: "2032-01-06T00:00:00.000Z",
      timeZone: "America/New_York",
      free: [
        { start: "2032-01-05T13:00:00.000Z", end: "2032-01-05T14:00:00.000Z" },
        { start: "2032-01-05T15:00:00.000Z", end: "2032-01-05T17:00:00.000Z" },
      ],
    });
    expectProblem(await book(van.id, "2032-01-05T17:00:00Z", "2032-01-05T18:00:00Z"), 409, "start");
    expectProblem(await call("GET", `/v1/resources/${van.id}/availability?from=2032-01-06T00:00:00Z&to=2032-01-05T00:00:00Z`, { token: agent }), 400, "to");

    expect((await call("POST", `/v1/appointments/${first.id}/cancel`, { token: agent, body: {} })).status).toBe(200);
    await created(await book(van.id, "2032-01-05T14:30:00Z", "2032-01-05T15:30:00Z"));
  });
});

describe("entitlements through the gateway", () => {
  test("a case of the account takes the entitlement: its id and SLA level on the case, one unit used", async () => {
    const account = await created(await call("POST", "/v1/accounts", { token: admin, body: { name: `Contoso ${runId}` } }));
    const ent = await created(
      await call("POST", "/v1/entitlements", {
        token: manager,
        body: { accountId: account.id, name: "Premier", startDate: "2026-01-01", endDate: "2036-12-31", channels: ["phone"], allowance: 2, slaLevel: "premier" },
      }),
    );
    expect(ent).toMatchObject({ channels: ["phone"], unit: "cases", active: true, unitsUsed: 0, unitsLeft: 2 });
    const opened = await created(await call("POST", "/v1/cases", { token: agent, body: { subject: `No dial tone ${runId}`, channel: "phone", accountId: account.id } }));
    const c = await eventually(
      async () => (await call("GET", `/v1/cases/${opened.id}`, { token: agent })).body,
      (x) => x.entitlementId !== null || x.entitlementMissing,
      "the case's entitlement",
    );
    expect(c).toMatchObject({ entitlementId: ent.id, slaLevel: "premier", entitlementMissing: false });
    expect((await call("GET", `/v1/entitlements/${ent.id}`, { token: agent })).body).toMatchObject({ unitsUsed: 1, unitsLeft: 1 });

    const byEmail = await created(await call("POST", "/v1/cases", { token: agent, body: { subject: `Mail bounce ${runId}`, channel: "email", accountId: account.id } }));
    const flagged = await eventually(
      async () => (await call("GET", `/v1/cases/${byEmail.id}`, { token: agent })).body,
      (x) => x.entitlementId !== null || x.entitlementMissing,
      "the e-mail case's flag",
    );
    expect(flagged).toMatchObject({ entitlementId: null, entitlementMissing: true });
  });
});
