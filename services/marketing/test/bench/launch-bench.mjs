#!/usr/bin/env node
// Times a campaign launch's own work straight at FerretDB: the tenant's withdrawals read once,
// PEOPLE people decided per channel (email and phone; one in twenty withdrew email) and written
// as members in batches of 1,000, the campaign moved to running with its report. The audience is
// an in-memory AudienceReader, so this measures the launch, not the audience's reads (the
// benchmark through the real audience is the one in docs/benchmarks.md).
//
//   npm run build && node services/marketing/test/bench/launch-bench.mjs [PEOPLE]   (100000 by default; FERRETDB_PORT as the stack's)
//
// It works in a database of its own (relata_marketing_launch_bench), dropped at the end.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(fileURLToPath(new URL("../../package.json", import.meta.url)));
const { connectMongo, createLogger, ensureIndexes, NO_PUBLISH } = require("@relata/platform");
const { createModels } = require("./dist/store/models.js");
const { marketingRepositories } = require("./dist/store/repositories.js");
const { launchCampaign } = require("./dist/workflows/launch.js");

const people = Number(process.argv[2] || 100_000);
const tenantId = "bench";
const actor = { tenantId, actorId: "bench", requestId: "" };
const db = await connectMongo(`mongodb://127.0.0.1:${process.env.FERRETDB_PORT || "27017"}/relata_marketing_launch_bench`, createLogger("launch-bench", "silent"));
try {
  await db.dropDatabase();
  const models = createModels(db);
  await ensureIndexes(db);
  const repos = marketingRepositories(models, NO_PUBLISH);
  const now = new Date();
  const withdrawals = [];
  for (let i = 0; i < people; i += 20) withdrawals.push({ _id: `${tenantId}/p${i}:email`, tenantId, personId: `p${i}`, channel: "email", status: "withdrawn", source: "bench", at: now, updatedAt: now });
  for (let i = 0; i < withdrawals.length; i += 5_000) await models.consents.collection.insertMany(withdrawals.slice(i, i + 5_000));
  const audience = {
    async *targets() {
      for (let i = 0; i < people; i += 1_000) {
        yield Array.from({ length: Math.min(1_000, people - i) }, (_, j) => ({
          personId: `p${i + j}`, kind: "contact", firstName: "Ada", lastName: `Person ${i + j}`, email: `p${i + j}@example.com`, phone: "+44 20 7946 0000", ownerId: "rep", accountId: "a1",
        }));
      }
    },
    people: async () => [],
  };
  const campaign = await repos.campaigns.in(actor).create({
    idempotencyKey: "",
    request: {},
    build: () => ({ name: "Launch benchmark", status: "draft", ownerId: "bench", channels: ["email", "phone"], segmentIds: ["segment"], listIds: [] }),
    events: () => [],
  });
  const start = process.hrtime.bigint();
  const launched = await launchCampaign({ repos, models, audience }, actor, campaign._id);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(JSON.stringify({ people, launchMs: Math.round(ms), report: launched.launchReport }));
} finally {
  await db.dropDatabase().catch(() => undefined);
  await db.close();
}
