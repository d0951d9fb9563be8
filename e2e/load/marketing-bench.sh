#!/usr/bin/env bash
# `make bench`'s Marketing part, run with the platform up: a segment preview over an audience of
# 100,000 people (e2e/load/marketing-bench.mjs says how). Results go to .run/bench/marketing-*.json.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../../deploy/env.sh"
export NATS_PORT MARKETING_GRPC_PORT
node "$here/marketing-bench.mjs"
