#!/usr/bin/env node
// `make bench`'s Marketing part: a segment preview (count + sample) over an audience of
// BENCH_AUDIENCE people (100,000) of one tenant.
//
//   node e2e/load/marketing-bench.mjs
//
// 1. The audience: Sales' events published straight onto the SALES stream (no Sales process
//    involved, which makes 100,000 people in seconds): BENCH_AUDIENCE / 100 accounts, a tenth of
//    the people contacts of those accounts, the rest leads, with industries, territories,
//    statuses, owners, titles, contact points and creation dates spread as in a real book. Ids and
//    event ids are derived from the tenant and the person's number, so a second run publishes the
//    same facts (JetStream drops them within its duplicate window; after it, the audience and
//    Sales' consumers see versions they already have). The tenant is the bench's own
//    (BENCH_TENANT, default bench-marketing), so the demo tenants' segments are not touched.
// 2. Waits until the running Marketing service's audience counts them all, and reports the
//    publish rate and the ingest rate (events applied per second, publish start to caught up).
// 3. Previews through Marketing's gRPC API (PreviewSegment, a sample of 10): BENCH_PREVIEWS
//    (30) calls of each segment after 3 warm-ups, one at a time; prints p50/p95 per segment and
//    writes .run/bench/marketing-<stamp>.json. gRPC rather than the gateway: the gateway's token
//    is for a demo tenant, and its own cost (auth, JSON) is measured by the k6 part of `make bench`.
// NATS_PORT and MARKETING_GRPC_PORT come from deploy/env.sh.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { mkdirSync, writeFileSync } from "node:fs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const require = createRequire(`${root}package.json`);
const platform = require("@relata/platform");
const { AccountChanged, ContactChanged, LeadChanged } = require("@relata/proto/events/v1/sales");
const { SegmentMatch } = require("@relata/proto/marketing/v1/segment");
const { CampaignAction, CreateCampaignRequest } = require("@relata/proto/marketing/v1/campaign");
const { Channel } = require("@relata/proto/marketing/v1/channel");
const { marketingServices } = require("@relata/marketing/client");
const { clientsAt } = require("@relata/testing");

const PEOPLE = Number(process.env.BENCH_AUDIENCE ?? 100_000);
const PREVIEWS = Number(process.env.BENCH_PREVIEWS ?? 30);
const TENANT = process.env.BENCH_TENANT ?? "bench-marketing";
const natsUrl = process.env.NATS_URL ?? `nats://127.0.0.1:${process.env.NATS_PORT ?? 4222}`;
const marketingAddress = `127.0.0.1:${process.env.MARKETING_GRPC_PORT ?? 50054}`;
const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
const say = (m) => process.stderr.write(`[marketing-bench] ${m}\n`);

const INDUSTRIES = ["Retail", "Banking", "Energy", "Healthcare", "Manufacturing", "Software", "Telecom", "Logistics", "Insurance", "Education", "Media", "Public sector"];
const TERRITORIES = ["North", "South", "East", "West", "Central", "Benelux", "DACH", "Nordics"];
const TITLES = ["CEO", "CTO", "Head of IT", "IT Director", "Marketing Director", "Buyer", "Office Manager", "Engineer", "Analyst", "Sales Director"];
const STATUSES = ["LEAD_STATUS_NEW", "LEAD_STATUS_NEW", "LEAD_STATUS_NEW", "LEAD_STATUS_QUALIFIED", "LEAD_STATUS_QUALIFIED", "LEAD_STATUS_DISQUALIFIED", "LEAD_STATUS_CONVERTED"];
const pick = (list, n) => list[n % list.length];
const pad = (n) => String(n).padStart(6, "0");
const TWO_YEARS_MS = 2 * 365 * 24 * 3600 * 1000;
const epoch = Date.parse("2025-01-01T00:00:00Z");
const createdAt = (n) => new Date(epoch + ((n * 7919) % PEOPLE) * (TWO_YEARS_MS / PEOPLE)).toISOString();

function envelope(subject, entityId, n) {
  const id = platform.stableEventId("marketing-bench", TENANT, subject, entityId);
  return { id, type: subject, tenantId: TENANT, entityId, actorId: "marketing-bench", requestId: "", occurredAt: createdAt(n) };
}

/** Every event of the bench's audience, in the order Sales would publish them: accounts first. */
function* events() {
  const accounts = Math.max(1, Math.floor(PEOPLE / 100));
  const contacts = Math.floor(PEOPLE / 10);
  for (let a = 0; a < accounts; a++) {
    const id = `bench-account-${pad(a)}`;
    const subject = "sales.account.created";
    const account = { id, tenantId: TENANT, name: `Bench Account ${a}`, parentAccountId: "", industry: pick(INDUSTRIES, a), territory: pick(TERRITORIES, a * 3), ownerId: `rep-${a % 20}`, website: "", version: "1", createdAt: createdAt(a), updatedAt: createdAt(a) };
    const meta = envelope(subject, id, a);
    yield { subject, id: meta.id, data: AccountChanged.encode({ meta, account }).finish() };
  }
  for (let n = 0; n < PEOPLE; n++) {
    const at = createdAt(n);
    const email = n % 10 === 9 ? "" : `person${n}@${pick(["example.com", "mail.example", "corp.example"], n)}`;
    const phone = n % 5 < 3 ? `+44 20 ${pad(n)}` : "";
    if (n < contacts) {
      const id = `bench-contact-${pad(n)}`;
      const subject = "sales.contact.created";
      const contact = { id, tenantId: TENANT, accountId: `bench-account-${pad(n % accounts)}`, firstName: `First${n}`, lastName: `Last${n}`, email, phone, title: pick(TITLES, n), ownerId: `rep-${n % 20}`, version: "1", createdAt: at, updatedAt: at };
      const meta = envelope(subject, id, n);
      yield { subject, id: meta.id, data: ContactChanged.encode({ meta, contact }).finish() };
    } else {
      const id = `bench-lead-${pad(n)}`;
      const subject = "sales.lead.created";
      const lead = {
        id, tenantId: TENANT, firstName: `First${n}`, lastName: `Last${n}`, email, phone, company: `Company ${n % 5000}`, title: pick(TITLES, n * 7),
        industry: pick(INDUSTRIES, n * 5), source: "LEAD_SOURCE_IMPORT", status: pick(STATUSES, n), ownerId: `rep-${n % 20}`, score: 0, disqualifyReason: "",
        conversion: undefined, version: "1", createdAt: at, updatedAt: at, campaignId: "",
      };
      const meta = envelope(subject, id, n);
      yield { subject, id: meta.id, data: LeadChanged.encode({ meta, lead }).finish() };
    }
  }
}

const SEGMENTS = {
  "all of 3 (industry in 2, stage in 2, created after)": {
    match: SegmentMatch.SEGMENT_MATCH_ALL,
    values: [
      { field: "industry", operator: "in", value: ["Retail", "Banking"] },
      { field: "lifecycleStage", operator: "in", value: ["new", "qualified"] },
      { field: "createdAt", operator: "greater", value: "2025-06-01" },
    ],
  },
  "any of 3 (territory, title contains, churn risk)": {
    match: SegmentMatch.SEGMENT_MATCH_ANY,
    values: [
      { field: "territory", operator: "equals", value: "North" },
      { field: "title", operator: "contains", value: "director" },
      { field: "churnRisk", operator: "equals", value: true },
    ],
  },
  "all of 2 (contacts with an email)": {
    match: SegmentMatch.SEGMENT_MATCH_ALL,
    values: [
      { field: "kind", operator: "equals", value: "contact" },
      { field: "email", operator: "exists", value: null },
    ],
  },
};

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const identity = { identity: { tenantId: TENANT, subject: "marketing-bench", roles: ["marketer"], requestId: "marketing-bench" } };

const bus = await platform.EventBus.connect(natsUrl, "marketing-bench", platform.createLogger("marketing-bench", "warn"));
// A launch of the whole audience takes longer than a preview: its calls may take 15 minutes.
const marketing = clientsAt(marketingServices, marketingAddress, 15 * 60_000);
const everyone = () => marketing.segments.previewSegment({ match: SegmentMatch.SEGMENT_MATCH_ALL, conditions: { values: [] }, sampleSize: 0 }, identity);
try {
  await bus.ensureStream({ name: "SALES", subjects: ["sales.>"] });
  const before = Number((await everyone()).count);
  say(`audience of ${TENANT} before: ${before} people; publishing ${PEOPLE} people (and their accounts) onto SALES`);
  const t0 = Date.now();
  let published = 0;
  let batch = [];
  for (const e of events()) {
    batch.push(bus.publish(e.subject, e.data, { msgId: e.id, headers: { "relata-tenant": TENANT } }));
    published++;
    if (batch.length === 1000) {
      await Promise.all(batch);
      batch = [];
    }
  }
  await Promise.all(batch);
  const publishSeconds = (Date.now() - t0) / 1000;
  say(`published ${published} events in ${publishSeconds.toFixed(1)} s (${Math.round(published / publishSeconds)}/s)`);
  let count = 0;
  while (count < PEOPLE && Date.now() - t0 < 30 * 60_000) {
    count = Number((await everyone()).count);
    if (count < PEOPLE) await new Promise((r) => setTimeout(r, 250));
  }
  const ingestSeconds = (Date.now() - t0) / 1000;
  if (count < PEOPLE) throw new Error(`the audience counts ${count} people of ${PEOPLE} after 30 minutes`);
  const ingest = before >= PEOPLE ? null : Math.round(published / ingestSeconds);
  say(before >= PEOPLE ? "the audience had them already (a second run): no ingest rate" : `audience caught up in ${ingestSeconds.toFixed(1)} s from the first publish: ${ingest} events/s`);

  const results = [];
  for (const [name, { match, values }] of Object.entries(SEGMENTS)) {
    const call = () => marketing.segments.previewSegment({ match, conditions: { values }, sampleSize: 10 }, identity);
    for (let i = 0; i < 3; i++) await call();
    const times = [];
    let last;
    for (let i = 0; i < PREVIEWS; i++) {
      const t = performance.now();
      last = await call();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const row = { segment: name, count: Number(last.count), sample: last.sample.length, p50: percentile(times, 50), p95: percentile(times, 95), max: times[times.length - 1] };
    results.push(row);
    say(`${name}: ${row.count} people; p50 ${row.p50.toFixed(1)} ms, p95 ${row.p95.toFixed(1)} ms, max ${row.max.toFixed(1)} ms`);
  }
  // A launch of a campaign on the whole audience (a segment without conditions) over email and
  // phone: every person checked for consent and contact points, the members written in batches.
  const everyoneSegment = await marketing.segments.createSegment({ name: `Everyone ${stamp}`, match: SegmentMatch.SEGMENT_MATCH_ALL, conditions: { values: [] } }, identity);
  const draft = await marketing.campaigns.createCampaign(
    CreateCampaignRequest.fromPartial({ name: `Launch bench ${stamp}`, channels: { values: [Channel.CHANNEL_EMAIL, Channel.CHANNEL_PHONE] }, segmentIds: { values: [everyoneSegment.id] } }),
    identity,
  );
  const launchStart = performance.now();
  const launched = await marketing.campaigns.transitionCampaign({ id: draft.id, expectedVersion: draft.version, action: CampaignAction.CAMPAIGN_ACTION_LAUNCH }, identity);
  const launchSeconds = (performance.now() - launchStart) / 1000;
  const report = launched.launchReport ?? {};
  const launch = { seconds: launchSeconds, members: Number(report.members ?? 0), excluded: Number(report.excluded ?? 0), peoplePerSecond: Math.round(PEOPLE / launchSeconds) };
  say(`launch of a campaign on ${PEOPLE} people: ${launchSeconds.toFixed(1)} s (${launch.peoplePerSecond} people/s), ${launch.members} members, ${launch.excluded} left out`);

  const out = { stamp, people: PEOPLE, events: published, publishSeconds, ingestSeconds, ingestEventsPerSecond: ingest, previews: PREVIEWS, results, launch };
  mkdirSync(`${root}.run/bench`, { recursive: true });
  writeFileSync(`${root}.run/bench/marketing-${stamp}.json`, JSON.stringify(out, null, 2));
  process.stdout.write(
    ["| segment | people | p50 (ms) | p95 (ms) |", "|---|---:|---:|---:|", ...results.map((r) => `| ${r.segment} | ${r.count} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} |`), "", `launch: ${launch.seconds.toFixed(1)} s for ${PEOPLE} people, ${launch.members} members`].join("\n") + "\n",
  );
} finally {
  marketing.close();
  await bus.close();
}
