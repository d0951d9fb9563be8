#!/usr/bin/env bash
# The body of `make bench`, run with the whole platform up (the Makefile starts and stops it):
# builds (once) the k6 with the MongoDB extension, runs e2e/load/bench.js against the gateway,
# the Sales gRPC service and FerretDB, and prints the table. Results go to .run/bench/.
#
# k6 runs: first the reads (get, then list) of every layer, then the creates, one layer per run
# (FerretDB, gRPC, gateway); after each, the Sales outbox relay is given time to publish what
# the creates left, and the leads they made are deleted, so the next layer starts from the
# same collection. At the end the leads the run made are deleted again.
#
# Then the search benchmark: knowledge-articles.mjs makes sure 10,000 published articles are
# there and indexed (kept between runs), and knowledge-search.js searches them through the
# gateway.
#
# Environment (all optional): BENCH_DURATION (15s), BENCH_VUS (4), BENCH_PRELOAD (100),
# BENCH_COMPANIES (5), BENCH_LAYERS (gateway,grpc,ferretdb), BENCH_OPS (get,list,create,search),
# BENCH_KB_ARTICLES (10000, the articles searched),
# BENCH_RELAY_WAIT (150, seconds), BENCH_KEEP_DATA=1 to keep the leads the run made; the ports
# come from deploy/env.sh.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../../deploy/env.sh"

say() { printf '[bench] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

"$RELATA_ROOT/deploy/tools.sh" k6-mongo
K6="$RELATA_BIN/k6-mongo"

# Fail early, and say which part is missing, rather than after minutes of errors.
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
layers=",${BENCH_LAYERS:-gateway,grpc,ferretdb},"
port_open "$FERRETDB_PORT" || die "FerretDB is not listening on 127.0.0.1:$FERRETDB_PORT (deploy/stack.sh up ferretdb)"
if [[ $layers == *,grpc,* || $layers == *,gateway,* ]]; then
  port_open "$SALES_GRPC_PORT" || die "the Sales service is not listening on 127.0.0.1:$SALES_GRPC_PORT (deploy/stack.sh up sales)"
fi
if [[ $layers == *,gateway,* ]]; then
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$GATEWAY_PORT/readyz")" = 200 ] ||
    die "the gateway is not ready at http://127.0.0.1:$GATEWAY_PORT/readyz (deploy/stack.sh up gateway)"
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$KEYCLOAK_ISSUER/.well-known/openid-configuration")" = 200 ] ||
    die "Keycloak does not serve $KEYCLOAK_ISSUER (deploy/stack.sh up keycloak)"
fi

out="$RELATA_STATE/bench"
mkdir -p "$out"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
export FERRETDB_PORT SALES_GRPC_PORT GATEWAY_PORT KEYCLOAK_ISSUER
export BENCH_PROTO_DIR="$RELATA_ROOT/proto" BENCH_RUN="$stamp"
selected_layers=${BENCH_LAYERS:-gateway,grpc,ferretdb}
selected_ops=${BENCH_OPS:-get,list,create,search}
relay="$out/relay-$stamp.jsonl"
cpu="$out/cpu-$stamp.tsv"
k6log="$out/k6-$stamp.log"
summaries=()
"$here/cpu-sample.sh" "$cpu" &
sampler=$!
finish() {
  kill "$sampler" 2>/dev/null
  # The leads this run made in the service's database, and the bench database, go again.
  if [ "${BENCH_KEEP_DATA:-0}" != 1 ]; then say "tidy: $(node "$here/service-db.mjs" tidy "$stamp" || echo failed)"; fi
}
trap finish EXIT

k6_run() { # name layers ops run-id
  local summary="$out/summary-$stamp-$1.json"
  say "k6: $1 (layers $2; operations $3)"
  (cd "$here" && BENCH_LAYERS=$2 BENCH_OPS=$3 BENCH_RUN=$4 BENCH_OUT=$summary "$K6" run --quiet --no-color bench.js 2>&1) | tee -a "$k6log" ||
    die "k6 failed in '$1'; its output is in $k6log"
  summaries+=("$summary")
}
# The Sales outbox relay publishes each new lead's event after the create returned; wait for it
# before the next run so that its catching up is not charged to another layer.
wait_relay() { # what-ran-before
  local r; r=$(node "$here/service-db.mjs" wait-relay "${BENCH_RELAY_WAIT:-150}")
  echo "{\"after\":\"$1\",\"relay\":$r}" >>"$relay"
  say "relay, $1: $r"
}

say "k6 $("$K6" version | head -1 | cut -d' ' -f2), ${BENCH_VUS:-4} VUs, ${BENCH_DURATION:-15s} per scenario, one scenario at a time, run $stamp"
start=$SECONDS
reads=$(tr ',' '\n' <<<"$selected_ops" | grep -x -E 'get|list' | paste -sd, - || true)
if [ -n "$reads" ]; then k6_run reads "$selected_layers" "$reads" "$stamp"; fi
if [[ ,$selected_ops, == *,create,* ]]; then
  # One layer at a time, the database first. After each, wait for the relay to publish the
  # events the creates left, then delete those leads, so that every layer creates into a
  # collection of the same size (the preloaded leads).
  wait_relay "after the reads"
  for layer in ferretdb grpc gateway; do
    [[ ,$selected_layers, == *,$layer,* ]] || continue
    k6_run "create-$layer" "$layer" create "$stamp-$layer"
    wait_relay "after the $layer creates"
    if [ "${BENCH_KEEP_DATA:-0}" != 1 ]; then
      say "tidy after the $layer creates: $(node "$here/service-db.mjs" tidy "$stamp-$layer")"
    fi
  done
fi
search_md=""
if [[ ,$selected_ops, == *,search,* ]]; then
  port_open "$KNOWLEDGE_GRPC_PORT" || die "the Knowledge-Base is not listening on 127.0.0.1:$KNOWLEDGE_GRPC_PORT (deploy/stack.sh up knowledge)"
  export KNOWLEDGE_GRPC_PORT OPENSEARCH_URL BENCH_KB_ARTICLES=${BENCH_KB_ARTICLES:-10000}
  kb=$(node "$here/knowledge-articles.mjs" preload "$BENCH_KB_ARTICLES") || die "the search benchmark's articles are not all made and indexed: $kb"
  say "knowledge articles: $kb"
  search_md="$out/search-$stamp.md"
  say "k6: search (gateway)"
  # The gateway layer's token() comes with lib.js, which checks BENCH_OPS: give it one it knows
  # (knowledge-search.js has its own single scenario).
  (cd "$here" && BENCH_OPS=get BENCH_OUT="$out/summary-$stamp-search.json" BENCH_OUT_MD="$search_md" "$K6" run --quiet --no-color knowledge-search.js 2>&1) | tee -a "$k6log" ||
    die "k6 failed in 'search'; its output is in $k6log"
fi
say "k6 runs took $((SECONDS - start)) s"

if [ ${#summaries[@]} -gt 0 ]; then
  node "$here/report.mjs" "${summaries[@]}" --relay "$relay" --cpu "$cpu" --marks "$k6log" --md "$out/results-$stamp.md" --json "$out/results-$stamp.json"
  cp "$out/results-$stamp.json" "$out/latest.json"
fi
if [ -n "$search_md" ]; then cat "$search_md" >>"$out/results-$stamp.md"; fi
cp "$out/results-$stamp.md" "$out/latest.md"
say "results: $out/results-$stamp.md (also latest.md); k6 summaries: $out/summary-$stamp-*.json"
