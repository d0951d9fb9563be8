#!/usr/bin/env node
// bench.sh's helper for the database between k6 runs (the MongoDB driver from the workspace's
// node_modules, the one the services use):
//
//   node e2e/load/service-db.mjs wait-relay [MAX_SECONDS]   wait until the Sales outbox relay has
//        published every pending event; prints {"pendingAtStart":N,"seconds":S,"drained":bool}
//   node e2e/load/service-db.mjs tidy RUN    delete the leads benchmark run RUN made in the
//        service's database (their company names start "Bench RUN " or "Bench RUN-") and drop
//        the bench database
//
// FERRETDB_PORT, BENCH_SERVICE_DB (relata_sales) and BENCH_MONGO_DB (relata_bench) as in bench.js.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(fileURLToPath(new URL("../../package.json", import.meta.url)));
const { MongoClient } = require("mongodb");

const uri = process.env.BENCH_MONGO_URI || `mongodb://127.0.0.1:${process.env.FERRETDB_PORT || "27017"}/`;
const serviceDb = process.env.BENCH_SERVICE_DB || "relata_sales";
const benchDb = process.env.BENCH_MONGO_DB || "relata_bench";
const [command, arg] = process.argv.slice(2);

const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 5000 });
try {
  const leads = client.db(serviceDb).collection("leads");
  if (command === "wait-relay") {
    const max = Number(arg || 120);
    const pending = () => leads.countDocuments({ outboxSince: { $exists: true } });
    const start = Date.now();
    const pendingAtStart = await pending();
    let left = pendingAtStart;
    while (left > 0 && (Date.now() - start) / 1000 < max) {
      await new Promise((r) => setTimeout(r, 1000));
      left = await pending();
    }
    console.log(JSON.stringify({ pendingAtStart, seconds: Math.round((Date.now() - start) / 100) / 10, drained: left === 0, pendingLeft: left }));
  } else if (command === "tidy" && arg) {
    const escaped = `Bench ${arg}`.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const removed = await leads.deleteMany({ company: { $regex: `^${escaped}[ -]` } });
    await client.db(benchDb).dropDatabase();
    console.log(JSON.stringify({ removedServiceLeads: removed.deletedCount, droppedDatabase: benchDb }));
  } else {
    console.error("usage: service-db.mjs wait-relay [MAX_SECONDS] | tidy RUN");
    process.exitCode = 2;
  }
} finally {
  await client.close();
}
