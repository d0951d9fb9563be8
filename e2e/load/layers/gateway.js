// The top layer: POST /v1/leads, GET /v1/leads/{id} and GET /v1/leads?limit=20&company=...
// through the gateway with a demo sales rep's token, as an API client calls them: token
// verification, the permission table, request validation, JSON <-> protobuf, and the gRPC call
// to the Sales service.
import { check } from "k6";
import http from "k6/http";
import { PAGE, fail, newLead, pick } from "../lib.js";

const BASE = __ENV.BENCH_GATEWAY_URL || `http://localhost:${__ENV.GATEWAY_PORT || "8080"}`;
const ISSUER = __ENV.KEYCLOAK_ISSUER || "http://localhost:8180/realms/relata";
const USER = __ENV.BENCH_USER || "acme-sales-rep";
const PASSWORD = __ENV.BENCH_PASSWORD || "relata-demo";

/** One token for the whole run (the realm's access tokens outlive it), from the password grant. */
export function token() {
  const res = http.post(
    `${ISSUER}/protocol/openid-connect/token`,
    { grant_type: "password", client_id: "relata-cli", username: USER, password: PASSWORD, scope: "openid" },
    { tags: { name: "token" } },
  );
  if (res.status !== 200) throw new Error(`token for ${USER} from ${ISSUER}: ${res.status} ${res.body}`);
  return res.json("access_token");
}

function headers(data, json) {
  const h = { Authorization: `Bearer ${data.token}`, "X-Request-Id": crypto.randomUUID() };
  if (json) h["Content-Type"] = "application/json";
  return h;
}

/** What went wrong with a response, with the fix when the gateway's rate limit answered. */
function problem(res) {
  if (res.status === 429) {
    return "429 rate limited: run the gateway with RATE_LIMIT_PER_MINUTE=0 for benchmarks (make bench does)";
  }
  return `${res.status} ${res.body}`;
}

let n = 0;

export function create(data) {
  const res = http.post(`${BASE}/v1/leads`, JSON.stringify({ ...newLead(n++), source: "manual" }), {
    headers: headers(data, true),
    tags: { name: "POST /v1/leads" },
  });
  const ok = check(res, { "gateway POST /v1/leads 201": (r) => r.status === 201 && !!r.json("id") });
  if (!ok) fail(`gateway POST /v1/leads: ${problem(res)}`);
}

export function get(data) {
  const id = pick(data.ids);
  const res = http.get(`${BASE}/v1/leads/${id}`, { headers: headers(data, false), tags: { name: "GET /v1/leads/{id}" } });
  const ok = check(res, { "gateway GET /v1/leads/{id} 200": (r) => r.status === 200 && r.json("id") === id });
  if (!ok) fail(`gateway GET /v1/leads/${id}: ${problem(res)}`);
}

export function list(data) {
  const company = encodeURIComponent(pick(data.companies));
  const res = http.get(`${BASE}/v1/leads?limit=${PAGE}&company=${company}`, {
    headers: headers(data, false),
    tags: { name: "GET /v1/leads" },
  });
  const ok = check(res, { "gateway GET /v1/leads 200": (r) => r.status === 200 && r.json("data").length > 0 });
  if (!ok) fail(`gateway GET /v1/leads: ${problem(res)}`);
}
