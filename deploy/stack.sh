#!/usr/bin/env bash
# Starts, stops and reports the local stack: PostgreSQL, FerretDB on it, NATS JetStream, Keycloak
# and OpenSearch (infra), Zipkin and an OpenTelemetry Collector (observability), and the workloads their
# manifests declare (apps: every service, then the gateway; deploy/workloads.cjs list). Every
# command is safe to run twice. Each component runs in a process group of its own (setsid), so
# `down` stops it with everything it started.
#
#   deploy/stack.sh up [--owned-by FILE] COMPONENT...    start what is not running yet, wait until ready
#   deploy/stack.sh down [--owned-by FILE] [COMPONENT...] stop (all with a pid file, or those in FILE)
#   deploy/stack.sh crash COMPONENT...                   SIGKILL its process group at once (crash tests)
#   deploy/stack.sh status                               one line per component
#   deploy/stack.sh env WORKLOAD                         the environment an app is started with
#   deploy/stack.sh banner                               addresses and demo users, for `make up`
#
# COMPONENT: postgres ferretdb nats keycloak opensearch zipkin collector, a workload (a service, the
# gateway), or infra (postgres ferretdb nats keycloak opensearch), observability (zipkin collector), apps (the
# workloads), all (in that order). With --owned-by, `up` appends to FILE the components this
# invocation started and `down` stops only the components listed in FILE, then deletes it.
# State lives in $RELATA_STATE: pids/<name>.pid, logs/<name>.log (the run before: <name>.previous.log),
# postgres/, nats/ and opensearch/ data. RELATA_START_TIMEOUT (seconds) overrides every readiness
# timeout. PostgreSQL and OpenSearch refuse to run as root: as root, they run as the system users
# relata-pg and relata-opensearch (made here).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/env.sh"

PIDS="$RELATA_STATE/pids"
LOGS="$RELATA_STATE/logs"
# env.sh declares the workloads once Node is there (WORKLOADS, WORKLOAD_KIND, _MAIN, _PORT...).
if ! declare -p WORKLOADS >/dev/null 2>&1; then "$here/tools.sh" node; source "$here/env.sh"; fi
COMPONENTS=(postgres ferretdb nats keycloak opensearch zipkin collector "${WORKLOADS[@]}")
PG_DATA="$RELATA_STATE/postgres"
PG_USER=relata-pg          # the unprivileged user PostgreSQL runs as when the stack runs as root
OS_USER=relata-opensearch  # the same for OpenSearch
PG_SUPERUSER=relata        # the database superuser; loopback connections are trusted (docs/local-stack.md)
FERRETDB_DATABASE=ferretdb # the PostgreSQL database FerretDB keeps its schemas (MongoDB databases) in
OS_STATE="$RELATA_STATE/opensearch" # its config/, data/ and logs/
OS_HEAP="${OPENSEARCH_HEAP:-512m}"
KEYCLOAK_HOME="$RELATA_HOME/keycloak-$KEYCLOAK_VERSION"
REALM_FILE="$here/keycloak/relata-realm.json"
ZIPKIN_JAR="$RELATA_HOME/zipkin-$ZIPKIN_VERSION/zipkin-server.jar"
COLLECTOR_CONFIG="$here/otelcol/config.yaml"

say() { printf '[stack] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

is_workload() { [[ " ${WORKLOADS[*]} " == *" $1 "* ]]; }
for w in "${WORKLOADS[@]}"; do
  case $w in
    postgres | ferretdb | nats | keycloak | opensearch | zipkin | collector | infra | observability | apps | all)
      die "workload '$w' takes the name of a stack component or group; rename it in its package.json" ;;
  esac
done

port_of() {
  case $1 in
    postgres) echo "$POSTGRES_PORT" ;;
    ferretdb) echo "$FERRETDB_PORT" ;;
    nats) echo "$NATS_PORT" ;;
    keycloak) echo "$KEYCLOAK_PORT" ;;
    opensearch) echo "$OPENSEARCH_PORT" ;;
    zipkin) echo "$ZIPKIN_PORT" ;;
    collector) echo "$OTLP_HTTP_PORT" ;;
    *) echo "${WORKLOAD_PORT[$1]}" ;;
  esac
}

# What the command line of a component's processes contains: guards against a pid file that
# outlived its process (after a reboot the number may belong to something else).
signature_of() {
  case $1 in
    postgres) echo "bin/postgres -D" ;;
    ferretdb) echo "relata-ferretdb" ;;
    nats) echo "nats-server" ;;
    keycloak) echo "kc.sh|keycloak" ;;
    opensearch) echo "org.opensearch.bootstrap.OpenSearch|bin/opensearch" ;;
    zipkin) echo "zipkin-server" ;;
    collector) echo "relata-otelcol" ;;
    *) echo "${WORKLOAD_MAIN[$1]}" ;;
  esac
}

timeout_of() {
  if [ -n "${RELATA_START_TIMEOUT:-}" ]; then echo "$RELATA_START_TIMEOUT"; return; fi
  case $1 in
    keycloak) echo 240 ;; # 10-25 s usually; the first start after an install also re-augments it
    opensearch) echo 180 ;; # 30-50 s on 2 busy cores
    *) echo 60 ;;
  esac
}

# The environment of the apps (also printed by `stack.sh env NAME`): what the manifests make of
# this stack's ports (deploy/workloads.cjs env: its ports, database, NATS, issuer, the other
# services' addresses), and the settings every app shares. While this stack's collector runs,
# the apps export their traces to it (OTLP over HTTP); otherwise they export nothing (trace
# context still propagates).
app_env() {
  is_workload "$1" || die "no app environment for '$1' (${WORKLOADS[*]})"
  echo "OTEL_SERVICE_NAME=$1"
  if alive collector >/dev/null; then
    echo "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$OTLP_HTTP_PORT"
    echo "OTEL_BSP_SCHEDULE_DELAY=1000" # spans leave the process within a second
  fi
  node "$here/workloads.cjs" env "$1"
  echo "LOG_LEVEL=${LOG_LEVEL:-info}"
  # Benchmarks turn the gateway's per-caller limit off (RATE_LIMIT_PER_MINUTE=0).
  if [ "${WORKLOAD_KIND[$1]}" = http-gateway ] && [ -n "${RATE_LIMIT_PER_MINUTE:-}" ]; then
    echo "RATE_LIMIT_PER_MINUTE=$RATE_LIMIT_PER_MINUTE"
  fi
}

# Expands groups and returns the names in start order, each once.
expand() {
  local want=" " c
  for c in "$@"; do
    case $c in
      infra) want+="postgres ferretdb nats keycloak opensearch " ;;
      observability) want+="zipkin collector " ;;
      apps) want+="${WORKLOADS[*]} " ;;
      all) want+="${COMPONENTS[*]} " ;;
      *)
        [[ " ${COMPONENTS[*]} " == *" $c "* ]] || die "unknown component '$c' (${COMPONENTS[*]} infra observability apps all)"
        want+="$c "
        ;;
    esac
  done
  for c in "${COMPONENTS[@]}"; do [[ $want == *" $c "* ]] && echo "$c"; done
  return 0
}

# --- probes -------------------------------------------------------------------------------

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$1" 2>/dev/null || true; }

ready() {
  case $1 in
    # PostgreSQL notes in postmaster.pid (8th line) when it accepts connections: what pg_ctl -w reads.
    postgres) port_open "$POSTGRES_PORT" && [ "$(sed -n '8p' "$PG_DATA/postmaster.pid" 2>/dev/null | tr -d ' ')" = ready ] ;;
    ferretdb) port_open "$FERRETDB_PORT" ;;
    nats) [[ $(curl -sf --max-time 3 "http://127.0.0.1:$NATS_MONITOR_PORT/healthz?js-enabled-only=true" 2>/dev/null) == *'"ok"'* ]] ;;
    keycloak) [ "$(http_code "$KEYCLOAK_ISSUER/.well-known/openid-configuration")" = 200 ] ;;
    # 200 once the cluster is yellow or green (408 while it is red).
    opensearch) [ "$(http_code "$OPENSEARCH_URL/_cluster/health?wait_for_status=yellow&timeout=0s")" = 200 ] ;;
    zipkin) [ "$(http_code "http://127.0.0.1:$ZIPKIN_PORT/health")" = 200 ] ;;
    collector) port_open "$OTLP_HTTP_PORT" && grep -q 'Everything is ready' "$LOGS/collector.log" 2>/dev/null ;;
    *)
      case ${WORKLOAD_KIND[$1]} in
        grpc-service) port_open "${WORKLOAD_PORT[$1]}" && grep -q '"msg":"serving"' "$LOGS/$1.log" 2>/dev/null ;;
        http-gateway) [ "$(http_code "http://127.0.0.1:${WORKLOAD_PORT[$1]}/readyz")" = 200 ] ;;
      esac
      ;;
  esac
}

pid_of() { [ -f "$PIDS/$1.pid" ] && tr -dc '0-9' <"$PIDS/$1.pid"; }
# A process group is alive while it has a member that is not a zombie (exited, not yet reaped:
# it holds no port or file any more, and some init processes reap only every few seconds).
group_alive() {
  [ -n "$1" ] && kill -0 -- "-$1" 2>/dev/null &&
    ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}
# The process itself is alive (not a zombie): right after the fork, before `setsid` has run,
# it is not yet the leader of a group of its own.
pid_alive() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null) && [[ ${st// /} != Z* ]]; }
group_is() { # pgid name: does a process of that group look like the component?
  ps -e -o pgid=,args= | awk -v g="$1" -v re="$(signature_of "$2")" '$1 == g && $0 ~ re { found = 1 } END { exit !found }'
}
# Our process for NAME is alive (prints its process group id).
alive() {
  local pgid; pgid=$(pid_of "$1") || return 1
  group_alive "$pgid" && group_is "$pgid" "$1" && echo "$pgid"
}

log_tail() {
  if [ -f "$LOGS/$1.log" ]; then
    say "last lines of $LOGS/$1.log:"
    tail -n "${2:-40}" "$LOGS/$1.log" | sed 's/^/    /' >&2
  fi
}

# --- start --------------------------------------------------------------------------------

spawn() { # name command...: own session and process group, output to the log, fd 9 (the lock) closed
  local name=$1; shift
  mkdir -p "$PIDS" "$LOGS"
  if [ -f "$LOGS/$name.log" ]; then mv -f "$LOGS/$name.log" "$LOGS/$name.previous.log"; fi
  # In a script, a background job is not a group leader, so setsid does not fork: $! is both
  # the pid and the process group id of the new session.
  setsid "$@" </dev/null >"$LOGS/$name.log" 2>&1 9>&- &
  echo $! >"$PIDS/$name.pid"
}

# As root, the servers that refuse root (PostgreSQL, OpenSearch) run as a system user of their own,
# made here: `run_as USER WHAT` sets as_user to the command prefix (setpriv execs in place: the pid
# and the process group stay those spawn made); otherwise they run as the caller (as_user empty).
as_user=()
run_as() {
  local user=$1 what=$2
  as_user=()
  [ "$(id -u)" = 0 ] || return 0
  if ! id -u "$user" >/dev/null 2>&1; then
    say "creating the system user $user, which runs $what"
    useradd --system --no-create-home --home-dir / --shell /usr/sbin/nologin "$user" 2>/dev/null ||
      id -u "$user" >/dev/null 2>&1 || die "cannot create the user $user"
  fi
  as_user=(setpriv --reuid="$user" --regid="$user" --init-groups --)
}

# The data directory ($1), made once by initdb (into a scratch directory renamed when complete, so
# an interrupted initdb is simply done again). Loopback connections are trusted: docs/local-stack.md.
postgres_init() {
  local data=$1 bin=$2 major
  major=$("$bin/postgres" --version | sed -n 's/.* \([0-9][0-9]*\)[.0-9]*.*/\1/p')
  if [ -f "$data/PG_VERSION" ]; then
    [ "$(cat "$data/PG_VERSION")" = "$major" ] ||
      die "$PG_DATA was made by PostgreSQL $(cat "$data/PG_VERSION") and this is PostgreSQL $major ($bin): remove $PG_DATA (local data only) or set RELATA_STATE"
    # Made by a start that ran as another user: PostgreSQL wants to own its data.
    [ "$(id -u)" != 0 ] || [ "$(stat -c %U "$data")" = "$PG_USER" ] || chown -R "$PG_USER:" "$data"
    return 0
  fi
  say "initialising PostgreSQL $major data in $data"
  rm -rf "$data.init" && mkdir -p "$data.init" && chmod 700 "$data.init"
  [ "$(id -u)" != 0 ] || chown "$PG_USER:" "$data.init"
  mkdir -p "$LOGS"
  "${as_user[@]}" "$bin/initdb" -D "$data.init" -U "$PG_SUPERUSER" --auth=trust --encoding=UTF8 --locale=C --no-sync \
    >"$LOGS/postgres-initdb.log" 2>&1 || { log_tail postgres-initdb; die "initdb failed (log: $LOGS/postgres-initdb.log)"; }
  # Loopback TCP only (listen_addresses below) plus the socket in the data directory.
  printf '%s\n' "local all all trust" "host all all 127.0.0.1/32 trust" >"$data.init/pg_hba.conf"
  mv "$data.init" "$data"
}

# Where the state of a server that run_as runs as USER really lives: DIR (in $RELATA_STATE), unless
# the stack runs as root in a directory that USER cannot enter (a checkout in root's home). Then in
# /var/lib/USER/<hash of DIR>, with DIR a link to it; a link that is gone (make clean, a fresh test
# stack) takes the data along.
user_state_dir() { # USER DIR
  local user=$1 dir=$2
  if [ ${#as_user[@]} -eq 0 ] || "${as_user[@]}" test -x "$RELATA_STATE"; then echo "$dir"; return; fi
  local data; data="/var/lib/$user/$(printf '%s' "$dir" | sha256sum | cut -c1-16)"
  [ -L "$dir" ] || [ ! -e "$dir" ] || die "$dir exists but the user $user cannot enter $RELATA_STATE: move it away or set RELATA_STATE"
  say "the user $user cannot enter $RELATA_STATE: $(basename "$dir")'s data lives in $data ($dir links to it)"
  mkdir -p "/var/lib/$user" && chmod 755 "/var/lib/$user"
  [ -L "$dir" ] || rm -rf "$data"
  ln -sfn "$data" "$dir"
  echo "$data"
}

# OpenSearch's configuration, written at every start into DIR/config from the distribution's (whose
# directory stays read-only, shared by every checkout): one node on 127.0.0.1, data and logs in DIR,
# a small heap (OPENSEARCH_HEAP, default 512m). The transport port (cluster-internal, unused by one
# node) is the first free one of OPENSEARCH_PORT + 100-199, so stacks of different port blocks never
# meet. The disk thresholds are off: a nearly full disk must not block the index under the tests.
# The integration-test distribution has no security plugin: plain HTTP, no credentials.
opensearch_config() { # HOME DIR
  local home=$1 dir=$2
  rm -rf "$dir/config" && mkdir -p "$dir/config/jvm.options.d" "$dir/data" "$dir/logs"
  cp "$home/config/log4j2.properties" "$dir/config/"
  # Its JVM options name files relative to the distribution's directory (the working directory).
  sed -e "s|file=logs/|file=$dir/logs/|; s|ErrorFile=logs/|ErrorFile=$dir/logs/|; s|HeapDumpPath=data|HeapDumpPath=$dir/data|" \
    "$home/config/jvm.options" >"$dir/config/jvm.options"
  printf '%s\n' "-Xms$OS_HEAP" "-Xmx$OS_HEAP" >"$dir/config/jvm.options.d/heap.options"
  # A class data sharing archive, written when the JVM first exits and mapped at every later
  # start (its agent needs AllowArchivingWithJavaAgent): starts about a fifth quicker.
  printf '%s\n' "-XX:+UnlockDiagnosticVMOptions" "-XX:+AllowArchivingWithJavaAgent" \
    "-XX:+AutoCreateSharedArchive" "-XX:SharedArchiveFile=$dir/opensearch.jsa" "-Xlog:cds=off" >"$dir/config/jvm.options.d/cds.options"
  cat >"$dir/config/opensearch.yml" <<EOF
cluster.name: relata-local
node.name: relata-local
discovery.type: single-node
network.host: 127.0.0.1
http.port: $OPENSEARCH_PORT
transport.port: $((OPENSEARCH_PORT + 100))-$((OPENSEARCH_PORT + 199))
path.data: $dir/data
path.logs: $dir/logs
cluster.routing.allocation.disk.threshold_enabled: false
EOF
  [ "$(id -u)" != 0 ] || chown -R "$OS_USER:" "$dir"
}

launch() {
  local name=$1
  case $name in
    postgres)
      local bin data; bin=$("$here/tools.sh" postgres)
      mkdir -p "$RELATA_STATE"
      run_as "$PG_USER" PostgreSQL
      if [ ${#as_user[@]} -gt 0 ] && ! "${as_user[@]}" test -x "$bin/postgres"; then
        die "the user $PG_USER cannot run $bin/postgres (a parent directory closed to other users?)"
      fi
      data=$(user_state_dir "$PG_USER" "$PG_DATA")
      postgres_init "$data" "$bin"
      # The socket lives in the data directory unless its path is too long for a socket (107 bytes).
      local socket_dir="$data"
      [ ${#socket_dir} -le 90 ] || socket_dir=""
      spawn postgres "${as_user[@]}" "$bin/postgres" -D "$data" -p "$POSTGRES_PORT" \
        -c listen_addresses=127.0.0.1 -c unix_socket_directories="$socket_dir" -c max_connections=200
      ;;
    ferretdb)
      local ferretdb; ferretdb=$("$here/tools.sh" ferretdb)
      # It also adds GIN indexes that serve FerretDB's pushed-down filters (deploy/ferretdb/indexes.go);
      # RELATA_GIN_INDEX_INTERVAL=0 turns that off (to measure without them).
      spawn ferretdb "$ferretdb" -listen "127.0.0.1:$FERRETDB_PORT" \
        -postgresql-url "postgres://$PG_SUPERUSER@127.0.0.1:$POSTGRES_PORT/$FERRETDB_DATABASE" \
        -index-interval "${RELATA_GIN_INDEX_INTERVAL:-2s}"
      ;;
    nats)
      "$here/tools.sh" nats
      mkdir -p "$RELATA_STATE/nats"
      spawn nats "$RELATA_BIN/nats-server" -js -a 127.0.0.1 -p "$NATS_PORT" -m "$NATS_MONITOR_PORT" -sd "$RELATA_STATE/nats"
      ;;
    keycloak)
      "$here/tools.sh" keycloak
      local java_home; java_home=$("$here/tools.sh" java)
      [ -f "$REALM_FILE" ] || die "missing realm file $REALM_FILE"
      # Startup on 2 cores: C1 only (the dev realm needs no peak throughput) and a class data
      # sharing archive that the JVM writes at its first exit and maps at every later start
      # (-Xlog:cds=off: its notes about the JDK's base archive are harmless). java.lang is
      # opened for Quarkus' thread-local reset, which fails on Java 24+ otherwise.
      local cds="$RELATA_HOME/cds/keycloak-$KEYCLOAK_VERSION-$(basename "$java_home").jsa"
      mkdir -p "$RELATA_HOME/cds"
      # --db dev-mem: an in-memory H2, so the realm file is imported fresh at every start.
      # The migration properties import exactly this file (--import-realm only reads
      # $KEYCLOAK_HOME/data/import, which is shared by every checkout using the tools cache).
      spawn keycloak env \
        JAVA_HOME="$java_home" \
        JAVA_OPTS_APPEND="${JAVA_OPTS_APPEND:-} --add-opens=java.base/java.lang=ALL-UNNAMED -XX:TieredStopAtLevel=1 -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=$cds -Xlog:cds=off" \
        KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin \
        "$KEYCLOAK_HOME/bin/kc.sh" start-dev \
        --http-host 127.0.0.1 --http-port "$KEYCLOAK_PORT" \
        --hostname "$KEYCLOAK_URL" \
        --http-management-port "$KEYCLOAK_MANAGEMENT_PORT" \
        --db dev-mem \
        -Dkeycloak.migration.action=import \
        -Dkeycloak.migration.provider=singleFile \
        -Dkeycloak.migration.file="$REALM_FILE" \
        -Dkeycloak.migration.strategy=OVERWRITE_EXISTING
      ;;
    opensearch)
      local home java_home dir; home=$("$here/tools.sh" opensearch)
      java_home=$("$here/tools.sh" java)
      mkdir -p "$RELATA_STATE"
      run_as "$OS_USER" OpenSearch
      if [ ${#as_user[@]} -gt 0 ]; then
        local f
        for f in "$home/bin/opensearch" "$java_home/bin/java"; do
          "${as_user[@]}" test -x "$f" || die "the user $OS_USER cannot run $f (a parent directory closed to other users?)"
        done
      fi
      dir=$(user_state_dir "$OS_USER" "$OS_STATE")
      opensearch_config "$home" "$dir"
      spawn opensearch "${as_user[@]}" env OPENSEARCH_JAVA_HOME="$java_home" OPENSEARCH_PATH_CONF="$dir/config" \
        "$home/bin/opensearch"
      ;;
    zipkin)
      "$here/tools.sh" zipkin
      local java_home; java_home=$("$here/tools.sh" java)
      # In-memory storage: spans are gone after `down`, and the oldest traces are dropped beyond
      # ZIPKIN_MAX_SPANS. HTTP on 127.0.0.1 only. C1 only, as for Keycloak: a quicker start.
      spawn zipkin env \
        STORAGE_TYPE=mem MEM_MAX_SPANS="${ZIPKIN_MAX_SPANS:-100000}" QUERY_PORT="$ZIPKIN_PORT" \
        "$java_home/bin/java" -Xms64m -Xmx512m -XX:+ExitOnOutOfMemoryError -XX:TieredStopAtLevel=1 ${ZIPKIN_JAVA_OPTS:-} \
        -jar "$ZIPKIN_JAR" \
        "--armeria.ports[0].ip=127.0.0.1" "--armeria.ports[0].port=$ZIPKIN_PORT" "--armeria.ports[0].protocols[0]=http"
      ;;
    collector)
      "$here/tools.sh" otelcol
      [ -f "$COLLECTOR_CONFIG" ] || die "missing collector configuration $COLLECTOR_CONFIG"
      spawn collector env \
        OTLP_GRPC_PORT="$OTLP_GRPC_PORT" OTLP_HTTP_PORT="$OTLP_HTTP_PORT" \
        COLLECTOR_METRICS_PORT="$COLLECTOR_METRICS_PORT" ZIPKIN_PORT="$ZIPKIN_PORT" \
        "$RELATA_BIN/relata-otelcol" --config "file:$COLLECTOR_CONFIG"
      ;;
    *)
      "$here/tools.sh" node
      local main=${WORKLOAD_MAIN[$name]}
      [ -f "$RELATA_ROOT/$main" ] || die "$main is missing: build first (make build)"
      local env_lines vars
      env_lines=$(app_env "$name") || die "no environment for $name (above)"
      mapfile -t vars <<<"$env_lines"
      (cd "$RELATA_ROOT" && spawn "$name" env "${vars[@]}" node --enable-source-maps "$main")
      ;;
  esac
}

wait_ready() {
  local name=$1 pgid timeout start=$SECONDS
  pgid=$(pid_of "$name")
  timeout=$(timeout_of "$name")
  until ready "$name"; do
    if ! group_alive "$pgid" && ! pid_alive "$pgid"; then
      rm -f "$PIDS/$name.pid"
      log_tail "$name"
      die "$name exited during start (log: $LOGS/$name.log)"
    fi
    if [ $((SECONDS - start)) -ge "$timeout" ]; then
      log_tail "$name"
      stop "$name"
      die "$name was not ready after ${timeout}s (log: $LOGS/$name.log)"
    fi
    sleep 0.2
  done
}

starting="" # the component being started, stopped again if `up` is interrupted
on_interrupt() {
  if [ -n "$starting" ]; then say "interrupted: stopping $starting"; stop "$starting"; fi
  exit 130
}

up() {
  local owned="" names c pgid t0
  while [ $# -gt 0 ]; do
    case $1 in
      --owned-by) owned=${2:?--owned-by needs a file}; shift 2 ;;
      *) break ;;
    esac
  done
  [ $# -gt 0 ] || die "usage: stack.sh up [--owned-by FILE] COMPONENT... (${COMPONENTS[*]} infra observability apps all)"
  names=$(expand "$@")
  [ -z "$owned" ] || { mkdir -p "$(dirname "$owned")"; touch "$owned"; }
  trap on_interrupt INT TERM
  for c in $names; do
    if pgid=$(alive "$c"); then
      if ready "$c"; then say "$c is already running (pid $pgid)"; continue; fi
      say "$c (pid $pgid) is running but not ready yet; waiting for it"
      wait_ready "$c"
      continue
    fi
    rm -f "$PIDS/$c.pid"
    if port_open "$(port_of "$c")"; then
      die "port $(port_of "$c") of $c is taken by a process this stack did not start (stop it, or change the port in deploy/env.sh's variables)"
    fi
    t0=$(date +%s%N)
    starting=$c
    launch "$c"
    # Recorded at once: if the start fails, the cleanup of the caller finds nothing to stop.
    [ -z "$owned" ] || echo "$c" >>"$owned"
    wait_ready "$c"
    starting=""
    say "$c is ready in $(awk -v ns=$(($(date +%s%N) - t0)) 'BEGIN { printf "%.1f", ns / 1e9 }')s (pid $(pid_of "$c"), port $(port_of "$c"), log $LOGS/$c.log)"
  done
  trap - INT TERM
}

# --- stop ---------------------------------------------------------------------------------

# PostgreSQL's children each lead a process group of their own, so it is the postmaster that
# stops them: SIGINT is its fast shutdown (SIGTERM would wait for every client to disconnect).
stop_signal_of() { [ "$1" = postgres ] && echo INT || echo TERM; }

stop() { # SIGTERM (or the component's own signal) to the process group, SIGKILL after 15 s
  local name=$1 pgid i
  pgid=$(pid_of "$name") || return 0
  if ! group_alive "$pgid"; then
    rm -f "$PIDS/$name.pid"
    return 0
  fi
  if ! group_is "$pgid" "$name"; then
    say "$name: pid file names process group $pgid, which is not $name any more; removing the pid file"
    rm -f "$PIDS/$name.pid"
    return 0
  fi
  kill -"$(stop_signal_of "$name")" -- "-$pgid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    group_alive "$pgid" || break
    sleep 0.1
  done
  if group_alive "$pgid"; then
    say "$name did not stop within 15s; killing it"
    # The leader's children that made groups of their own (PostgreSQL's) first, then the group.
    local children; children=$(ps -o pid= --ppid "$pgid" 2>/dev/null | tr '\n' ' ' || true)
    [ -z "${children// /}" ] || kill -KILL $children 2>/dev/null || true
    kill -KILL -- "-$pgid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      group_alive "$pgid" || break
      sleep 0.1
    done
  fi
  group_alive "$pgid" && die "$name (process group $pgid) survived SIGKILL"
  rm -f "$PIDS/$name.pid"
  say "stopped $name"
}

down() {
  local owned="" names c list=()
  while [ $# -gt 0 ]; do
    case $1 in
      --owned-by) owned=${2:?--owned-by needs a file}; shift 2 ;;
      *) break ;;
    esac
  done
  if [ -n "$owned" ]; then
    [ -f "$owned" ] || { say "nothing to stop: $owned does not exist"; return 0; }
    mapfile -t list < <(grep -E '^[a-z][a-z0-9-]*$' "$owned" || true)
    [ $# -eq 0 ] || die "give either --owned-by FILE or component names, not both"
  elif [ $# -gt 0 ]; then
    list=("$@")
  else
    for c in "${COMPONENTS[@]}"; do [ -f "$PIDS/$c.pid" ] && list+=("$c"); done
  fi
  if [ ${#list[@]} -gt 0 ]; then
    names=$(expand "${list[@]}" | tac) # apps before the infrastructure they use
    for c in $names; do stop "$c"; done
  fi
  [ -z "$owned" ] || rm -f "$owned"
}

# --- report -------------------------------------------------------------------------------

status() {
  local c pgid state
  for c in "${COMPONENTS[@]}"; do
    if pgid=$(alive "$c"); then
      if ready "$c"; then state="ready"; else state="not ready"; fi
      printf '%-14s running  pid %-7s port %-6s %s\n' "$c" "$pgid" "$(port_of "$c")" "$state"
    elif port_open "$(port_of "$c")"; then
      printf '%-14s stopped  (port %s is taken by a process this stack did not start)\n' "$c" "$(port_of "$c")"
    else
      printf '%-14s stopped\n' "$c"
    fi
  done
}

banner() {
  local traces="not collected (deploy/stack.sh up observability, then restart the apps)" metrics="" w
  for w in "${WORKLOADS[@]}"; do metrics+="${metrics:+   }$w http://localhost:${WORKLOAD_METRICS_PORT[$w]}/metrics"; done
  if alive zipkin >/dev/null && alive collector >/dev/null; then
    traces="http://localhost:$ZIPKIN_PORT/zipkin/  (Zipkin, fed by the collector: OTLP on $OTLP_GRPC_PORT, $OTLP_HTTP_PORT)"
  fi
  cat <<EOF

Relata is running locally.
  API            http://localhost:$GATEWAY_PORT/v1
  API docs       http://localhost:$GATEWAY_PORT/docs   (OpenAPI 3.1: http://localhost:$GATEWAY_PORT/v1/openapi.json)
  Metrics        $metrics
  Keycloak       $KEYCLOAK_URL/admin/  (console: admin / admin; realm relata)
  FerretDB       mongodb://127.0.0.1:$FERRETDB_PORT       NATS: nats://127.0.0.1:$NATS_PORT
  PostgreSQL     postgres://$PG_SUPERUSER@127.0.0.1:$POSTGRES_PORT/$FERRETDB_DATABASE   (FerretDB's storage)
  OpenSearch     $OPENSEARCH_URL   (no credentials)
  Demo users     <tenant>-<role>, password relata-demo, tenants acme and globex, e.g. acme-sales-rep,
                 acme-sales-rep-2, acme-sales-manager, globex-support-agent; platform-admin (no tenant)
  Partner apps   acme-partner / acme-partner-secret, globex-partner / globex-partner-secret
  A token        curl -s -d grant_type=password -d client_id=relata-cli -d username=acme-sales-rep \\
                   -d password=relata-demo $KEYCLOAK_ISSUER/protocol/openid-connect/token
  Traces         $traces
                 find a request by its trace id or tag relata.request_id: docs/tracing.md
  Logs           $LOGS/      stop: make down      more: docs/local-stack.md

EOF
}

cmd=${1:-}
[ $# -eq 0 ] || shift
case $cmd in
  up | down)
    mkdir -p "$RELATA_STATE"
    # One up or down at a time (the lock is released when this script exits).
    exec 9>"$RELATA_STATE/stack.lock"
    if command -v flock >/dev/null; then flock 9; fi
    "$cmd" "$@"
    ;;
  crash)
    # A crash, not a stop: no shutdown hook runs. Start it again with `up`.
    for c in "$@"; do
      pgid=$(pid_of "$c") || continue
      if group_alive "$pgid" && group_is "$pgid" "$c"; then
        kill -KILL -- "-$pgid" 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do group_alive "$pgid" || break; sleep 0.1; done
      fi
      rm -f "$PIDS/$c.pid"
    done
    ;;
  status) status ;;
  env) app_env "${1:?usage: stack.sh env WORKLOAD (${WORKLOADS[*]})}" ;;
  banner) banner ;;
  *)
    sed -n '2,20s/^# \{0,1\}//p' "$0" >&2
    exit 2
    ;;
esac
