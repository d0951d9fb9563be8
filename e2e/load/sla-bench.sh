#!/usr/bin/env bash
# `make bench`'s SLA part, run with the platform up: JetStream message schedules' firing
# accuracy (e2e/load/sla-bench.mjs says how). Results go to .run/bench/sla-*.{json,md}.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../../deploy/env.sh"
export NATS_PORT SERVICE_GRPC_PORT
node "$here/sla-bench.mjs"
