#!/usr/bin/env bash
# `make bench`'s import part: one import job of IMPORT_ROWS contacts (default 1,000,000) through
# the running local stack's gateway (`make up`), its rows per second and the peak memory of the
# Integrations process (e2e/load/import-bench.mjs says how). Results go to .run/bench/import-*.json.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../../deploy/env.sh"
export GATEWAY_PORT KEYCLOAK_PORT INTEGRATIONS_GRPC_PORT INTEGRATIONS_METRICS_PORT
node "$here/import-bench.mjs" "$@"
