import { as, call, expectProblem, partner, runId } from "./support/api";

/**
 * The SLA configuration through the real gateway, Keycloak and Service: who may read and write
 * business calendars and SLA policies, tenant isolation of both, the problems that name the
 * field, and the due instant a new case gets from the tenant's policy. (The conformance suite
 * holds both resources to the generic contract: If-Match, Idempotency-Key, the recycle bin.)
 */

const weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday"].map((day) => ({ day, opens: "09:00", closes: "17:00" }));
const allWeek = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].map((day) => ({ day, opens: "00:00", closes: "24:00" }));

let manager: string, admin: string, agent: string, salesRep: string, otherTenantManager: string, partnerToken: string;

beforeAll(async () => {
  [manager, admin, agent, salesRep, otherTenantManager, partnerToken] = await Promise.all([
    as("acme-support-manager"),
    as("acme-tenant-admin"),
    as("acme-support-agent"),
    as("acme-sales-rep"),
    as("globex-support-manager"),
    partner("acme"),
  ]);
});

describe("business calendars and SLA policies", () => {
  test("support managers and tenant admins write, support agents read, others may not", async () => {
    const calendar = { name: `Office ${runId}`, timeZone: "Europe/Berlin", weeklyHours: weekdays, holidays: ["2026-12-25"] };
    const made = await call("POST", "/v1/business-calendars", { token: manager, body: calendar });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ ...calendar, tenantId: "acme", version: 1 });
    expect((await call("POST", "/v1/business-calendars", { token: admin, body: { ...calendar, name: `Admin's ${runId}` } })).status).toBe(201);

    const path = `/v1/business-calendars/${made.body.id}`;
    expect((await call("GET", path, { token: agent })).status).toBe(200);
    expectProblem(await call("POST", "/v1/business-calendars", { token: agent, body: calendar }), 403);
    expectProblem(await call("PATCH", path, { token: agent, body: { name: "x" }, headers: { "if-match": '"1"' } }), 403);
    expectProblem(await call("GET", path, { token: salesRep }), 403);
    expectProblem(await call("GET", "/v1/sla-policies", { token: salesRep }), 403);
    // Partner clients have no scope for the SLA configuration.
    expectProblem(await call("GET", "/v1/business-calendars", { token: partnerToken }), 403);

    const policy = { name: `Policy ${runId}`, calendarId: made.body.id, category: `cat-${runId}`, targets: [{ priority: "high", firstResponseMinutes: 60, resolutionMinutes: 480 }] };
    const made2 = await call("POST", "/v1/sla-policies", { token: manager, body: policy });
    expect(made2.status).toBe(201);
    expect(made2.body).toMatchObject({ warningPercent: 80, targets: [{ priority: "high", slaLevel: "", firstResponseMinutes: 60, resolutionMinutes: 480 }] });
    expect((await call("GET", `/v1/sla-policies?calendarId=${made.body.id}`, { token: agent })).body.data.map((p: { id: string }) => p.id)).toEqual([made2.body.id]);
    expectProblem(await call("POST", "/v1/sla-policies", { token: agent, body: policy }), 403);

    // Another tenant's manager sees none of it, and cannot point a policy at it.
    expectProblem(await call("GET", path, { token: otherTenantManager }), 404);
    expectProblem(await call("GET", `/v1/sla-policies/${made2.body.id}`, { token: otherTenantManager }), 404);
    expectProblem(await call("POST", "/v1/sla-policies", { token: otherTenantManager, body: policy }), 400, "calendarId");
  });

  test("problems name the field: an unknown zone, overlapping openings, a second row for the same priority", async () => {
    const base = { name: `Checks ${runId}`, timeZone: "Europe/Berlin", weeklyHours: weekdays };
    expectProblem(await call("POST", "/v1/business-calendars", { token: manager, body: { ...base, timeZone: "Europe/Atlantis" } }), 400, "timeZone");
    expectProblem(
      await call("POST", "/v1/business-calendars", { token: manager, body: { ...base, weeklyHours: [...weekdays, { day: "monday", opens: "16:00", closes: "18:00" }] } }),
      400,
      "weeklyHours",
    );
    const bad = await call("POST", "/v1/business-calendars", { token: manager, body: { ...base, weeklyHours: [{ day: "monday", opens: "17:00", closes: "09:00" }] } });
    expectProblem(bad, 400);
    expect(JSON.stringify(bad.body)).toContain("weeklyHours");

    const calendar = await call("POST", "/v1/business-calendars", { token: manager, body: base });
    const row = { priority: "low", firstResponseMinutes: 60, resolutionMinutes: 480 };
    expectProblem(
      await call("POST", "/v1/sla-policies", { token: manager, body: { name: "Twice", calendarId: calendar.body.id, category: `two-${runId}`, targets: [row, row] } }),
      400,
      "targets.1",
    );
  });

  test("a case opened under the tenant's policy shows its first-response due instant", async () => {
    const calendar = await call("POST", "/v1/business-calendars", { token: manager, body: { name: `Always ${runId}`, timeZone: "UTC", weeklyHours: allWeek } });
    const category = `sla-e2e-${runId}`;
    await call("POST", "/v1/sla-policies", {
      token: manager,
      body: { name: `E2E ${runId}`, calendarId: calendar.body.id, category, targets: [{ priority: "urgent", firstResponseMinutes: 45, resolutionMinutes: 0 }] },
    });
    const opened = await call("POST", "/v1/cases", { token: agent, body: { subject: `SLA ${runId}`, category, priority: "urgent" } });
    expect(opened.status).toBe(201);
    const due = new Date(new Date(opened.body.createdAt).getTime() + 45 * 60_000).toISOString();
    let read = opened;
    for (let i = 0; i < 100 && read.body.firstResponseDueAt !== due; i++) {
      await new Promise((r) => setTimeout(r, 200));
      read = await call("GET", `/v1/cases/${opened.body.id}`, { token: agent });
    }
    expect(read.body).toMatchObject({ firstResponseDueAt: due, resolutionDueAt: null, slaBreached: false });
  });
});
