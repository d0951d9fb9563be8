#!/usr/bin/env node
// Times the reads Sales makes on a leads collection shaped like the service's (same indexes),
// straight at FerretDB, one client: get by _id + tenantId, list by tenantId + company sorted by
// createdAt, find by tenantId + email, count by tenantId; and single inserts. For
// docs/benchmarks.md: run it with the GIN indexes (the default) and without them
// (RELATA_GIN_INDEX_INTERVAL=0 when the stack starts FerretDB).
//
//   node deploy/ferretdb/bench-indexes.mjs [LEADS]     (10000 by default; FERRETDB_PORT as the stack's)
//
// It works in a database of its own (relata_index_bench), dropped at the end.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(fileURLToPath(new URL("../../package.json", import.meta.url)));
const { MongoClient, ObjectId } = require("mongodb");

const total = Number(process.argv[2] || 10000);
const uri = `mongodb://127.0.0.1:${process.env.FERRETDB_PORT || "27017"}/`;
const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 5000 });
const db = client.db("relata_index_bench");
const companies = 100; // 100 leads a company at 10,000 leads
const tenant = "acme";

const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;
async function timed(label, runs, once) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await once(i);
    times.push(ms(start));
  }
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return { query: label, runs, p50: +at(0.5).toFixed(1), p95: +at(0.95).toFixed(1) };
}

try {
  await db.dropDatabase();
  const leads = db.collection("leads");
  await leads.createIndexes([
    { key: { tenantId: 1, idempotencyKey: 1 }, unique: true, name: "tenant_idempotency" },
    { key: { tenantId: 1, createdAt: -1, _id: -1 }, name: "tenant_created" },
    { key: { tenantId: 1, updatedAt: -1, _id: -1 }, name: "tenant_updated" },
    { key: { tenantId: 1, status: 1, createdAt: -1 }, name: "tenant_status" },
    { key: { tenantId: 1, ownerId: 1, createdAt: -1 }, name: "tenant_owner" },
    { key: { tenantId: 1, lastName: 1 }, name: "tenant_lastname" },
    { key: { tenantId: 1, company: 1 }, name: "tenant_company" },
  ]);
  const lead = (i) => {
    const at = new Date(Date.UTC(2026, 0, 1) + i * 60_000);
    return {
      _id: new ObjectId(),
      tenantId: tenant,
      idempotencyKey: `key-${i}`,
      firstName: `First${i}`,
      lastName: `Last${i % 997}`,
      email: `lead${i}@example.com`,
      company: `Company ${i % companies}`,
      source: "web",
      status: "new",
      ownerId: `user-${i % 7}`,
      score: i % 100,
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
  };
  const loadStart = process.hrtime.bigint();
  for (let i = 0; i < total; i += 500) {
    await leads.insertMany(Array.from({ length: Math.min(500, total - i) }, (_, j) => lead(i + j)));
  }
  const loadSeconds = ms(loadStart) / 1000;
  // The GIN indexes are added within the indexer's interval (2 s) after the collection appears.
  await new Promise((resolve) => setTimeout(resolve, 3000));

  const ids = await leads.find({ tenantId: tenant }, { projection: { _id: 1 } }).limit(50).toArray();
  const rows = [
    await timed("get {_id, tenantId}", 50, (i) => leads.findOne({ _id: ids[i % ids.length]._id, tenantId: tenant })),
    await timed("list {tenantId, company} by createdAt desc, limit 21", 30, (i) =>
      leads.find({ tenantId: tenant, company: `Company ${i % companies}` }).sort({ createdAt: -1, _id: -1 }).limit(21).toArray(),
    ),
    await timed("find {tenantId, email}", 30, (i) => leads.find({ tenantId: tenant, email: `lead${i * 37}@example.com` }).toArray()),
    await timed("count {tenantId}", 5, () => leads.countDocuments({ tenantId: tenant })),
  ];
  const inserts = 200;
  const insertStart = process.hrtime.bigint();
  for (let i = 0; i < inserts; i++) await leads.insertOne(lead(total + i));
  const insertsPerSecond = Math.round(inserts / (ms(insertStart) / 1000));
  console.table(rows);
  console.log(JSON.stringify({ leads: total, loadSeconds: +loadSeconds.toFixed(1), insertsPerSecond }));
} finally {
  await db.dropDatabase().catch(() => {});
  await client.close();
}
