#!/usr/bin/env bash
# Skiff benchmark: builds, starts a Skiff node on a fresh database and the ceiling server, drives
# both with the same load driver, prints a table and writes bench/results/latest.md.
# Everything this script starts is stopped on exit. Traffic goes to 127.0.0.1 only.
#
# Tuning (environment):
#   BENCH_CONNECTIONS=16 BENCH_WARMUP=5 BENCH_SECONDS=10 BENCH_MAX_REQUESTS=1000000 BENCH_APPS=16
#   BENCH_PREWARM=20     seconds of unrecorded load per scenario and server before measuring
#   BENCH_API_PORT=8100 BENCH_CEILING_PORT=8101 BENCH_CLUSTER_PORT=25620 BENCH_MANAGEMENT_PORT=8658
#   BENCH_DB=skiff_bench  BENCH_DB_HOST=127.0.0.1 BENCH_DB_PORT=5432 BENCH_DB_USER=skiff BENCH_DB_PASSWORD=<the setup's /etc/skiff/db-password>
#   BENCH_SERVER_JVM_OPTS="-Xms1g -Xmx1g"   (both servers get the same options)
#   BENCH_REF=HEAD       build that commit in a scratch directory instead of the working tree
#   BENCH_BENCH_FROM=<ref>|worktree   with BENCH_REF: take src/test/java/io/skiff/bench from that
#                        commit (or this working tree) instead, e.g. new bench code on an old commit
#   BENCH_SKIP_BUILD=1   reuse target/skiff.jar and target/test-classes as they are
#   BENCH_SCENARIOS=standard|issue8   standard: the six API scenarios (default); issue8: the GET
#                        ratio, writes at v10 vs v10,000, 10,000 apps, recovery (restarts the node)
#   issue8 knobs: BENCH_HISTORY_VERSIONS=10000 BENCH_HISTORY_PUSH_SECONDS=300 BENCH_HISTORY_REQUESTS=1000
#                 BENCH_HISTORY_ROUNDS=3 BENCH_MANY_APPS=10000 BENCH_PASSIVATION_WAIT=200 (s; 0 skips)
#                 BENCH_RECOVERY_SAMPLES=5
#   BENCH_TIMEOUT=2400   seconds after which the scenario run is cut off
#   BENCH_OUT=bench/results/latest.md (issue8: bench/results/issue8-latest.md)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

API_PORT="${BENCH_API_PORT:-8100}"
CEILING_PORT="${BENCH_CEILING_PORT:-8101}"
CLUSTER_PORT="${BENCH_CLUSTER_PORT:-25620}"
MANAGEMENT_PORT="${BENCH_MANAGEMENT_PORT:-8658}"
DB="${BENCH_DB:-skiff_bench}"
DB_HOST="${BENCH_DB_HOST:-127.0.0.1}"
DB_PORT="${BENCH_DB_PORT:-5432}"
DB_USER="${BENCH_DB_USER:-skiff}"
DB_PASSWORD="${BENCH_DB_PASSWORD:-$(cat "${SKIFF_SECRETS_DIR:-/etc/skiff}/db-password" 2>/dev/null || echo skiff)}"
SERVER_JVM_OPTS="${BENCH_SERVER_JVM_OPTS:--Xms1g -Xmx1g}"
SCENARIOS="${BENCH_SCENARIOS:-standard}"
case "$SCENARIOS" in
  standard) OUT="${BENCH_OUT:-$ROOT/bench/results/latest.md}" ;;
  issue8) OUT="${BENCH_OUT:-$ROOT/bench/results/issue8-latest.md}" ;;
  *) echo "BENCH_SCENARIOS must be standard or issue8" >&2; exit 2 ;;
esac

WORK="$(mktemp -d /tmp/skiff-bench.XXXXXX)"
STARTED_PIDS=()

log() { printf '[bench] %s\n' "$*" >&2; }

stop_pid() {
  local pid="$1" name="$2"
  kill -0 "$pid" 2>/dev/null || return 0
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name did not stop in 20 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  set +e
  # A node the benchmark restarted itself (issue8 recovery) has a new pid, kept in skiff.pid.
  if [[ -f "$WORK/skiff.pid" ]]; then
    local npid
    npid="$(cat "$WORK/skiff.pid")"
    if [[ -n "$npid" ]] && grep -qa "$WORK/node.jar" "/proc/$npid/cmdline" 2>/dev/null; then
      stop_pid "$npid" "skiff (restarted)"
    fi
  fi
  for ((i = ${#STARTED_PIDS[@]} - 1; i >= 0; i--)); do
    stop_pid "${STARTED_PIDS[$i]%%:*}" "${STARTED_PIDS[$i]#*:}"
  done
  if [[ $rc -ne 0 && -d "$WORK" ]]; then
    log "failed (exit $rc); last lines of the server logs:"
    for f in "$WORK"/*.log; do [[ -f "$f" ]] && { echo "--- $f" >&2; tail -n 30 "$f" >&2; }; done
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

for p in "$API_PORT" "$CEILING_PORT" "$CLUSTER_PORT" "$MANAGEMENT_PORT"; do
  if port_busy "$p"; then log "port $p on 127.0.0.1 is already in use; set BENCH_*_PORT"; exit 1; fi
done

# ---- build ----
# By default the working tree is built (in place, as `mvn package` would). With BENCH_REF set
# (e.g. BENCH_REF=HEAD) that commit is exported to a scratch directory and built there, which
# leaves this tree's target/ alone and ignores uncommitted edits.
SRC="$ROOT"
if [[ -n "${BENCH_REF:-}" ]]; then
  SRC="$WORK/src"
  mkdir -p "$SRC"
  git -C "$ROOT" archive --format=tar "$BENCH_REF" | tar -x -C "$SRC"
  SOURCE_DESC="commit $(git -C "$ROOT" rev-parse --short "$BENCH_REF") (exported and built in a scratch directory)"
  if [[ -n "${BENCH_BENCH_FROM:-}" ]]; then
    # The product code of BENCH_REF with the benchmark code of another commit (or this tree).
    rm -rf "$SRC/src/test/java/io/skiff/bench"
    if [[ "$BENCH_BENCH_FROM" == worktree ]]; then
      mkdir -p "$SRC/src/test/java/io/skiff"
      cp -r "$ROOT/src/test/java/io/skiff/bench" "$SRC/src/test/java/io/skiff/"
      SOURCE_DESC="$SOURCE_DESC, with the bench code of the working tree"
    else
      git -C "$ROOT" archive --format=tar "$BENCH_BENCH_FROM" src/test/java/io/skiff/bench | tar -x -C "$SRC"
      SOURCE_DESC="$SOURCE_DESC, with the bench code of commit $(git -C "$ROOT" rev-parse --short "$BENCH_BENCH_FROM")"
    fi
  fi
else
  SOURCE_DESC="working tree at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
  if [[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
    SOURCE_DESC="$SOURCE_DESC with uncommitted changes"
  fi
fi
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 || -n "${BENCH_REF:-}" ]]; then
  log "building skiff.jar and the test classes: $SOURCE_DESC"
  (cd "$SRC" && mvn -q -B package -DskipTests && mvn -q -B test-compile)
fi
log "resolving the test classpath"
(cd "$SRC" && mvn -q -B dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test >/dev/null)
[[ -f "$SRC/target/skiff.jar" ]] || { log "$SRC/target/skiff.jar is missing"; exit 1; }
[[ -d "$SRC/target/test-classes/io/skiff/bench" ]] || { log "$SRC/target/test-classes/io/skiff/bench is missing"; exit 1; }
# Private copies: a concurrent `mvn clean`/rebuild in this tree must not change what is running.
# (Neutral file names, so that nobody's `pkill -f skiff.jar` elsewhere on the machine hits them.)
cp "$SRC/target/skiff.jar" "$WORK/node.jar"
mkdir -p "$WORK/classes/io/skiff"
cp -r "$SRC/target/test-classes/io/skiff/bench" "$WORK/classes/io/skiff/"
BENCH_CP="$WORK/classes:$(cat "$WORK/cp.txt")"

# ---- database ----
if ! pg_isready -h "$DB_HOST" -p "$DB_PORT" -q 2>/dev/null; then
  log "PostgreSQL is not answering on $DB_HOST:$DB_PORT; trying pg_ctlcluster 15 main start"
  pg_ctlcluster 15 main start || true
  sleep 2
fi
log "creating a fresh database $DB"
export PGPASSWORD="$DB_PASSWORD"
if ! { psql -q -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d postgres -v ON_ERROR_STOP=1 \
         -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB OWNER $DB_USER" >/dev/null; }; then
  log "$DB_USER cannot create databases; using the postgres account"
  su postgres -c "dropdb --if-exists $DB && createdb -O $DB_USER $DB"
fi
unset PGPASSWORD
DB_URL="jdbc:postgresql://$DB_HOST:$DB_PORT/$DB"

# ---- servers ----
# The seed list must name this node's own cluster port. It is set in a config file rather than
# through SKIFF_SEED_NODES: an environment variable substituted into HOCON is a string, and a
# cluster.conf with `seed-nodes = ${?SKIFF_SEED_NODES}` then fails Akka's "expecting: list" check.
cat >"$WORK/node.conf" <<EOF
include classpath("application.conf")
akka.cluster.seed-nodes = ["akka://skiff@127.0.0.1:$CLUSTER_PORT"]
EOF
unset SKIFF_SEED_NODES
# Only the controller role: the API and its entities. No builder (SSH on 2222), no managed
# registry (5000), nothing written under /var/lib/skiff; none of them is on the measured paths
# (the bench apps have no build, so a config change publishes no image).
mkdir -p "$WORK/data"
# Remoting over TLS (issue 10): this run's own throwaway cluster CA and node certificate.
. bin/lib/tls.sh
skiff_tls_ensure "$WORK/tls"
# A start script, so that the issue8 recovery phase can restart the node the same way (it execs
# the JVM: the script's pid is the node's; restarts append to the same log).
cat >"$WORK/start-skiff.sh" <<EOF
#!/usr/bin/env bash
export SKIFF_DB_URL='$DB_URL' SKIFF_DB_USER='$DB_USER' SKIFF_DB_PASSWORD='$DB_PASSWORD'
export SKIFF_API_HOST=127.0.0.1 SKIFF_API_PORT='$API_PORT'
export SKIFF_CLUSTER_HOST=127.0.0.1 SKIFF_CLUSTER_PORT='$CLUSTER_PORT'
export SKIFF_MANAGEMENT_HOST=127.0.0.1 SKIFF_MANAGEMENT_PORT='$MANAGEMENT_PORT'
export SKIFF_ROLES=controller SKIFF_REGISTRY_MANAGED=off SKIFF_DATA_DIR='$WORK/data'
export SKIFF_CLUSTER_TLS_DIR='$WORK/tls'
unset SKIFF_SEED_NODES
exec java $SERVER_JVM_OPTS -Dconfig.file='$WORK/node.conf' -jar '$WORK/node.jar' >>'$WORK/skiff.log' 2>&1 </dev/null
EOF
chmod +x "$WORK/start-skiff.sh"
log "starting Skiff on 127.0.0.1:$API_PORT (cluster $CLUSTER_PORT, management $MANAGEMENT_PORT)"
"$WORK/start-skiff.sh" &
SKIFF_PID=$!
echo "$SKIFF_PID" >"$WORK/skiff.pid"
STARTED_PIDS+=("$SKIFF_PID:skiff")

log "starting the ceiling server on 127.0.0.1:$CEILING_PORT"
# shellcheck disable=SC2086
java $SERVER_JVM_OPTS -cp "$BENCH_CP" io.skiff.bench.CeilingServer "$CEILING_PORT" >"$WORK/ceiling.log" 2>&1 &
CEILING_PID=$!
STARTED_PIDS+=("$CEILING_PID:ceiling")

wait_for() {
  local url="$1" pid="$2" name="$3"
  for _ in $(seq 1 180); do
    kill -0 "$pid" 2>/dev/null || { log "$name exited during start"; return 1; }
    curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null && return 0
    sleep 0.5
  done
  log "$name not ready after 90 s ($url)"
  return 1
}
wait_for "http://127.0.0.1:$MANAGEMENT_PORT/ready" "$SKIFF_PID" skiff
wait_for "http://127.0.0.1:$API_PORT/healthz" "$SKIFF_PID" skiff
wait_for "http://127.0.0.1:$CEILING_PORT/" "$CEILING_PID" ceiling
log "both servers are up"

# ---- scenarios ----
# shellcheck disable=SC2086
timeout --foreground "${BENCH_TIMEOUT:-2400}" java -Xms256m -Xmx1g \
  -Dbench.connections="${BENCH_CONNECTIONS:-16}" -Dbench.warmup="${BENCH_WARMUP:-5}" \
  -Dbench.seconds="${BENCH_SECONDS:-10}" -Dbench.maxRequests="${BENCH_MAX_REQUESTS:-1000000}" \
  -Dbench.apps="${BENCH_APPS:-16}" -Dbench.prewarm="${BENCH_PREWARM:-20}" \
  -Dbench.serverJvmOpts="$SERVER_JVM_OPTS" -Dbench.source="$SOURCE_DESC" \
  -Dbench.dbUser="$DB_USER" -Dbench.dbPassword="$DB_PASSWORD" -Dbench.scenarios="$SCENARIOS" \
  -Dbench.historyVersions="${BENCH_HISTORY_VERSIONS:-10000}" -Dbench.historyPushSeconds="${BENCH_HISTORY_PUSH_SECONDS:-300}" \
  -Dbench.historyRequests="${BENCH_HISTORY_REQUESTS:-1000}" -Dbench.historyRounds="${BENCH_HISTORY_ROUNDS:-3}" \
  -Dbench.manyApps="${BENCH_MANY_APPS:-10000}" -Dbench.passivationWait="${BENCH_PASSIVATION_WAIT:-200}" \
  -Dbench.recoverySamples="${BENCH_RECOVERY_SAMPLES:-5}" \
  -cp "$BENCH_CP" io.skiff.bench.BenchRun \
  --skiff-port "$API_PORT" --ceiling-port "$CEILING_PORT" --management-port "$MANAGEMENT_PORT" \
  --skiff-pid "$SKIFF_PID" --ceiling-pid "$CEILING_PID" \
  --skiff-start "$WORK/start-skiff.sh" --skiff-pid-file "$WORK/skiff.pid" \
  --db-url "$DB_URL" --out "$OUT"

# Keep Skiff's warnings and errors next to the results (the full log goes with $WORK).
WARN_FILE="${OUT%.md}-skiff-warnings.txt"
grep -E ' (WARN|ERROR) ' "$WORK/skiff.log" >"$WARN_FILE" || true
log "Skiff log: $(grep -c ' WARN ' "$WARN_FILE" || true) warnings, $(grep -c ' ERROR ' "$WARN_FILE" || true) errors (see $WARN_FILE)"
