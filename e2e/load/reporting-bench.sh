#!/usr/bin/env bash
# `make bench`'s Reporting part: a store of 1,000,000 opportunity facts on a NATS server and a
# Reporting process of its own (e2e/load/reporting-bench.mjs says how). Results go to
# .run/bench/reporting-*.json.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../../deploy/env.sh"
export FERRETDB_PORT
node "$here/reporting-bench.mjs"
