#!/usr/bin/env bash
# Logger benchmark: stored syslog ingest of Skiff's logger against rsyslog, same frames, same
# machine, same run (io.skiff.bench.LoggerStoreBench; method in bench/README.md):
#   Skiff: SyslogServer → StoreSink → LogWriter → SegmentLogStore in the driver JVM (local actor
#          provider), caps 10M lines / 4 GiB per app; default caps (retention runs); no fsync;
#          and the listener into a counting sink (no store) as an upper bound
#   rsyslog: its own rsyslogd (imtcp on 127.0.0.1 → omfile, asyncWriting off; a second input
#          with asyncWriting on), started and stopped by this script
# Prints one table and writes it with the per-round log to bench/results/logger-<UTC time>.txt.
#
#   bench/logger-bench.sh
#
# Knobs (environment): BENCH_CONNECTIONS=2 BENCH_LINES=1000000 (per connection, a multiple of
#   10,000) BENCH_ROUNDS=5 BENCH_WARMUP_ROUNDS=2 BENCH_RSYSLOG_PORT=10514 (and +1 for the asyncWriting input)
#   BENCH_JVM_OPTS="-Xms1g -Xmx1g" BENCH_SKIP_BUILD=1 (use target/ as it is) BENCH_OUT=<file>
#   BENCH_DEADLINE=240 (seconds after the build after which the measurement is cut off)
# Everything it starts is stopped on exit (trap), the scratch directory removed. Loopback only;
# the Debian rsyslog service is not touched (own config, pid file and work directory).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=../bin/lib/rsyslog.sh
. "$ROOT/bin/lib/rsyslog.sh"

CONNECTIONS="${BENCH_CONNECTIONS:-2}"
LINES="${BENCH_LINES:-1000000}"
ROUNDS="${BENCH_ROUNDS:-5}"
WARMUP_ROUNDS="${BENCH_WARMUP_ROUNDS:-2}"
RSYSLOG_PORT="${BENCH_RSYSLOG_PORT:-10514}"
RSYSLOG_ASYNC_PORT=$((RSYSLOG_PORT + 1))
JVM_OPTS="${BENCH_JVM_OPTS:--Xms1g -Xmx1g}"
DEADLINE="${BENCH_DEADLINE:-240}"
STAMP="$(date -u +%Y-%m-%dT%H%MZ)"
OUT="${BENCH_OUT:-$ROOT/bench/results/logger-$STAMP.txt}"

WORK="$(mktemp -d /tmp/skiff-loggerbench.XXXXXX)"
RSYSLOG_PID=""
DRIVER_PID=""
TAIL_PID=""
T_START=$(date +%s)
log() { printf '[logger-bench %3ds] %s\n' "$(($(date +%s) - T_START))" "$*" >&2; }

cleanup() {
  local rc=$?
  set +e
  if [[ -n "$DRIVER_PID" ]] && kill -0 "$DRIVER_PID" 2>/dev/null; then
    log "stopping the driver (pid $DRIVER_PID)"
    kill -TERM "$DRIVER_PID"
    wait "$DRIVER_PID" 2>/dev/null
  fi
  [[ -n "$TAIL_PID" ]] && kill "$TAIL_PID" 2>/dev/null
  if [[ -n "$RSYSLOG_PID" ]] && kill -0 "$RSYSLOG_PID" 2>/dev/null; then
    log "stopping rsyslogd (pid $RSYSLOG_PID)"
    kill -TERM "$RSYSLOG_PID"
    for _ in $(seq 1 50); do kill -0 "$RSYSLOG_PID" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$RSYSLOG_PID" 2>/dev/null && kill -KILL "$RSYSLOG_PID"
    wait "$RSYSLOG_PID" 2>/dev/null
  fi
  if [[ $rc -ne 0 && -f "$WORK/rsyslog/out.log" ]]; then
    log "failed (exit $rc); rsyslogd's output:"
    tail -n 20 "$WORK/rsyslog/out.log" >&2
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$RSYSLOG_PORT" "$RSYSLOG_ASYNC_PORT"; do
  if port_busy "$p"; then log "port $p on 127.0.0.1 is already in use; set BENCH_RSYSLOG_PORT"; exit 1; fi
done
skiff_rsyslog_ensure

# ---- build ----
SOURCE_DESC="working tree at $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
if [[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
  SOURCE_DESC="$SOURCE_DESC with uncommitted changes"
fi
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  log "building the classes and test classes (mvn test-compile)"
  mvn -q -B test-compile
fi
log "resolving the test classpath"
mvn -q -B dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test >/dev/null
[[ -f target/test-classes/io/skiff/bench/LoggerStoreBench.class ]] || { log "LoggerStoreBench is not compiled"; exit 1; }
# Private copies: a concurrent rebuild of target/ must not change what runs.
cp -r target/classes "$WORK/classes"
cp -r target/test-classes "$WORK/test-classes"
CP="$WORK/classes:$WORK/test-classes:$(cat "$WORK/cp.txt")"

# ---- rsyslogd ----
mkdir -p "$WORK/rsyslog" "$WORK/skiff"
cat >"$WORK/rsyslog/rsyslog.conf" <<EOF
global(workDirectory="$WORK/rsyslog")
module(load="imtcp")
template(name="bench" type="string" string="%timereported:::date-rfc3339% %app-name% %procid% %msg%\n")
input(type="imtcp" address="127.0.0.1" port="$RSYSLOG_PORT" ruleset="sync")
input(type="imtcp" address="127.0.0.1" port="$RSYSLOG_ASYNC_PORT" ruleset="async")
ruleset(name="sync") { action(type="omfile" file="$WORK/rsyslog/sync.log" template="bench" asyncWriting="off") }
ruleset(name="async") { action(type="omfile" file="$WORK/rsyslog/async.log" template="bench" asyncWriting="on") }
EOF
log "starting rsyslogd $(rsyslogd -v | head -1 | awk '{print $2}') on 127.0.0.1:$RSYSLOG_PORT and :$RSYSLOG_ASYNC_PORT"
rsyslogd -n -f "$WORK/rsyslog/rsyslog.conf" -i "$WORK/rsyslog/rsyslogd.pid" >"$WORK/rsyslog/out.log" 2>&1 &
RSYSLOG_PID=$!
for _ in $(seq 1 100); do
  kill -0 "$RSYSLOG_PID" 2>/dev/null || { log "rsyslogd exited during start"; exit 1; }
  port_busy "$RSYSLOG_PORT" && port_busy "$RSYSLOG_ASYNC_PORT" && break
  sleep 0.1
done
port_busy "$RSYSLOG_PORT" || { log "rsyslogd does not listen on $RSYSLOG_PORT"; exit 1; }

# ---- measurement ----
log "running LoggerStoreBench: $CONNECTIONS connections x $LINES lines, $WARMUP_ROUNDS warm-up rounds, $ROUNDS rounds"
# In the background, so that a signal to this script reaches the trap (and stops the driver) at once.
# shellcheck disable=SC2086
timeout "$DEADLINE" java $JVM_OPTS -cp "$CP" io.skiff.bench.LoggerStoreBench \
  --dir "$WORK/skiff" --connections "$CONNECTIONS" --lines "$LINES" --rounds "$ROUNDS" --warmup "$WARMUP_ROUNDS" \
  --rsyslog "rsyslog imtcp → omfile (asyncWriting off)=$RSYSLOG_PID:$RSYSLOG_PORT:$WORK/rsyslog/sync.log" \
  --rsyslog "rsyslog imtcp → omfile (asyncWriting on)=$RSYSLOG_PID:$RSYSLOG_ASYNC_PORT:$WORK/rsyslog/async.log" \
  --table "$WORK/table.md" >"$WORK/rounds.log" 2>&1 &
DRIVER_PID=$!
tail -n +1 --pid="$DRIVER_PID" -f "$WORK/rounds.log" >&2 2>/dev/null &
TAIL_PID=$!
if ! wait "$DRIVER_PID"; then log "the driver failed or ran out of time (${DEADLINE} s)"; exit 1; fi
DRIVER_PID=""

{
  echo "# bench/logger-bench.sh, $SOURCE_DESC, $(nproc) cores, rsyslogd $(rsyslogd -v | head -1 | awk '{print $2}')"
  echo
  cat "$WORK/table.md"
  echo
  echo "Per round:"
  grep -E '^\[logger-bench\] (warm-up|round)' "$WORK/rounds.log" || true
} >"$OUT"
cat "$WORK/table.md"
log "written to $OUT"
