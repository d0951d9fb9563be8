// The middle layer: CreateLead, GetLead and ListLeads straight at the Sales service over gRPC,
// with the caller's identity in metadata as the gateway sends it (no token, no HTTP, no JSON).
// The protos are read at run time from proto/ at the repository root (BENCH_PROTO_DIR, which
// bench.sh sets; relative paths resolve from bench.js).
import { check } from "k6";
import grpc from "k6/net/grpc";
import { PAGE, PRELOAD, TENANT, companies, fail, newLead, pick } from "../lib.js";

const ADDR = __ENV.BENCH_GRPC_ADDR || `127.0.0.1:${__ENV.SALES_GRPC_PORT || "50051"}`;
const SERVICE = "relata.sales.v1.LeadService";
/** Who the calls claim to be; the gateway would send the token's subject. */
const SUBJECT = __ENV.BENCH_SUBJECT || "bench-sales-rep";

const client = new grpc.Client();
client.load([__ENV.BENCH_PROTO_DIR || "../../proto"], "relata/sales/v1/lead.proto");

let connected = false;
function ensureConnected() {
  if (!connected) {
    client.connect(ADDR, { plaintext: true, timeout: "10s" });
    connected = true;
  }
}

function params() {
  return {
    metadata: {
      "relata-tenant": TENANT,
      "relata-subject": SUBJECT,
      "relata-roles": "sales-rep",
      "x-request-id": crypto.randomUUID(),
    },
    timeout: "10s",
  };
}

function invoke(method, request) {
  ensureConnected();
  return client.invoke(`${SERVICE}/${method}`, request, params());
}

function createLead(n) {
  const lead = newLead(n);
  return invoke("CreateLead", {
    firstName: lead.firstName,
    lastName: lead.lastName,
    email: lead.email,
    company: lead.company,
    source: "LEAD_SOURCE_MANUAL",
  });
}

/** Leads for get and list (also read through the gateway): made here, the quickest way in. */
export function prepare() {
  const ids = [];
  for (let i = 0; i < PRELOAD; i++) {
    const res = createLead(i);
    if (res.status !== grpc.StatusOK) throw new Error(`preloading leads over gRPC at ${ADDR}: ${res.status} ${JSON.stringify(res.error)}`);
    ids.push(res.message.id);
  }
  return { ids, companies: companies() };
}

let n = 0;

export function create() {
  const res = createLead(n++);
  const ok = check(res, { "grpc CreateLead OK": (r) => r.status === grpc.StatusOK && !!r.message.id });
  if (!ok) fail(`grpc CreateLead: ${res.status} ${JSON.stringify(res.error)}`);
}

export function get(data) {
  const id = pick(data.ids);
  const res = invoke("GetLead", { id });
  const ok = check(res, { "grpc GetLead OK": (r) => r.status === grpc.StatusOK && r.message.id === id });
  if (!ok) fail(`grpc GetLead ${id}: ${res.status} ${JSON.stringify(res.error)}`);
}

export function list(data) {
  const res = invoke("ListLeads", { page: { pageSize: PAGE }, company: pick(data.companies) });
  const ok = check(res, { "grpc ListLeads OK": (r) => r.status === grpc.StatusOK && r.message.leads.length > 0 });
  if (!ok) fail(`grpc ListLeads: ${res.status} ${JSON.stringify(res.error)}`);
}

export function close() {
  if (connected) client.close();
}
