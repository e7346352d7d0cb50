#!/usr/bin/env bash
# Router benchmark (issue 4, item 7): one container, measured in the same run
#   (a) directly            127.0.0.1:<container port>
#   (b) through a hand-written minimal nginx reverse proxy (tuned: upstream keepalive 32,
#       proxy_http_version 1.1, Connection "", access_log off, worker_processes auto)
#   (c) through the Skiff router (127.0.0.1:<router port>, Host <app>.skiff.local)
# with wrk (requests/s, p50, p99; the three targets interleaved, each repeated, medians), then
# release-to-serving: N config changes, each timed from the POST being sent to the first request
# through the router that serves the new value (polled every 20 ms), and the POST's own duration.
#
#   bench/router-bench.sh
#   BENCH_REF=HEAD bench/router-bench.sh     build that commit in a scratch directory
#   BENCH_APP=nginx bench/router-bench.sh    the app serves its page with nginx (keep-alive) instead
#                                            of busybox httpd (one connection per request)
#
# Starts its own node (controller, runtime, router and logger roles: the access lines are stored
# as in production; node name bench-node, containers on
# 34000-34099) on a fresh database skiff_routerbench, plus the hand nginx, all on 127.0.0.1, and
# stops everything it started on exit (the app is deleted, containers labelled
# skiff.node=bench-node removed). Bounded: the run after the build is cut off after
# BENCH_DEADLINE seconds (default 290). Raw output: bench/results/router-<UTC date>.txt.
#
# Knobs (environment): BENCH_ROUNDS=3 (each target measured this many times, interleaved),
#   BENCH_SECONDS=15 BENCH_THREADS=2 BENCH_CONNECTIONS=16 BENCH_WARMUP=3 (seconds per target, not
#   recorded) BENCH_RELEASES=5 BENCH_APP=busybox|nginx BENCH_DB=skiff_routerbench
#   BENCH_API_PORT=8300 BENCH_CLUSTER_PORT=25820 BENCH_MANAGEMENT_PORT=8858 BENCH_SSH_PORT=2422
#   BENCH_ROUTER_PORT=8380 BENCH_ROUTER_HTTPS_PORT=8743 BENCH_NGINX_PORT=8381
#   BENCH_PORT_RANGE_START=34000 BENCH_PORT_RANGE_END=34099 BENCH_SKIP_BUILD=1 BENCH_OUT=<file>
#   BENCH_JAR=<path>  run that jar instead of building one
#   BENCH_NETWORK=bridge|host  the node's SKIFF_RUNTIME_NETWORK (default bridge, Skiff's default:
#                     each app on its own Docker bridge, the router proxies to the container's
#                     bridge address; host: containers on the node's network). The direct and
#                     hand-nginx targets always use 127.0.0.1:<published port> (loopback only).
#   BENCH_ABLATION=1  five more targets: the hand nginx plus `proxy_buffering off`; plus the
#                     router's proxy_set_header lines; plus the router's access_log lines; the
#                     router's rendered nginx.conf run standalone, with and without its access_log
#                     (ports BENCH_NGINX_PORT+1..+6; the deadline grows to fit)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

API_PORT="${BENCH_API_PORT:-8300}"
CLUSTER_PORT="${BENCH_CLUSTER_PORT:-25820}"
MANAGEMENT_PORT="${BENCH_MANAGEMENT_PORT:-8858}"
SSH_PORT="${BENCH_SSH_PORT:-2422}"
ROUTER_PORT="${BENCH_ROUTER_PORT:-8380}"
ROUTER_HTTPS_PORT="${BENCH_ROUTER_HTTPS_PORT:-8743}"
NGINX_PORT="${BENCH_NGINX_PORT:-8381}"
# the node's router log listener (UDP, syslog access lines), one of the bench's own ports
ACCESS_LOG_PORT="${BENCH_ACCESS_LOG_PORT:-$((NGINX_PORT + 9))}"
LOGGER_TCP_PORT="${BENCH_LOGGER_TCP_PORT:-$((NGINX_PORT + 10))}"
PORT_START="${BENCH_PORT_RANGE_START:-34000}"
PORT_END="${BENCH_PORT_RANGE_END:-34099}"
DB="${BENCH_DB:-skiff_routerbench}"
ROUNDS="${BENCH_ROUNDS:-3}"
SECONDS_PER_RUN="${BENCH_SECONDS:-15}"
THREADS="${BENCH_THREADS:-2}"
CONNECTIONS="${BENCH_CONNECTIONS:-16}"
WARMUP="${BENCH_WARMUP:-3}"
RELEASES="${BENCH_RELEASES:-5}"
APP_KIND="${BENCH_APP:-busybox}"
NETWORK="${BENCH_NETWORK:-bridge}"
DEADLINE="${BENCH_DEADLINE:-290}"
if [[ "${BENCH_ABLATION:-0}" == 1 && -z "${BENCH_DEADLINE:-}" ]]; then
  DEADLINE=$((200 + 8 * (ROUNDS * (SECONDS_PER_RUN + 3) + WARMUP)))
fi
NODE_NAME=bench-node
APP=routerbench
DOMAIN=skiff.local
HOST="$APP.$DOMAIN"
STAMP="$(date -u +%Y-%m-%dT%H%MZ)"
SUFFIX="-$NETWORK"
[[ "$APP_KIND" != busybox ]] && SUFFIX="$SUFFIX-$APP_KIND"
[[ "${BENCH_ABLATION:-0}" == 1 ]] && SUFFIX="$SUFFIX-ablation"
OUT="${BENCH_OUT:-$ROOT/bench/results/router-$STAMP$SUFFIX.txt}"

WORK="$(mktemp -d /tmp/skiff-routerbench.XXXXXX)"
# o+x, so that the router runs its nginx workers as nobody, as it would under /var/lib/skiff
chmod 755 "$WORK"
declare -A PROXY_PID
STARTED_PIDS=()
TOKEN=""
WATCHDOG_PID=""

T_START=$(date +%s)
log() { printf '[router-bench %3ds] %s\n' "$(($(date +%s) - T_START))" "$*" >&2; }
raw() { printf '%s\n' "$*" >>"$WORK/raw.txt"; }

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

remove_labelled_containers() {
  local ids
  ids=$(docker ps -aq --filter "label=skiff.node=$NODE_NAME" 2>/dev/null || true)
  if [[ -n "$ids" ]]; then
    # shellcheck disable=SC2086
    docker rm -f $ids >/dev/null 2>&1 || true
  fi
}

cleanup() {
  local rc=$?
  set +e
  [[ -n "$WATCHDOG_PID" ]] && kill "$WATCHDOG_PID" 2>/dev/null
  if [[ -n "$TOKEN" ]]; then
    log "deleting the app $APP"
    curl -s -o /dev/null --max-time 30 -XDELETE "http://127.0.0.1:$API_PORT/v1/apps/$APP" -H "Authorization: token $TOKEN"
  fi
  for ((i = ${#STARTED_PIDS[@]} - 1; i >= 0; i--)); do
    stop_pid "${STARTED_PIDS[$i]%%:*}" "${STARTED_PIDS[$i]#*:}"
  done
  remove_labelled_containers
  if [[ $rc -ne 0 && -d "$WORK" ]]; then
    log "failed (exit $rc); last lines of the logs:"
    for f in "$WORK"/*.log "$WORK"/data/router/error.log "$WORK"/nginx*/error.log; do
      [[ -f "$f" ]] && { echo "--- $f" >&2; tail -n 30 "$f" >&2; }
    done
  fi
  if declare -F skiff_docker_stop_if_started >/dev/null; then skiff_docker_stop_if_started; fi
  if declare -F skiff_pg_stop_if_started >/dev/null; then skiff_pg_stop_if_started; fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ms() { date +%s%3N; }
now_ms() { NOW=$((${EPOCHREALTIME/./} / 1000)); } # without a fork (bash 5)

for p in "$API_PORT" "$CLUSTER_PORT" "$MANAGEMENT_PORT" "$SSH_PORT" "$ROUTER_PORT" "$ROUTER_HTTPS_PORT" "$NGINX_PORT" \
  "$((NGINX_PORT + 1))" "$((NGINX_PORT + 2))" "$((NGINX_PORT + 3))" "$((NGINX_PORT + 4))" "$((NGINX_PORT + 5))" \
  "$((NGINX_PORT + 6))" "$((NGINX_PORT + 7))"; do
  if port_busy "$p"; then log "port $p on 127.0.0.1 is already in use; set BENCH_*_PORT"; exit 1; fi
done
case "$APP_KIND" in busybox | nginx) ;; *) log "BENCH_APP must be busybox or nginx"; exit 2 ;; esac
case "$NETWORK" in bridge | host) ;; *) log "BENCH_NETWORK must be bridge or host"; exit 2 ;; esac

# ---- what the run needs: PostgreSQL, Docker, nginx, wrk ----
# shellcheck source=../bin/lib/postgres.sh
. bin/lib/postgres.sh
# shellcheck source=../bin/lib/docker.sh
. bin/lib/docker.sh
# shellcheck source=../bin/lib/nginx.sh
. bin/lib/nginx.sh
skiff_pg_ensure
skiff_docker_ensure
skiff_nginx_ensure
NGINX_BIN="$(command -v nginx || echo /usr/sbin/nginx)"
if ! command -v wrk >/dev/null 2>&1; then
  log "installing wrk (apt-get)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2
fi
command -v jq >/dev/null 2>&1 || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >&2; }

# ---- build ----
# Working tree by default (only when target/skiff.jar is missing or older than the sources);
# BENCH_REF=<commit> exports that commit to a scratch directory and builds it there.
SRC="$ROOT"
if [[ -n "${BENCH_JAR:-}" ]]; then
  SOURCE_DESC="jar $BENCH_JAR"
  mkdir -p "$WORK/jar/target" && cp "$BENCH_JAR" "$WORK/jar/target/skiff.jar" && SRC="$WORK/jar"
elif [[ -n "${BENCH_REF:-}" ]]; then
  SRC="$WORK/src"
  mkdir -p "$SRC"
  git -C "$ROOT" archive --format=tar "$BENCH_REF" | tar -x -C "$SRC"
  SOURCE_DESC="commit $(git -C "$ROOT" rev-parse --short "$BENCH_REF")"
  log "building skiff.jar: $SOURCE_DESC (scratch directory)"
  (cd "$SRC" && timeout 900 mvn -q -o -B -Dmaven.test.skip=true package)
else
  SOURCE_DESC="working tree at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
  if [[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no -- src pom.xml 2>/dev/null)" ]]; then
    SOURCE_DESC="$SOURCE_DESC with uncommitted changes"
  fi
  if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]] && { [[ ! -f target/skiff.jar ]] || [[ -n "$(find src pom.xml -newer target/skiff.jar -print -quit)" ]]; }; then
    log "building target/skiff.jar: $SOURCE_DESC"
    timeout 900 mvn -q -o -B -Dmaven.test.skip=true package
  fi
fi
[[ -f "$SRC/target/skiff.jar" ]] || { log "$SRC/target/skiff.jar is missing"; exit 1; }
# A private copy (neutral name): a concurrent rebuild of target/ must not change what runs.
cp "$SRC/target/skiff.jar" "$WORK/node.jar"

# From here on the run is bounded.
# (The sleep is a child of the watchdog that dies with it, so nothing lingers after the run.)
(
  sleep "$DEADLINE" &
  trap 'kill $! 2>/dev/null; exit 0' TERM
  wait $!
  log "deadline of $DEADLINE s reached; stopping"
  kill -TERM $$
) &
WATCHDOG_PID=$!

# ---- database and leftovers ----
log "creating a fresh database $DB"
su postgres -c "dropdb --if-exists $DB" && su postgres -c "createdb -O skiff $DB"
remove_labelled_containers

# ---- the app image ----
# busybox: examples/hello as it is (busybox httpd: one forked process and one TCP connection per
# request, `Connection: close`). nginx: the same base image plus this machine's nginx binary and
# its libraries, serving the same page with keep-alive, so that the app is not the bottleneck.
WEB_PAGE='mkdir -p /tmp/w && echo "hello N=$N" > /tmp/w/index.html'
if [[ "$APP_KIND" == busybox ]]; then
  IMAGE=skiff-bench/hello:1
  log "building $IMAGE from examples/hello"
  docker build -q -t "$IMAGE" examples/hello >/dev/null 2>"$WORK/docker-build.log" || { cat "$WORK/docker-build.log" >&2; exit 1; }
  WEB="$WEB_PAGE && exec httpd -f -p \$PORT -h /tmp/w"
else
  IMAGE=skiff-bench/static-nginx:1
  log "building $IMAGE (skiff/busybox + $NGINX_BIN)"
  ctx="$WORK/image"
  mkdir -p "$ctx/root/etc" "$ctx/root/usr/sbin"
  cp "$NGINX_BIN" "$ctx/root/usr/sbin/nginx"
  for lib in $(ldd "$NGINX_BIN" | grep -o '/[^ ]*'); do
    mkdir -p "$ctx/root$(dirname "$lib")"
    cp -L "$lib" "$ctx/root$lib"
  done
  echo "root:x:0:" >"$ctx/root/etc/group"
  cat >"$ctx/root/etc/app-nginx.conf" <<'EOF'
daemon off;
master_process on;
user root root;
worker_processes 1;
pid /tmp/w/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
    access_log off;
    default_type text/html;
    keepalive_requests 10000;
    client_body_temp_path /tmp/w/body;
    proxy_temp_path /tmp/w/proxy;
    fastcgi_temp_path /tmp/w/fastcgi;
    uwsgi_temp_path /tmp/w/uwsgi;
    scgi_temp_path /tmp/w/scgi;
    server {
        listen @PORT@;
        root /tmp/w;
    }
}
EOF
  printf 'FROM skiff/busybox:latest\nCOPY root /\nENV PATH=/bin:/usr/sbin\n' >"$ctx/Dockerfile"
  docker build -q -t "$IMAGE" "$ctx" >/dev/null 2>"$WORK/docker-build.log" || { cat "$WORK/docker-build.log" >&2; exit 1; }
  WEB="$WEB_PAGE && sed \"s/@PORT@/\$PORT/\" /etc/app-nginx.conf > /tmp/w/nginx.conf && exec nginx -p /tmp/w -c /tmp/w/nginx.conf"
fi

# ---- the node ----
cat >"$WORK/node.conf" <<EOF
include classpath("application.conf")
akka.cluster.seed-nodes = ["akka://skiff@127.0.0.1:$CLUSTER_PORT"]
EOF
unset SKIFF_SEED_NODES
mkdir -p "$WORK/data"
# Remoting over TLS (issue 10): this run's own throwaway cluster CA and node certificate.
. bin/lib/tls.sh
skiff_tls_ensure "$WORK/tls"
log "starting Skiff (API $API_PORT, router $ROUTER_PORT, containers $PORT_START-$PORT_END)"
SKIFF_DB_URL="jdbc:postgresql://127.0.0.1:5432/$DB" SKIFF_DB_USER=skiff SKIFF_DB_PASSWORD_FILE="$(skiff_secret_ensure db-password)" \
SKIFF_API_HOST=127.0.0.1 SKIFF_API_PORT="$API_PORT" \
SKIFF_CLUSTER_HOST=127.0.0.1 SKIFF_CLUSTER_PORT="$CLUSTER_PORT" \
SKIFF_MANAGEMENT_HOST=127.0.0.1 SKIFF_MANAGEMENT_PORT="$MANAGEMENT_PORT" \
SKIFF_SSH_HOST=127.0.0.1 SKIFF_SSH_PORT="$SSH_PORT" \
SKIFF_ROUTER_HOST=127.0.0.1 SKIFF_ROUTER_PORT="$ROUTER_PORT" SKIFF_ROUTER_HTTPS_PORT="$ROUTER_HTTPS_PORT" \
SKIFF_NODE_NAME="$NODE_NAME" SKIFF_PORT_RANGE_START="$PORT_START" SKIFF_PORT_RANGE_END="$PORT_END" \
SKIFF_PLATFORM_DOMAIN="$DOMAIN" SKIFF_ROLES=controller,runtime,router,logger SKIFF_REGISTRY_MANAGED=off \
SKIFF_LOGGER_SYSLOG_TCP_PORT="$LOGGER_TCP_PORT" SKIFF_LOGGER_SYSLOG_UDP_PORT=-1 \
SKIFF_DATA_DIR="$WORK/data" SKIFF_CLUSTER_TLS_DIR="$WORK/tls" SKIFF_RUNTIME_NETWORK="$NETWORK" SKIFF_ROUTER_ACCESS_LOG_SYSLOG_PORT="$ACCESS_LOG_PORT" \
  java -Xms512m -Xmx1g -Dconfig.file="$WORK/node.conf" -jar "$WORK/node.jar" >"$WORK/skiff.log" 2>&1 &
NODE_PID=$!
STARTED_PIDS+=("$NODE_PID:skiff node")

wait_for() {
  local url="$1" what="$2"
  shift 2
  for _ in $(seq 1 180); do
    kill -0 "$NODE_PID" 2>/dev/null || { log "the node exited during start"; return 1; }
    curl -fsS -o /dev/null --max-time 2 "$@" "$url" 2>/dev/null && return 0
    sleep 0.5
  done
  log "$what not ready after 90 s ($url)"
  return 1
}
wait_for "http://127.0.0.1:$MANAGEMENT_PORT/ready" "node"
wait_for "http://127.0.0.1:$API_PORT/healthz" "API"
wait_for "http://127.0.0.1:$ROUTER_PORT/health-check" "router"
log "node and router are up"

API="http://127.0.0.1:$API_PORT/v1"
J='Content-Type: application/json'
curl -sf --max-time 30 -XPOST "$API/auth/register" -H "$J" -d '{"username":"bench","password":"bench-pw-1"}' >/dev/null
TOKEN=$(curl -sf --max-time 30 -XPOST "$API/auth/login/" -H "$J" -d '{"username":"bench","password":"bench-pw-1"}' | jq -r .token)
A="Authorization: token $TOKEN"
curl -sf --max-time 30 -XPOST "$API/apps" -H "$A" -H "$J" -d "{\"id\":\"$APP\"}" >/dev/null

log "deploying $IMAGE (web: $WEB)"
SHA=$(head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n')
body=$(jq -cn --arg image "$IMAGE" --arg sha "$SHA" --arg web "$WEB" '{image: $image, sha: $sha, procfile: {web: $web}}')
t0=$(ms)
code=$(curl -s -o "$WORK/build.json" -w '%{http_code}' --max-time 120 -XPOST "$API/apps/$APP/builds" -H "$A" -H "$J" -d "$body")
t1=$(ms)
[[ "$code" == 201 ]] || { log "build: HTTP $code $(cat "$WORK/build.json")"; exit 1; }
code=$(curl -s -o "$WORK/scale.json" -w '%{http_code}' --max-time 120 -XPOST "$API/apps/$APP/scale" -H "$A" -H "$J" -d '{"web":1,"cmd":0}')
[[ "$code" == 204 || "$code" == 200 ]] || { log "scale: HTTP $code $(cat "$WORK/scale.json")"; exit 1; }
containers() { curl -sf --max-time 10 "$API/apps/$APP/containers" -H "$A"; }
CPORT=""
for _ in $(seq 1 100); do
  CPORT=$(containers | jq -r '[.results[] | select(.type == "web")] | if length == 1 then .[0].port else empty end')
  [[ -n "$CPORT" && "$CPORT" != null ]] && break
  sleep 0.2
done
[[ -n "$CPORT" && "$CPORT" != null ]] || { log "no single web container: $(containers)"; exit 1; }
log "build took $((t1 - t0)) ms; web.1 listens on 127.0.0.1:$CPORT"
# the container's first process (the web command after `exec`: httpd or the nginx master)
APP_PID=$(docker inspect -f '{{.State.Pid}}' "$(docker ps -q --filter "label=skiff.node=$NODE_NAME" --filter status=running | head -n 1)")

# ---- the hand-written nginx ----
# hand_nginx <name> <port> [http-level extra] [location-level extra]: the baseline, a minimal
# tuned reverse proxy; the extra directives are only used by the BENCH_ABLATION targets.
hand_nginx() {
  local name="$1" port="$2" extra="${3:-}" location="${4:-}" dir="$WORK/$1"
  mkdir -p "$dir"
  cat >"$dir/nginx.conf" <<EOF
# Hand-written minimal reverse proxy ($name).
daemon off;
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events {
    worker_connections 1024;
}
http {
    access_log off;
    keepalive_requests 10000;
    client_body_temp_path $dir/client_body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
$extra    upstream app {
        server 127.0.0.1:$CPORT;
        keepalive 32;
    }
    server {
        listen 127.0.0.1:$port;
        location / {
            proxy_pass http://app;
            proxy_http_version 1.1;
$location            proxy_set_header Connection "";
        }
    }
}
EOF
  "$NGINX_BIN" -p "$dir" -c "$dir/nginx.conf" -t >/dev/null 2>&1 || { "$NGINX_BIN" -p "$dir" -c "$dir/nginx.conf" -t; return 1; }
  "$NGINX_BIN" -p "$dir" -c "$dir/nginx.conf" >"$dir/out.log" 2>&1 &
  STARTED_PIDS+=("$!:$name nginx")
  PROXY_PID[$name]=$!
}
HAND="$WORK/nginx"
hand_nginx nginx "$NGINX_PORT"
TARGETS=(direct nginx router)
declare -A URL HDR LABEL
URL[direct]="http://127.0.0.1:$CPORT/"
HDR[direct]="Host: 127.0.0.1:$CPORT"
LABEL[direct]="direct (127.0.0.1:container port)"
URL[nginx]="http://127.0.0.1:$NGINX_PORT/"
HDR[nginx]="Host: 127.0.0.1:$NGINX_PORT"
LABEL[nginx]="hand nginx (keepalive 32)"
URL[router]="http://127.0.0.1:$ROUTER_PORT/"
HDR[router]="Host: $HOST"
LABEL[router]="Skiff router (Host $HOST)"
if [[ "${BENCH_ABLATION:-0}" == 1 ]]; then
  # The hand config plus one group of the router's directives at a time, on the next ports:
  # proxy_buffering off; the router's request headers (its Connection map yields "" for requests
  # without Upgrade, so Connection "" stays as it is).
  hand_nginx nginx-unbuffered "$((NGINX_PORT + 1))" '    proxy_buffering off;
'
  hand_nginx nginx-headers "$((NGINX_PORT + 2))" '    map $http_x_request_id $skiff_request_id {
        "~^[A-Za-z0-9+/=._-]{1,200}$" $http_x_request_id;
        default $request_id;
    }
' '            proxy_set_header Host $host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Port $server_port;
            proxy_set_header X-Request-Id $skiff_request_id;
'
  # The hand config plus the router's access log exactly as the router writes it (its log_format,
  # the request-id map it uses, and the app server's `set $skiff_app` + access_log lines): the
  # lines reach the node's router log listener like the router's own.
  rconf="$WORK/data/router/nginx.conf"
  hand_nginx nginx-accesslog "$((NGINX_PORT + 5))" "$(grep -E '^ *log_format ' "$rconf")
$(awk '/^ *map \$http_x_request_id/ {f = 1} f {print} f && /^ *}/ {exit}' "$rconf")
" "$(grep -E '^ *(set \$skiff_app |access_log )' "$rconf" | grep -v 'access_log off')
"
  # The router's own rendered nginx.conf, run standalone (own prefix and ports): tells a cost of
  # the config apart from a cost of how the node runs nginx; and the same without its access_log.
  # Upstream: the published port on loopback, like the hand nginx (only the node's router talks
  # to a container's bridge address).
  for variant in router-copy router-copy-nolog; do
    copy="$WORK/$variant"
    port=$((NGINX_PORT + 3))
    [[ "$variant" == router-copy-nolog ]] && port=$((NGINX_PORT + 6))
    mkdir -p "$copy"
    sed -e "s|$WORK/data/router|$copy|g" -e "s|127.0.0.1:$ROUTER_PORT|127.0.0.1:$port|g" \
      -e "s|127.0.0.1:$ROUTER_HTTPS_PORT ssl|127.0.0.1:$((port + 1)) ssl|g" \
      -e "/^ *upstream app-$APP /,/}/ s|^\( *server \).*;|\1127.0.0.1:$CPORT;|" "$rconf" >"$copy/nginx.conf"
    [[ "$variant" == router-copy-nolog ]] && sed -i -e '/access_log syslog:/d' "$copy/nginx.conf"
    "$NGINX_BIN" -p "$copy" -c "$copy/nginx.conf" -t >/dev/null 2>&1 || "$NGINX_BIN" -p "$copy" -c "$copy/nginx.conf" -t
    "$NGINX_BIN" -p "$copy" -c "$copy/nginx.conf" >"$copy/out.log" 2>&1 &
    STARTED_PIDS+=("$!:$variant nginx")
    PROXY_PID[$variant]=$!
    URL[$variant]="http://127.0.0.1:$port/"
    HDR[$variant]="Host: $HOST"
  done
  TARGETS+=(nginx-unbuffered nginx-headers nginx-accesslog router-copy router-copy-nolog)
  URL[nginx-accesslog]="http://127.0.0.1:$((NGINX_PORT + 5))/"
  HDR[nginx-accesslog]="Host: 127.0.0.1:$((NGINX_PORT + 5))"
  LABEL[nginx-accesslog]="hand nginx + the router's access_log"
  LABEL[router-copy]="the router's rendered nginx.conf, run standalone"
  LABEL[router-copy-nolog]="the router's rendered nginx.conf, standalone, without its access_log"
  URL[nginx-unbuffered]="http://127.0.0.1:$((NGINX_PORT + 1))/"
  HDR[nginx-unbuffered]="Host: 127.0.0.1:$((NGINX_PORT + 1))"
  LABEL[nginx-unbuffered]="hand nginx + proxy_buffering off"
  URL[nginx-headers]="http://127.0.0.1:$((NGINX_PORT + 2))/"
  HDR[nginx-headers]="Host: 127.0.0.1:$((NGINX_PORT + 2))"
  LABEL[nginx-headers]="hand nginx + the router's proxy_set_header lines"
fi

# ---- the three targets answer the same page ----
for t in "${TARGETS[@]}"; do
  page=""
  for _ in $(seq 1 50); do
    page=$(curl -s --max-time 2 -H "${HDR[$t]}" "${URL[$t]}" || true)
    [[ "$page" == "hello N=" ]] && break
    sleep 0.2
  done
  [[ "$page" == "hello N=" ]] || { log "$t (${URL[$t]}) answers '$page'"; exit 1; }
done

cp "$WORK/data/router/nginx.conf" "$WORK/router-nginx.conf"
ROUTER_UPSTREAM=$(awk -v u="app-$APP" '$1 == "upstream" && $2 == u {f = 1} f && $1 == "server" {sub(";", "", $2); print $2; exit}' "$WORK/router-nginx.conf")
raw "# Router benchmark, $STAMP UTC"
raw "source: $SOURCE_DESC; app: $APP_KIND ($IMAGE); network: $NETWORK (SKIFF_RUNTIME_NETWORK); $(nproc) cores; $(uptime)"
raw "wrk -t$THREADS -c$CONNECTIONS -d${SECONDS_PER_RUN}s --latency, $ROUNDS rounds, warm-up ${WARMUP}s per target"
raw "web: $WEB"
raw "container published on 127.0.0.1:$CPORT (host pid $APP_PID), the router's upstream $ROUTER_UPSTREAM; hand nginx 127.0.0.1:$NGINX_PORT → 127.0.0.1:$CPORT; router 127.0.0.1:$ROUTER_PORT (Host $HOST); router access lines to UDP 127.0.0.1:$ACCESS_LOG_PORT"
raw "docker-proxy processes: $(pgrep -c -x docker-proxy || true)"
raw "build (POST /builds → 201) took $((t1 - t0)) ms"
raw ""

# wrk latency with its unit → milliseconds
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'; }
# wrk counts the responses per status (a Lua response() hook: no measurable cost here, 37-40k
# req/s with or without it against a static nginx on this box).
cat >"$WORK/status.lua" <<'EOF'
-- counts responses per HTTP status, printed as one "statuses:" line at the end
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) counts = {} end
function response(status, headers, body) counts[status] = (counts[status] or 0) + 1 end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("counts")) do total[status] = (total[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(total) do table.insert(parts, status .. "=" .. n) end
  table.sort(parts)
  io.write("statuses: " .. table.concat(parts, " ") .. "\n")
end
EOF
# While wrk runs, a sampler reads the router's nginx.conf every 100 ms: whether the app has a
# backend (without one the router answers 503) and the file's mtime (each route change rewrites it).
sample_routes() {
  local conf="$WORK/data/router/nginx.conf"
  while :; do
    if grep -q "proxy_pass http://app-$APP;" "$conf" 2>/dev/null; then echo "1 $(stat -c %.3Y "$conf")"; else echo "0 $(stat -c %.3Y "$conf")"; fi
    sleep 0.1
  done
}
# Cores busy over one second while nothing of ours is loaded: the rest of the machine (other
# jobs share it), recorded before each measured run.
busy_cores() {
  local a b
  a=$(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6}' /proc/stat)
  sleep 1
  b=$(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6}' /proc/stat)
  awk -v a="$a" -v b="$b" -v n="$(nproc)" 'BEGIN { split(a, x, " "); split(b, y, " "); busy = y[1] - x[1]; idle = y[2] - x[2]; printf "%.2f", (busy + idle > 0 ? n * busy / (busy + idle) : 0) }'
}
# CPU ticks used so far by a process and its descendants (alive: own counters; exited and reaped,
# such as busybox httpd's per-connection children: in the parent's cutime/cstime).
TICK_US=$((1000000 / $(getconf CLK_TCK)))
tree_ticks() {
  local p sum=0 t
  [[ -n "${1:-}" ]] || { echo 0; return; }
  # the process and all its descendants (a container's first process may be docker-init)
  for p in $(ps -e -o pid=,ppid= | awk -v root="$1" '{ parent[$1] = $2 } END {
      for (p in parent) { q = p; while (q != "" && q != root && q in parent && q != 1) q = parent[q]; if (q == root) print p } }'); do
    t=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13 + $14 + $15}')
    sum=$((sum + ${t:-0}))
  done
  echo "$sum"
}
own_ticks() { # the process itself (all its threads), not its children: for the JVM, without the router's nginx
  sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $12 + $13}' || echo 0
}
listen_overflows() { # the kernel's count of connections dropped because an accept queue was full
  awk '/^TcpExt:/ { if (!h) { for (i = 2; i <= NF; i++) n[i] = $i; h = 1 } else for (i = 2; i <= NF; i++) if (n[i] == "ListenOverflows") print $i }' /proc/net/netstat
}
proxy_pid() { # the proxy's nginx master for a target (none for direct)
  case "$1" in
    direct) echo "" ;;
    router) cat "$WORK/data/router/nginx.pid" 2>/dev/null || echo "" ;;
    *) echo "${PROXY_PID[$1]:-}" ;;
  esac
}
run_wrk() { # target seconds → one line of figures (see the read below); wrk's output in $WORK/wrk.last
  local t="$1" d="$2" out sampler ppid p0 p1 a0 a1 n0 n1 o0 o1
  sample_routes >"$WORK/routes.samples" &
  sampler=$!
  ppid=$(proxy_pid "$t")
  p0=$(tree_ticks "$ppid") a0=$(tree_ticks "$APP_PID") n0=$(own_ticks "$NODE_PID") o0=$(listen_overflows)
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${d}s" --latency -s "$WORK/status.lua" -H "${HDR[$t]}" "${URL[$t]}" 2>&1)
  p1=$(tree_ticks "$ppid") a1=$(tree_ticks "$APP_PID") n1=$(own_ticks "$NODE_PID") o1=$(listen_overflows)
  kill "$sampler" 2>/dev/null
  wait "$sampler" 2>/dev/null || true
  printf '%s\n' "$out" >"$WORK/wrk.last"
  local rps p50 p99 errs non2xx total absent rewrites statuses
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
  errs=$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  total=$(awk '/requests in/ {print $1}' <<<"$out")
  absent=$(grep -c '^0' "$WORK/routes.samples" || true)
  rewrites=$(($(awk '{print $2}' "$WORK/routes.samples" | sort -u | wc -l) - 1))
  statuses=$(awk '/^statuses:/ {$1 = ""; gsub(/^ /, ""); gsub(/ /, ","); print}' <<<"$out")
  local proxy_us app_us node_cores node_us
  proxy_us=$(awk -v t="$((p1 - p0))" -v u="$TICK_US" -v n="${total:-0}" -v has="$ppid" 'BEGIN { if (has == "" || n == 0) print "-"; else printf "%.1f", t * u / n }')
  app_us=$(awk -v t="$((a1 - a0))" -v u="$TICK_US" -v n="${total:-0}" 'BEGIN { if (n == 0) print "-"; else printf "%.1f", t * u / n }')
  node_cores=$(awk -v t="$((n1 - n0))" -v u="$TICK_US" -v d="$d" 'BEGIN { printf "%.2f", t * u / 1000000 / d }')
  node_us=$(awk -v t="$((n1 - n0))" -v u="$TICK_US" -v n="${total:-0}" 'BEGIN { if (n == 0) print "-"; else printf "%.1f", t * u / n }')
  echo "$rps $p50 $p99 ${non2xx:-0} ${errs:-0} ${total:-0} $absent/$(wc -l <"$WORK/routes.samples") $((rewrites < 0 ? 0 : rewrites)) ${statuses:-none} $proxy_us $app_us $node_cores $((o1 - o0)) $node_us"
}

# ---- throughput and latency ----
log "warm-up: ${WARMUP}s per target"
for t in "${TARGETS[@]}"; do run_wrk "$t" "$WARMUP" >/dev/null; done
declare -A RPS P50 P99 BAD ALL CODES PCPU ACPU NCPU ROUND_RPS ROUND_PCPU
OUTSIDE=()
for r in $(seq 1 "$ROUNDS"); do
  # rotate the order each round, so that no target always runs first or last
  k=$(((r - 1) % ${#TARGETS[@]}))
  order=("${TARGETS[@]:$k}" "${TARGETS[@]:0:$k}")
  for t in "${order[@]}"; do
    outside=$(busy_cores)
    OUTSIDE+=("$outside")
    log "round $r: $t (${SECONDS_PER_RUN}s; $outside cores busy just before)"
    read -r rps p50 p99 non2xx errs total absent rewrites statuses proxy_us app_us node_cores overflows node_us < <(run_wrk "$t" "$SECONDS_PER_RUN")
    PCPU[$t]+="$proxy_us "
    ROUND_PCPU[$t:$r]=$proxy_us
    NCPU[$t]+="$node_us "
    ACPU[$t]+="$app_us "
    # throughput counts 200s only (a 503 from a router without a backend is fast and would inflate it)
    ok=$(tr ',' '\n' <<<"$statuses" | awk -F= '$1 == 200 {print $2}')
    rps=$(awk -v r="$rps" -v ok="${ok:-0}" -v n="$total" 'BEGIN { printf "%.2f", (n > 0 ? r * ok / n : 0) }')
    RPS[$t]+="$rps "
    ROUND_RPS[$t:$r]=$rps
    P50[$t]+="$p50 "
    P99[$t]+="$p99 "
    BAD[$t]=$((${BAD[$t]:-0} + non2xx + errs))
    [[ "$statuses" == "200=$total" || "$statuses" == none ]] || CODES[$t]+="${CODES[$t]:+; }$statuses"
    ALL[$t]=$((${ALL[$t]:-0} + total))
    raw "## round $r, $t: ${URL[$t]} (${HDR[$t]}) → $rps req/s answered 200, p50 $p50 ms, p99 $p99 ms; statuses $statuses, socket errors $errs; router's nginx.conf: $absent samples without a backend, rewritten $rewrites times; CPU per request: proxy $proxy_us µs, app $app_us µs; Skiff JVM $node_cores cores ($node_us µs per request); accept queue overflows (whole machine) $overflows; cores busy in the second before: $outside"
    cat "$WORK/wrk.last" >>"$WORK/raw.txt"
    if ((non2xx > 0)); then
      raw "router's error.log (last lines): $(tail -n 5 "$WORK/data/router/error.log" 2>/dev/null | tr '\n' '|')"
      raw "hand nginx's error.log (last lines): $(tail -n 5 "$HAND/error.log" 2>/dev/null | tr '\n' '|')"
    fi
    raw ""
  done
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
maxof() { printf '%s\n' "$@" | sort -g | tail -n 1; }
declare -A MRPS MP50 MP99 MPCPU MACPU MNCPU
for t in "${TARGETS[@]}"; do
  # shellcheck disable=SC2086
  MRPS[$t]=$(median ${RPS[$t]})
  # shellcheck disable=SC2086
  MP50[$t]=$(median ${P50[$t]})
  # shellcheck disable=SC2086
  MP99[$t]=$(median ${P99[$t]})
  # shellcheck disable=SC2086
  MPCPU[$t]=$([[ "$t" == direct ]] && echo "–" || median ${PCPU[$t]})
  # shellcheck disable=SC2086
  MACPU[$t]=$(median ${ACPU[$t]})
  # shellcheck disable=SC2086
  MNCPU[$t]=$(median ${NCPU[$t]})
done

# ---- release to serving ----
# Each config change is a new release: a new container (new port), routes switched once it is
# ready, the old one drained. t0 = just before the POST is sent; serving = the first response
# through the router whose page shows the new value (polled every 20 ms).
# One GET / through the router on a new connection, in bash alone (no curl to start, no fork:
# a poll takes 1-2 ms, so the loop below does poll every ~20 ms); the body goes to PAGE.
poll_router() {
  local line inbody=0
  PAGE=""
  exec 3<>"/dev/tcp/127.0.0.1/$ROUTER_PORT" || return 0
  printf 'GET / HTTP/1.0\r\nHost: %s\r\n\r\n' "$HOST" >&3
  while IFS= read -r -t 1 line <&3 || [[ -n "$line" ]]; do
    line=${line%$'\r'}
    if ((inbody)); then PAGE+="$line"; elif [[ -z "$line" ]]; then inbody=1; fi
    line=""
  done
  exec 3<&-
}
mkfifo "$WORK/tick"
exec {TICK_FD}<>"$WORK/tick" # nobody writes to it: a read on it times out
log "release-to-serving: $RELEASES config changes"
SERVE=() POSTS=() GAPS=() WRITTEN=()
raw "## release to serving (POST /v1/apps/$APP/config {\"values\":{\"N\":\"<i>\"}}, router polled every 20 ms)"
for i in $(seq 1 "$RELEASES"); do
  rm -f "$WORK/post.out"
  now_ms
  t0=$NOW
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 120 -XPOST "$API/apps/$APP/config" \
    -H "$A" -H "$J" -d "{\"values\":{\"N\":\"$i\"}}" >"$WORK/post.out" &
  post_pid=$!
  served=""
  polls=0
  while now_ms && ((NOW - t0 < 120000)); do
    polls=$((polls + 1))
    poll_router 2>/dev/null
    if [[ "$PAGE" == "hello N=$i" ]]; then now_ms; served=$((NOW - t0)); break; fi
    read -r -t 0.02 -u "$TICK_FD" _ || true # sleeps 20 ms without starting a process
  done
  wait "$post_pid" || true
  read -r code post_s <"$WORK/post.out"
  post_ms=$(awk -v s="$post_s" 'BEGIN { printf "%d", s * 1000 }')
  [[ "$code" == 201 ]] || { log "config change $i: HTTP $code"; exit 1; }
  [[ -n "$served" ]] || { log "config change $i never served through the router"; exit 1; }
  SERVE+=("$served")
  POSTS+=("$post_ms")
  GAPS+=("$((served - post_ms))")
  # when the router last wrote nginx.conf (the candidate, written before `nginx -t` and moved in place)
  written=$(($(stat -c %.3Y "$WORK/data/router/nginx.conf" | tr -d .) - t0))
  WRITTEN+=("$((written - post_ms))")
  raw "change $i: POST $code in $post_ms ms; new value served after $served ms ($polls polls; $((served - post_ms)) ms after the 201); router's nginx.conf written at $written ms"
done
raw ""

# ---- report ----
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
fmt() { awk -v v="$1" 'BEGIN { printf "%.0f", v }'; }
{
  echo "### Router benchmark — $STAMP UTC, $(nproc) cores, $SOURCE_DESC, app: $APP_KIND, network: $NETWORK (router upstream $ROUTER_UPSTREAM; direct and hand nginx 127.0.0.1:$CPORT)"
  echo
  echo "wrk -t$THREADS -c$CONNECTIONS -d${SECONDS_PER_RUN}s --latency; medians of $ROUNDS interleaved runs per target"
  echo
  echo "| target | req/s (200s) | p50 ms | p99 ms | proxy CPU µs/req | app CPU µs/req | Skiff JVM CPU µs/req | runs (req/s) | runs (proxy µs/req) | non-200 + socket errors |"
  echo "|---|---:|---:|---:|---:|---:|---:|---|---|---:|"
  for t in "${TARGETS[@]}"; do
    echo "| ${LABEL[$t]} | $(fmt "${MRPS[$t]}") | ${MP50[$t]} | ${MP99[$t]} | ${MPCPU[$t]} | ${MACPU[$t]} | ${MNCPU[$t]} | ${RPS[$t]}| ${PCPU[$t]}| ${BAD[$t]} of ${ALL[$t]}${CODES[$t]:+ (${CODES[$t]})} |"
  done
  echo
  echo "Cores busy in the second before each measured run (other jobs on the machine): median $(median "${OUTSIDE[@]}"), max $(maxof "${OUTSIDE[@]}")."
  echo
  echo "CPU per request: user+system time of the proxy's nginx (master and workers) and of the app's processes during the run, divided by the responses."
  echo
  echo "router ÷ nginx: throughput $(ratio "${MRPS[router]}" "${MRPS[nginx]}") (target ≥ 1.00), p99 $(ratio "${MP99[router]}" "${MP99[nginx]}") (target ≤ 1.20), proxy CPU per request $(ratio "${MPCPU[router]}" "${MPCPU[nginx]}"); router ÷ direct: throughput $(ratio "${MRPS[router]}" "${MRPS[direct]}")"
  paired=()
  cpaired=()
  for r in $(seq 1 "$ROUNDS"); do
    paired+=("$(ratio "${ROUND_RPS[router:$r]}" "${ROUND_RPS[nginx:$r]}")")
    cpaired+=("$(ratio "${ROUND_PCPU[router:$r]}" "${ROUND_PCPU[nginx:$r]}")")
  done
  echo
  echo "router ÷ nginx within each round: throughput ${paired[*]} (median $(median "${paired[@]}")); proxy CPU per request ${cpaired[*]} (median $(median "${cpaired[@]}"))"
  echo
  echo "| release to serving ($RELEASES config changes) | median ms | max ms | all |"
  echo "|---|---:|---:|---|"
  echo "| POST sent → new value served through the router | $(median "${SERVE[@]}") | $(maxof "${SERVE[@]}") | ${SERVE[*]} |"
  echo "| POST /config duration (201) | $(median "${POSTS[@]}") | $(maxof "${POSTS[@]}") | ${POSTS[*]} |"
  echo "| 201 received → new value served (polled every 20 ms) | $(median "${GAPS[@]}") | $(maxof "${GAPS[@]}") | ${GAPS[*]} |"
  echo "| 201 received → router's nginx.conf rewritten (then nginx -t and the reload) | $(median "${WRITTEN[@]}") | $(maxof "${WRITTEN[@]}") | ${WRITTEN[*]} |"
} >"$WORK/table.md"
cat "$WORK/table.md"

mkdir -p "$(dirname "$OUT")"
{
  cat "$WORK/table.md"
  echo
  cat "$WORK/raw.txt"
  echo "## hand nginx.conf"
  cat "$HAND/nginx.conf"
  for t in "${TARGETS[@]}"; do
    if [[ "$t" == nginx-* ]]; then echo "## $t nginx.conf"; cat "$WORK/$t/nginx.conf"; fi
  done
  echo
  echo "## the router's nginx.conf (as rendered for the benchmark's first release)"
  cat "$WORK/router-nginx.conf"
  echo
  echo "## Skiff WARN/ERROR lines"
  grep -E ' (WARN|ERROR) ' "$WORK/skiff.log" || echo "(none)"
} >"$OUT"
log "raw output: ${OUT#"$ROOT"/}"
