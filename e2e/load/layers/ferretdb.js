// The bottom layer: the database calls the Sales service makes for create-lead, get-lead and
// list-leads, sent straight to FerretDB with the Go MongoDB driver (the k6 built from
// ../k6-mongo). They go to a database of their own (relata_bench), never to the service's, in
// a leads collection with the indexes the service declares (services/sales/src/store/models.ts)
// and as many documents as the service's leads collection holds when the run starts.
//
// What each operation sends, as the service does (the kit's packages/platform/src/store/write.ts
// and store/queries.ts, and Sales' store/assignment.ts):
//   create: findOneAndUpdate on the tenant's round-robin rule ($inc next), then one insert of
//           the lead with its idempotency key, request hash and lead.created event (outbox)
//   get:    findOne {_id, tenantId} without the outbox fields
//   list:   find {company, tenantId} without the outbox fields, sort {createdAt: -1, _id: -1},
//           limit page + 1
import { check, sleep } from "k6";
import { connect } from "k6/x/mongo";
import { PAGE, PRELOAD, TENANT, companies, fail, newLead, pick } from "../lib.js";

const URI = __ENV.BENCH_MONGO_URI || `mongodb://127.0.0.1:${__ENV.FERRETDB_PORT || "27017"}/`;
const DB = __ENV.BENCH_MONGO_DB || "relata_bench";
/** Read only, to size the bench collection like the service's and to tidy up after a run. */
const SERVICE_DB = __ENV.BENCH_SERVICE_DB || "relata_sales";
const LEADS = "leads";
const RULES = "assignment_rules";
const WITHOUT_OUTBOX = { outbox: 0, outboxSince: 0 };
/**
 * A diagnostic, not what the service does: BENCH_FERRETDB_GET_BY_ID=1 looks leads up by _id
 * alone, the one filter FerretDB's SQLite backend hands down to SQLite; the tenant is then
 * checked on the document.
 */
const GET_BY_ID = __ENV.BENCH_FERRETDB_GET_BY_ID === "1";

const client = connect(URI);

// The indexes the service declares on leads, so that each insert maintains as many.
const LEAD_INDEXES = [
  ["tenantId,idempotencyKey", true],
  ["tenantId,-createdAt,-_id", false],
  ["tenantId,-updatedAt,-_id", false],
  ["tenantId,status,-createdAt", false],
  ["tenantId,ownerId,-createdAt", false],
  ["tenantId,lastName", false],
  ["tenantId,company", false],
  ["conversion.claimedAt,status", false],
  ["outboxSince", false],
];

// An encoded lead.created event is a few hundred bytes of protobuf.
const EVENT_BYTES = new Uint8Array(360).buffer;

/**
 * A document shaped like the one the service inserts for a new lead, with its lead.created
 * event pending; `published` gives it as it is once the relay has published that event
 * (outbox emptied, outboxSince gone), which is the state of every lead the reads scan.
 */
function leadDocument(fields, ownerId, published) {
  const now = new Date();
  const doc = {
    _id: crypto.randomUUID(),
    tenantId: TENANT,
    version: 1,
    createdAt: now,
    updatedAt: now,
    idempotencyKey: crypto.randomUUID(),
    requestHash: "9f2c".repeat(16),
    firstName: fields.firstName,
    lastName: fields.lastName,
    email: fields.email,
    phone: "",
    company: fields.company,
    title: "",
    industry: "",
    source: "manual",
    status: "new",
    ownerId: ownerId || "bench-sales-rep",
    score: 0,
    disqualifyReason: "",
    outbox: [
      {
        id: crypto.randomUUID(),
        subject: "relata.sales.lead.created",
        data: EVENT_BYTES,
        headers: { "x-request-id": crypto.randomUUID(), traceparent: `00-${"0".repeat(32)}-${"0".repeat(16)}-01` },
        createdAt: now,
      },
    ],
    outboxSince: now,
  };
  if (published) {
    doc.outbox = [];
    delete doc.outboxSince;
  }
  return doc;
}

/** Filler: leads of no company the benchmark reads, to match the service's collection size. */
function filler(count) {
  let left = count;
  while (left > 0) {
    const batch = [];
    for (let i = 0; i < Math.min(500, left); i++) batch.push(leadDocument({ firstName: "Filler", lastName: `Filler ${i}`, email: "", company: "Filler" }, "", true));
    client.insertMany(DB, LEADS, batch);
    left -= batch.length;
  }
}

export function prepare() {
  client.dropCollection(DB, LEADS);
  client.dropCollection(DB, RULES);
  LEAD_INDEXES.forEach(([keys, unique], i) => client.createIndex(DB, LEADS, keys, `bench_${i}`, unique));
  client.createIndex(DB, RULES, "tenantId", "bench_rules_tenant", true);
  // The same round-robin rule as the service's tenant has (or none, as it has none).
  const rule = client.findOne(SERVICE_DB, RULES, { _id: TENANT, tenantId: TENANT }, null);
  if (rule) client.insertOne(DB, RULES, { _id: TENANT, tenantId: TENANT, repIds: rule.repIds, next: 0, version: 1 });
  const serviceLeads = client.countDocuments(SERVICE_DB, LEADS, {});
  const fill = Math.max(0, serviceLeads - PRELOAD);
  filler(fill);
  // The leads the reads pick from go in last, as they do in the service's collection.
  const ids = [];
  const batch = [];
  for (let i = 0; i < PRELOAD; i++) {
    const doc = leadDocument(newLead(i), "", true);
    ids.push(doc._id);
    batch.push(doc);
  }
  client.insertMany(DB, LEADS, batch);
  return { ids, companies: companies(), facts: { serviceLeads, benchLeads: fill + PRELOAD, roundRobin: !!rule } };
}

/**
 * For a run of creates alone: the collections as the reads left them (sized like the
 * service's), or made afresh when there are none.
 */
export function prepareForCreates() {
  const benchLeads = client.countDocuments(DB, LEADS, {});
  if (benchLeads === 0) return prepare();
  return { ids: [], companies: companies(), facts: { benchLeadsBeforeCreates: benchLeads } };
}

let n = 0;

export function create() {
  try {
    const rule = client.findOneAndUpdate(DB, RULES, { _id: TENANT, tenantId: TENANT }, { $inc: { next: 1 } });
    const owner = rule && rule.repIds && rule.repIds.length ? rule.repIds[rule.next % rule.repIds.length] : "";
    const doc = leadDocument(newLead(n++), owner);
    const id = client.insertOne(DB, LEADS, doc);
    if (!check(id, { "ferretdb insert returned the id": (v) => v === doc._id })) fail(`ferretdb insert returned ${id}`);
  } catch (e) {
    fail(`ferretdb create: ${e}`);
  }
}

export function get(data) {
  const id = pick(data.ids);
  try {
    const doc = client.findOne(DB, LEADS, GET_BY_ID ? { _id: id } : { _id: id, tenantId: TENANT }, WITHOUT_OUTBOX);
    const ok = (d) => d !== null && d._id === id && d.tenantId === TENANT;
    if (!check(doc, { "ferretdb found the lead": ok })) fail(`ferretdb findOne ${id}: nothing`);
  } catch (e) {
    fail(`ferretdb get: ${e}`);
  }
}

export function list(data) {
  try {
    const docs = client.find(DB, LEADS, { company: pick(data.companies), tenantId: TENANT }, WITHOUT_OUTBOX, "-createdAt,-_id", PAGE + 1);
    if (!check(docs, { "ferretdb listed a page": (d) => d !== null && d.length > 0 && d.length <= PAGE + 1 })) {
      fail(`ferretdb find returned ${docs === null ? "null" : docs.length} documents`);
    }
  } catch (e) {
    fail(`ferretdb list: ${e}`);
  }
}

/**
 * Waits (up to `seconds`) until the service's outbox relay has published every pending event,
 * so that its catching up does not run into the next scenario. Returns how long it waited.
 */
export function waitForRelay(seconds) {
  const start = Date.now();
  while ((Date.now() - start) / 1000 < seconds) {
    if (client.countDocuments(SERVICE_DB, LEADS, { outboxSince: { $exists: true } }) === 0) break;
    sleep(1);
  }
  return (Date.now() - start) / 1000;
}
