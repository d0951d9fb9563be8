#!/usr/bin/env bash
# `make bench`'s import part: one import job of IMPORT_ROWS contacts (default 1,000,000) through
# the running local stack's gateway (`make up`), its rows per second and the peak memory of the
# Integrations process (e2e/load/import-bench.mjs says how), then an export of the tenant's
# contacts (e2e/load/export-bench.mjs). Results go to .run/bench/.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../../deploy/env.sh"
export GATEWAY_PORT KEYCLOAK_PORT INTEGRATIONS_GRPC_PORT INTEGRATIONS_METRICS_PORT SALES_GRPC_PORT RELATA_STATE
node "$here/import-bench.mjs" "$@"
# Then the export of every contact of the tenant the import filled.
node "$here/export-bench.mjs"
