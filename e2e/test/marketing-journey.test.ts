import type { EventBus } from "@relata/platform";
import { LeadScored, ResponseRecorded } from "@relata/proto/events/v1/marketing";
import { connectBus, nextSequence, readStreamMessages, tokenClaims, waitFor } from "@relata/testing";
import { randomUUID } from "node:crypto";
import { as, call, expectProblem, partner, runId, type ApiResponse } from "./support/api";

/**
 * A campaign from its audience to the lead it hands Sales, through the real gateway, Marketing
 * and Sales over the real FerretDB, NATS JetStream and Keycloak: people Sales knows reach
 * Marketing's audience through events, a segment finds them, a launch leaves out the person who
 * withdrew email consent, responses come in (one through a partner's web form), the interested
 * one becomes exactly one Sales lead even when its event is delivered twice, a scoring rule's
 * points reach that lead, the results count it all, and the unsubscribe link works without a
 * token while a tampered one is refused.
 */

jest.setTimeout(420_000);

let marketer: string;
let rep: string;
let webForm: string;
let bus: EventBus;

beforeAll(async () => {
  [marketer, rep, webForm] = await Promise.all([as("acme-marketer"), as("acme-sales-rep"), partner("acme")]);
  bus = await connectBus("e2e-marketing-journey");
});

afterAll(async () => {
  await bus?.close();
});

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  let value!: T;
  await waitFor(async () => ok((value = await read())), { timeoutMs, what }).catch((err: unknown) => {
    throw new Error(`${String(err)}; last read: ${JSON.stringify(value)?.slice(0, 2_000)}`);
  });
  return value;
}

function created(res: ApiResponse): ApiResponse {
  expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
  return res;
}

const post = (path: string, token: string, body?: unknown, headers?: Record<string, string>) => call("POST", path, { token, body, headers });
const get = (path: string, token: string) => call("GET", path, { token });

test("a segment, a launch without the person who withdrew consent, responses, one lead in Sales however often its event arrives, its score, the results", async () => {
  // Sales knows an account of a run-unique industry and three of its people.
  const industry = `Aerospace ${runId}`;
  const account = created(await post("/v1/accounts", rep, { name: `Stark Industries ${runId}`, industry, territory: "EMEA" }));
  const person = async (first: string) =>
    created(await post("/v1/contacts", rep, { accountId: account.body.id, firstName: first, lastName: `Stark ${runId}`, email: `${first.toLowerCase()}.${runId}@example.test` })).body;
  const [alice, bob, carol] = [await person("Alice"), await person("Bob"), await person("Carol")];

  // Bob said on the phone that he wants no more email.
  const withdrawn = created(await post("/v1/consents", marketer, { personId: bob.id, channel: "email", status: "withdrawn", source: "phone call" }));
  expect(withdrawn.body).toMatchObject({ personId: bob.id, channel: "email", status: "withdrawn" });

  // The segment finds the three once Marketing's audience has heard of them.
  const conditions = [{ field: "industry", operator: "equals", value: industry }];
  const preview = await eventually(
    () => post("/v1/segments/preview", marketer, { match: "all", conditions, sampleSize: 10 }),
    (res) => res.status === 200 && res.body.count === 3,
    "the audience to hold the account's three contacts",
  );
  expect(new Set(preview.body.sample.map((p: { personId: string }) => p.personId))).toEqual(new Set([alice.id, bob.id, carol.id]));
  const segment = created(await post("/v1/segments", marketer, { name: `Aerospace buyers ${runId}`, match: "all", conditions }));

  // A scoring rule: an interested response is worth 30 points.
  created(await post("/v1/scoring-rules", marketer, { name: `Interested ${runId}`, kind: "behaviour", responseType: "interested", points: 30, halfLifeDays: 0 }));

  // An email campaign on the segment, launched now: Bob is left out for his withdrawn consent.
  const campaign = created(
    await post("/v1/campaigns", marketer, {
      name: `Launch webinar ${runId}`,
      objective: "Registrations",
      channels: ["email"],
      segmentIds: [segment.body.id],
      budget: { amount: "2000.00", currency: "EUR" },
      actualCost: { amount: "800.00", currency: "EUR" },
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    }),
  );
  const path = `/v1/campaigns/${campaign.body.id}`;
  const launched = await post(`${path}/launch`, marketer, undefined, { "If-Match": `"${campaign.body.version}"` });
  expect({ status: launched.status, body: launched.body }).toMatchObject({ status: 200, body: { status: "running" } });
  expect(launched.body.launchReport).toMatchObject({ members: 2, excluded: 1, consentWithdrawnEmail: 1 });
  const members = await get(`${path}/members?limit=50`, marketer);
  expect(members.status).toBe(200);
  expect(new Set(members.body.data.map((m: { personId: string }) => m.personId))).toEqual(new Set([alice.id, carol.id]));

  // Alice opens the email; a visitor fills in the partner's web form and is interested.
  created(await post(`${path}/responses`, marketer, { type: "opened", personId: alice.id, channel: "email" }));
  const fromSeq = await nextSequence(bus, "MARKETING");
  const interested = created(
    await post(`${path}/responses`, webForm, { type: "interested", respondent: { firstName: "Dana", lastName: `Scully ${runId}`, email: `dana.${runId}@example.test`, company: "FBI" } }, { "Idempotency-Key": randomUUID() }),
  );

  // Exactly one lead in Sales, from the campaign.
  const leadsOfCampaign = () => get(`/v1/leads?campaignId=${campaign.body.id}&limit=10`, rep);
  const leads = await eventually(leadsOfCampaign, (res) => res.status === 200 && res.body.data.length === 1, "Sales to make a lead of the interested response");
  const lead = leads.body.data[0];
  expect(lead).toMatchObject({ source: "marketing", campaignId: campaign.body.id, lastName: `Scully ${runId}`, email: `dana.${runId}@example.test`, company: "FBI" });

  // Its event delivered a second time (another message on the stream, as a redelivery after a
  // lost acknowledgement would be): still one lead once Sales has consumed it.
  const recorded = (await readStreamMessages(bus, "MARKETING", fromSeq, ["marketing.response.recorded"])).filter(
    (m) => ResponseRecorded.decode(m.data).responseId === interested.body.id,
  );
  expect(recorded).toHaveLength(1);
  const again = await bus.publish("marketing.response.recorded", recorded[0]!.data, { msgId: `redelivery-${randomUUID()}`, headers: { "relata-tenant": "acme" } });
  await eventually(() => bus.pending("MARKETING", "sales-marketing-leads"), (pending) => pending === 0, "Sales to consume the second delivery");
  expect(again.duplicate).toBe(false);
  expect((await leadsOfCampaign()).body.data).toHaveLength(1);

  // The interested response's 30 points reach the lead.
  // Marketing scores the lead (this run's rule gives an interested response 30 points; the demo
  // tenant may hold other rules too) and Sales applies the latest score it sent. Scoring reads
  // every Sales lead event in order (about 45 a second on FerretDB): on a stack whose earlier
  // tests made thousands of leads it may be catching up for a few minutes.
  const sent = await eventually(
    async () => (await readStreamMessages(bus, "MARKETING", fromSeq, ["marketing.lead.scored"])).map((m) => LeadScored.decode(m.data)).filter((e) => e.leadId === lead.id),
    (events) => events.length > 0,
    "Marketing's score of the lead",
    300_000,
  );
  const latest = sent[sent.length - 1]!;
  const scored = await eventually(() => get(`/v1/leads/${lead.id}`, rep), (res) => res.body.scoredAt === latest.scoredAt, "the lead to hold Marketing's latest score");
  expect(scored.body.score).toBe(latest.score);
  expect(latest.score).toBeGreaterThan(0);

  // The results count the campaign's members, responses and lead, and weigh the cost.
  const results = await eventually(
    () => get(`${path}/results`, marketer),
    (res) => res.status === 200 && res.body.leadsCreated === 1 && res.body.responses.interested === 1 && res.body.responses.opened === 1,
    "the campaign's results",
  );
  expect(results.body).toMatchObject({ members: 2, leadsCreated: 1, responses: { opened: 1, interested: 1 }, actualCost: { amount: "800.00", currency: "EUR" } });
  // A sales manager reads them too; a sales rep may not.
  expect((await get(`${path}/results`, await as("acme-sales-manager"))).status).toBe(200);
  expectProblem(await get(`${path}/results`, rep), 403);
  expect(tokenClaims(marketer).tenant).toBe("acme");
});

test("the unsubscribe link works without a token and withdraws consent; a tampered link is refused", async () => {
  const account = created(await post("/v1/accounts", rep, { name: `Wayne Enterprises ${runId}` }));
  const bruce = created(await post("/v1/contacts", rep, { accountId: account.body.id, lastName: `Wayne ${runId}`, email: `bruce.${runId}@example.test` })).body;
  const link = await post("/v1/consents/unsubscribe-links", marketer, { personId: bruce.id, channel: "email" });
  expect({ status: link.status, body: link.body }).toMatchObject({ status: 200, body: { url: expect.stringContaining("/v1/unsubscribe/") } });
  const linkPath = new URL(link.body.url).pathname;

  // No Authorization header: GET says what the link is for and changes nothing; POST unsubscribes.
  const described = await call("GET", linkPath);
  expect({ status: described.status, body: described.body }).toMatchObject({ status: 200, body: { channel: "email" } });
  const done = await call("POST", linkPath);
  expect(done.status).toBeLessThan(300);
  const consents = await eventually(
    () => get(`/v1/consents?personId=${bruce.id}`, marketer),
    (res) => res.status === 200 && res.body.data.some((c: { channel: string; status: string }) => c.channel === "email" && c.status === "withdrawn"),
    "the link's withdrawal",
  );
  expect(consents.body.data).toEqual([expect.objectContaining({ personId: bruce.id, channel: "email", status: "withdrawn" })]);

  // Another person's id in the signed value, or a changed signature: refused, nothing changed.
  const token = linkPath.split("/").pop()!;
  const [payload, signature] = token.split(".") as [string, string];
  const forged = Buffer.from(Buffer.from(payload, "base64url").toString("utf8").replace(bruce.id, account.body.id)).toString("base64url");
  expectProblem(await call("POST", linkPath.replace(token, `${forged}.${signature}`)), 400, "token");
  const flipped = signature.slice(0, -1) + (signature.endsWith("A") ? "B" : "A");
  expectProblem(await call("POST", linkPath.replace(token, `${payload}.${flipped}`)), 400, "token");
  // Every other operation still needs a token.
  expectProblem(await call("GET", `/v1/consents?personId=${bruce.id}`), 401);
});
