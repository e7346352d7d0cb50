#!/usr/bin/env bash
# CLI start-up benchmark (issue 12, item 4): wall time of one client command, which is one JVM
# start, measured in the same run next to the floor `java -version`:
#   java -version                      the JVM alone (the JDK's default CDS archive)
#   curl                               the same GET /v1/apps as `skiff apps`: the node's share
#   old   bin/skiff as it was: the node's skiff.jar on the class path, no AppCDS archive
#   jar   bin/skiff with the client jar target/skiff-cli.jar, no archive (SKIFF_CLI_CDS=off)
#   new   bin/skiff: the client jar and its AppCDS archive target/skiff-cli.jsa
# each for `skiff version` (no network) and `skiff apps` (one GET /v1/apps against a local node,
# as a registered user). The commands are interleaved round-robin (round i runs each of them
# once), BENCH_RUNS rounds (20); the table gives the median and p90 in ms and the ratio of the
# median to `java -version`'s. One more run of each client under -Xlog:class+load shows how many
# classes it loads, from where, and when (JVM up, picocli's model built, the command's first
# HTTP class, the end).
#
#   bench/cli-bench.sh
#
# Starts its own node (controller role only: API 8400, cluster 25920, management 8958, all on
# 127.0.0.1) on a fresh database skiff_clibench, and stops it on exit (trap). The client's
# settings live in a scratch HOME (HOME, -Duser.home; SKIFF_PROFILE=clibench), never in ~/.skiff.
# What runs is a private copy (bin/skiff, the jars, src/main for its freshness check) in the
# scratch directory, so that a concurrent rebuild of target/ cannot change it mid-run; the copy's
# archive is made by its first run, outside the measurement. Bounded: cut off after
# BENCH_DEADLINE seconds (default 300) after the build.
#
# Knobs (environment): BENCH_RUNS=20 BENCH_API_PORT=8400 BENCH_CLUSTER_PORT=25920
#   BENCH_MANAGEMENT_PORT=8958 BENCH_DB=skiff_clibench BENCH_SKIP_BUILD=1 (use target/ as it is)
#   BENCH_DEADLINE=300 BENCH_OUT=<file> (default bench/results/cli-<UTC time>.txt)
#   BENCH_CLI_JAR=<path>  measure this client jar as "jar"/"new" (a patched build, say) instead of
#                         target/skiff-cli.jar; "old" stays this checkout's skiff.jar
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

RUNS="${BENCH_RUNS:-20}"
API_PORT="${BENCH_API_PORT:-8400}"
CLUSTER_PORT="${BENCH_CLUSTER_PORT:-25920}"
MANAGEMENT_PORT="${BENCH_MANAGEMENT_PORT:-8958}"
DB="${BENCH_DB:-skiff_clibench}"
DEADLINE="${BENCH_DEADLINE:-300}"
STAMP="$(date -u +%Y-%m-%dT%H%MZ)"
OUT="${BENCH_OUT:-$ROOT/bench/results/cli-$STAMP.txt}"

WORK="$(mktemp -d /tmp/skiff-clibench.XXXXXX)"
NODE_PID=""
WATCHDOG_PID=""
T_START=$(date +%s)
log() { printf '[cli-bench %3ds] %s\n' "$(($(date +%s) - T_START))" "$*" >&2; }

cleanup() {
  local rc=$?
  set +e
  [[ -n "$WATCHDOG_PID" ]] && kill "$WATCHDOG_PID" 2>/dev/null
  if [[ -n "$NODE_PID" ]] && kill -0 "$NODE_PID" 2>/dev/null; then
    log "stopping the node (pid $NODE_PID)"
    kill -TERM "$NODE_PID" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$NODE_PID" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$NODE_PID" 2>/dev/null; then
      log "the node did not stop in 20 s; killing it"
      kill -KILL "$NODE_PID" 2>/dev/null
    fi
    wait "$NODE_PID" 2>/dev/null
  fi
  if [[ $rc -ne 0 && -f "$WORK/node.log" ]]; then
    log "failed (exit $rc); the node's last lines:"
    tail -n 30 "$WORK/node.log" >&2
  fi
  if declare -F skiff_pg_stop_if_started >/dev/null; then skiff_pg_stop_if_started; fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$API_PORT" "$CLUSTER_PORT" "$MANAGEMENT_PORT"; do
  if port_busy "$p"; then log "port $p on 127.0.0.1 is already in use; set BENCH_*_PORT"; exit 1; fi
done

# ---- PostgreSQL (bin/lib, as the other benchmarks) ----
# shellcheck source=../bin/lib/postgres.sh
. bin/lib/postgres.sh
skiff_pg_ensure
DB_PASSWORD="$(cat "$(skiff_secrets_dir)/db-password")"

# ---- build, and private copies ----
SOURCE_DESC="working tree at $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
if [[ -n "$(git status --porcelain --untracked-files=no -- src pom.xml bin 2>/dev/null)" ]]; then
  SOURCE_DESC="$SOURCE_DESC with uncommitted changes"
fi
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]] && { [[ ! -f target/skiff-cli.jar ]] || [[ ! -f target/skiff.jar ]] ||
  [[ -n "$(find src/main pom.xml -newer target/skiff-cli.jar -print -quit)" ]]; }; then
  log "building target/skiff.jar and target/skiff-cli.jar: $SOURCE_DESC"
  timeout 900 mvn -q -o -B -DskipTests package >&2
fi
for j in skiff.jar skiff-cli.jar; do [[ -f "target/$j" ]] || { log "target/$j is missing"; exit 1; }; done
# new: this checkout's bin/skiff in a tree of its own (its freshness check looks at src/main and
# pom.xml, copied first, then the jar, so that the jar is the newest)
mkdir -p "$WORK/new/bin" "$WORK/new/target" "$WORK/new/src"
cp bin/skiff "$WORK/new/bin/skiff"
cp -r src/main "$WORK/new/src/main"
cp pom.xml "$WORK/new/pom.xml"
sleep 0.1
cp "${BENCH_CLI_JAR:-target/skiff-cli.jar}" "$WORK/new/target/skiff-cli.jar"
[[ -n "${BENCH_CLI_JAR:-}" ]] && SOURCE_DESC="$SOURCE_DESC; new client jar: $BENCH_CLI_JAR"
# old: bin/skiff before the client jar (commit 45f6e6b), verbatim but for the jar's path
mkdir -p "$WORK/old/bin" "$WORK/old/target" "$WORK/old/src"
cp -r src/main "$WORK/old/src/main"
cp pom.xml "$WORK/old/pom.xml"
sleep 0.1
cp target/skiff.jar "$WORK/old/target/skiff.jar"
cp target/skiff.jar "$WORK/node.jar"
cat >"$WORK/old/bin/skiff" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
jar="$here/target/skiff.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$here/src/main" "$here/pom.xml" -newer "$jar" -print -quit)" ]; then
  echo "skiff: building $jar" >&2
  (cd "$here" && mvn -q -B package -DskipTests) >&2
fi
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k -Xmx128m -Xshare:auto ${SKIFF_CLI_JAVA_OPTS:-} \
  -cp "$jar" io.skiff.cli.Main "$@"
EOF
chmod +x "$WORK/old/bin/skiff" "$WORK/new/bin/skiff"

# From here on the run is bounded.
(
  sleep "$DEADLINE" &
  trap 'kill $! 2>/dev/null; exit 0' TERM
  wait $!
  log "deadline of $DEADLINE s reached; stopping"
  kill -TERM $$
) &
WATCHDOG_PID=$!

# ---- the node: controller role only (as bench/run.sh) ----
log "creating a fresh database $DB"
su postgres -c "dropdb --if-exists $DB" && su postgres -c "createdb -O skiff $DB"
cat >"$WORK/node.conf" <<EOF
include classpath("application.conf")
akka.cluster.seed-nodes = ["akka://skiff@127.0.0.1:$CLUSTER_PORT"]
EOF
. bin/lib/tls.sh
skiff_tls_ensure "$WORK/tls" >/dev/null
mkdir -p "$WORK/data"
log "starting a node on 127.0.0.1:$API_PORT (cluster $CLUSTER_PORT, management $MANAGEMENT_PORT)"
(
  unset SKIFF_SEED_NODES
  export SKIFF_DB_URL="jdbc:postgresql://127.0.0.1:5432/$DB" SKIFF_DB_USER=skiff SKIFF_DB_PASSWORD="$DB_PASSWORD"
  export SKIFF_API_HOST=127.0.0.1 SKIFF_API_PORT="$API_PORT"
  export SKIFF_CLUSTER_HOST=127.0.0.1 SKIFF_CLUSTER_PORT="$CLUSTER_PORT"
  export SKIFF_MANAGEMENT_HOST=127.0.0.1 SKIFF_MANAGEMENT_PORT="$MANAGEMENT_PORT"
  export SKIFF_ROLES=controller SKIFF_REGISTRY_MANAGED=off SKIFF_DATA_DIR="$WORK/data"
  export SKIFF_CLUSTER_TLS_DIR="$WORK/tls"
  exec java -Xms256m -Xmx512m -Dconfig.file="$WORK/node.conf" -jar "$WORK/node.jar" >"$WORK/node.log" 2>&1 </dev/null
) &
NODE_PID=$!
for _ in $(seq 1 180); do
  kill -0 "$NODE_PID" 2>/dev/null || { log "the node exited during start"; exit 1; }
  curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$MANAGEMENT_PORT/ready" 2>/dev/null &&
    curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$API_PORT/healthz" 2>/dev/null && break
  sleep 0.5
done
curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$API_PORT/healthz" || { log "the node is not ready after 90 s"; exit 1; }

# ---- the client's login, in a scratch HOME ----
mkdir -p "$WORK/home"
export HOME="$WORK/home" SKIFF_PROFILE=clibench SKIFF_CLI_JAVA_OPTS="-Duser.home=$WORK/home"
unset SKIFF_CLI_CLASSPATH SKIFF_CLI_CDS
NEW="$WORK/new/bin/skiff" OLD="$WORK/old/bin/skiff"
log "registering a user and creating 3 apps (bin/skiff); the new client's first run makes its archive"
"$NEW" register "http://127.0.0.1:$API_PORT" --username clibench --email clibench@example.com --password clibench-pw >/dev/null
for a in one two three; do "$NEW" apps:create "clibench-$a" --no-remote >/dev/null; done
[[ -f "$WORK/new/target/skiff-cli.jsa" ]] || { log "the new client made no archive"; exit 1; }
for c in "$NEW" "$OLD"; do
  [[ "$("$c" version)" == skiff* ]] || { log "$c version failed"; exit 1; }
  [[ "$("$c" apps)" == *clibench-two* ]] || { log "$c apps failed"; exit 1; }
done

# ---- measurement ----
TOKEN=$(sed -n 's/.*"token" *: *"\([^"]*\)".*/\1/p' "$WORK/home/.skiff/clibench.json")
[[ -n "$TOKEN" ]] || { log "no token in the client's settings"; exit 1; }
names=(java-version curl-apps old-version jar-version new-version old-apps jar-apps new-apps)
run_one() { # name → the command, output to /dev/null
  case "$1" in
    java-version) java -version ;;
    curl-apps) curl -fsS -H "Authorization: token $TOKEN" "http://127.0.0.1:$API_PORT/v1/apps?limit=1000" ;;
    old-version) "$OLD" version ;;
    jar-version) SKIFF_CLI_CDS=off "$NEW" version ;;
    new-version) "$NEW" version ;;
    old-apps) "$OLD" apps ;;
    jar-apps) SKIFF_CLI_CDS=off "$NEW" apps ;;
    new-apps) "$NEW" apps ;;
  esac
}
declare -A times
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
log "measuring: $RUNS rounds of ${#names[@]} commands"
for n in "${names[@]}"; do run_one "$n" >/dev/null 2>&1; done # one warm-up round (page cache)
for ((r = 1; r <= RUNS; r++)); do
  for n in "${names[@]}"; do
    s=${EPOCHREALTIME/./}
    run_one "$n" >/dev/null 2>&1 || { log "$n failed in round $r"; exit 1; }
    e=${EPOCHREALTIME/./}
    times[$n]+="$(((e - s) / 1000)) "
  done
done
pct() { # p values… → the p-th percentile (nearest rank)
  local p=$1; shift
  printf '%s\n' "$@" | sort -n | awk -v p="$p" '{a[NR]=$1} END {i=int((p*NR+99)/100); if (i<1) i=1; print a[i]}'
}
# shellcheck disable=SC2086
JV=$(pct 50 ${times[java-version]})

# ---- where the time goes: one run of each under -Xlog:class+load ----
classes() { # name command… → one line: counts by source and time stamps (ms since JVM start)
  local name=$1 f="$WORK/classes-$1.txt"; shift
  SKIFF_CLI_JAVA_OPTS="-Duser.home=$WORK/home -Xlog:class+load:file=$f:uptime" "$@" >/dev/null 2>&1
  awk -v name="$name" '
    function ms(s) { gsub(/[\[\]s]/, "", s); return int(s * 1000 + 0.5) }
    { n++; last = ms($1) }
    /shared objects file \(top\)/ { top++ }
    /shared objects file$/ { base++ }
    / io\.skiff\.cli\.Main / && !main { main = ms($1) }
    / picocli\.CommandLine\$ParseResult / && !parse { parse = ms($1) }
    / (java\.net\.http|jdk\.internal\.net\.http|sun\.net\.www\.protocol\.http)\./ && !http { http = ms($1) }
    / org\.eclipse\.jgit\./ { jgit++ }
    / com\.fasterxml\.jackson\./ { jackson++ }
    END { printf "%-12s %5d classes: %4d JDK archive, %4d AppCDS archive, %4d parsed from the jar or JDK; jackson %d, jgit %d | ms: main %d, model built %d, first HTTP class %s, last class %d\n",
          name, n, base, top, n - base - top, jackson, jgit, main, parse, (http ? http : "-"), last }' "$f"
}
CLASSES="$(classes old-version "$OLD" version; classes new-version "$NEW" version
  classes old-apps "$OLD" apps; classes new-apps "$NEW" apps)"

# ---- report ----
{
  echo "# CLI start-up — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $SOURCE_DESC"
  echo "# $(java -version 2>&1 | sed -n 2p); $RUNS interleaved rounds; load average before: $LOAD_BEFORE"
  echo
  echo "| command | median ms | p90 ms | median / java -version |"
  echo "|---|---:|---:|---:|"
  for n in "${names[@]}"; do
    # shellcheck disable=SC2086
    m=$(pct 50 ${times[$n]}) p=$(pct 90 ${times[$n]})
    case "$n" in
      java-version) label='`java -version`' ;;
      curl-apps) label='`curl` GET /v1/apps (the node alone)' ;;
      old-*) label="\`skiff ${n#old-}\`, old: node's skiff.jar, no AppCDS" ;;
      jar-*) label="\`skiff ${n#jar-}\`, client jar, no AppCDS" ;;
      new-*) label="\`skiff ${n#new-}\`, client jar + AppCDS (new bin/skiff)" ;;
    esac
    echo "| $label | $m | $p | $(awk -v a="$m" -v b="$JV" 'BEGIN {printf "%.1f×", a / b}') |"
  done
  echo
  # shellcheck disable=SC2086
  echo "Goal: \`skiff apps\` <= 3× \`java -version\`: new $(awk -v a="$(pct 50 ${times[new-apps]})" -v b="$JV" 'BEGIN {printf "%.1f×", a / b}');" \
    "old → new: version $(awk -v a="$(pct 50 ${times[old-version]})" -v b="$(pct 50 ${times[new-version]})" 'BEGIN {printf "%.2f×", a / b}')" \
    "faster, apps $(awk -v a="$(pct 50 ${times[old-apps]})" -v b="$(pct 50 ${times[new-apps]})" 'BEGIN {printf "%.2f×", a / b}') faster."
  echo
  echo "Classes (one run each, -Xlog:class+load):"
  echo "$CLASSES"
  echo
  echo "Raw ms:"
  for n in "${names[@]}"; do echo "  $n: ${times[$n]}"; done
  echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT"
log "written to $OUT"
