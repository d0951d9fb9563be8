import { CampaignDashboardQuery, KnowledgeDashboardQuery, ServiceDashboardQuery } from "../../src/http/schemas/operations";

// The dashboards' query strings as the gateway checks them (400 naming the parameter).
const issue = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  result.success ? undefined : { path: result.error!.issues[0]!.path.join("."), message: result.error!.issues[0]!.message };

test("ranges: real days, to not before from, a known time zone", () => {
  expect(KnowledgeDashboardQuery.safeParse({ from: "2026-07-01", to: "2026-07-31", timeZone: "Europe/Warsaw" }).success).toBe(true);
  expect(issue(KnowledgeDashboardQuery.safeParse({ from: "2026-02-30" }))).toMatchObject({ path: "from" });
  expect(issue(ServiceDashboardQuery.safeParse({ from: "2026-07-02", to: "2026-07-01" }))).toEqual({ path: "to", message: "must not be before from" });
  expect(issue(CampaignDashboardQuery.safeParse({ timeZone: "Mars/Olympus" }))).toMatchObject({ path: "timeZone" });
});

test("the limit is read from the query string, 1..100", () => {
  expect(KnowledgeDashboardQuery.parse({ limit: "25" }).limit).toBe(25);
  expect(issue(KnowledgeDashboardQuery.safeParse({ limit: "0" }))).toMatchObject({ path: "limit" });
  expect(issue(KnowledgeDashboardQuery.safeParse({ limit: "101" }))).toMatchObject({ path: "limit" });
});

test("currencies and ids are checked; unknown parameters refused", () => {
  expect(issue(CampaignDashboardQuery.safeParse({ currency: "XYZ" }))).toMatchObject({ path: "currency" });
  expect(issue(CampaignDashboardQuery.safeParse({ campaignId: "not an id" }))).toMatchObject({ path: "campaignId" });
  expect(issue(ServiceDashboardQuery.safeParse({ queue: "q1" }))).toBeDefined();
});
