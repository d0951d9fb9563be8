// Measures the two ways a bulk upsert can find its batch's records by match key on FerretDB:
// one `{tenantId, email: {$in: keys}}` query, or one equality query per key (limited
// concurrency). Seeds ~100k contacts of one tenant in a scratch database, then times both.
// Usage: FERRETDB_PORT=... node services/sales/bench/match-lookup.mjs [contacts=100000] [keys=1000]
import { MongoClient } from "mongodb";

const port = process.env.FERRETDB_PORT ?? "27017";
const total = Number(process.argv[2] ?? 100_000);
const keyCount = Number(process.argv[3] ?? 1000);
const client = new MongoClient(`mongodb://127.0.0.1:${port}`);
await client.connect();
const db = client.db(`relata_sales_bench_match`);
const contacts = db.collection("contacts");
const tenantId = "bench-tenant";
const have = await contacts.countDocuments({ tenantId });
if (have < total) {
  await contacts.createIndex({ tenantId: 1, email: 1, createdAt: -1, _id: -1 });
  const started = Date.now();
  for (let i = have; i < total; i += 2000) {
    const docs = [];
    for (let j = i; j < Math.min(total, i + 2000); j++) {
      docs.push({ _id: `c-${j}`, tenantId, lastName: `Last ${j}`, email: `person${j}@example.com`, version: 1, createdAt: new Date(), updatedAt: new Date(), idempotencyKey: `k-${j}` });
    }
    await contacts.insertMany(docs, { ordered: false });
  }
  console.log(`seeded ${total - have} contacts in ${Date.now() - started} ms`);
}
// Another tenant's documents too, as a real collection has.
const keys = Array.from({ length: keyCount }, (_, i) => `person${Math.floor((i * total) / keyCount)}@example.com`);

async function timed(label, run) {
  const times = [];
  let found = 0;
  for (let round = 0; round < 3; round++) {
    const t = process.hrtime.bigint();
    found = await run();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  console.log(`${label}: ${times.map((t) => t.toFixed(0)).join(" / ")} ms (found ${found})`);
}

await timed(`$in of ${keyCount} keys`, async () => (await contacts.find({ tenantId, email: { $in: keys }, deletedAt: { $exists: false } }).project({ _id: 1, email: 1 }).toArray()).length);
for (const concurrency of [8, 16, 32]) {
  await timed(`${keyCount} equality queries, ${concurrency} at a time`, async () => {
    let found = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < keys.length) {
          const key = keys[next++];
          const rows = await contacts.find({ tenantId, email: key, deletedAt: { $exists: false } }).project({ _id: 1, email: 1 }).toArray();
          found += rows.length;
        }
      }),
    );
    return found;
  });
}
await timed(`$in of ${keyCount} _ids`, async () => (await contacts.find({ _id: { $in: keys.map((k) => `c-${k.slice(6, -12)}`) }, tenantId }).project({ _id: 1 }).toArray()).length);
if (process.argv.includes("--drop")) await db.dropDatabase();
await client.close();
