// create-lead, get-lead and list-leads at three layers: through the gateway (HTTP + token),
// straight at the Sales service (gRPC), and the same database calls straight at FerretDB.
// The scenarios of one k6 run go one after another (see lib.js for the order). bench.sh runs it
// once for the reads of all layers, then once per layer for the creates, waiting in between
// for the Sales outbox relay to catch up. Needs the k6 built from ./k6-mongo
// (`deploy/tools.sh k6-mongo`):
//
//   BENCH_LAYERS=grpc,ferretdb BENCH_OPS=get,list k6-mongo run e2e/load/bench.js
import exec from "k6/execution";
import * as ferretdb from "./layers/ferretdb.js";
import * as gateway from "./layers/gateway.js";
import * as grpc from "./layers/grpc.js";
import { SELECTED_LAYERS, SELECTED_OPS, benchOptions, writeSummary } from "./lib.js";

export const options = benchOptions();

const uses = (layer) => SELECTED_LAYERS.includes(layer);
const reads = SELECTED_OPS.includes("get") || SELECTED_OPS.includes("list");

export function setup() {
  const data = { facts: {}, service: { ids: [], companies: [] } };
  if (reads && (uses("gateway") || uses("grpc"))) {
    // One set of leads, made over gRPC, read by both the gateway and the gRPC scenarios; then
    // time for the outbox relay to publish their events, which it does by scanning and
    // updating the leads collection and would otherwise do during the first scenarios.
    data.service = grpc.prepare();
    data.facts.preloadedThroughGrpc = data.service.ids.length;
    data.facts.relayWaitSeconds = ferretdb.waitForRelay(180);
  }
  if (uses("gateway")) data.token = gateway.token();
  if (uses("ferretdb")) {
    // After the service's preload, so that the bench collection is sized like the service's.
    const made = reads ? ferretdb.prepare() : ferretdb.prepareForCreates();
    data.ferretdb = { ids: made.ids, companies: made.companies };
    Object.assign(data.facts, made.facts);
  }
  return data;
}

const gw = (data) => ({ token: data.token, ids: data.service.ids, companies: data.service.companies });

/**
 * The scenario's first iteration logs when the scenario started, so that report.mjs can cut
 * the CPU samples of cpu-sample.sh into scenarios.
 */
function marked(fn) {
  return (data) => {
    if (exec.scenario.iterationInTest === 0) console.log(`[scenario] ${exec.scenario.name} started ${exec.scenario.startTime}`);
    return fn(data);
  };
}

export const gateway_get = marked((data) => gateway.get(gw(data)));
export const gateway_list = marked((data) => gateway.list(gw(data)));
export const gateway_create = marked((data) => gateway.create(gw(data)));
export const grpc_get = marked((data) => grpc.get(data.service));
export const grpc_list = marked((data) => grpc.list(data.service));
export const grpc_create = marked(() => grpc.create());
export const ferretdb_get = marked((data) => ferretdb.get(data.ferretdb));
export const ferretdb_list = marked((data) => ferretdb.list(data.ferretdb));
export const ferretdb_create = marked(() => ferretdb.create());

export function handleSummary(data) {
  return writeSummary(data);
}
