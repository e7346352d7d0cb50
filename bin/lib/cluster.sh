# bin/skiff-cluster's workings: a local three-node Skiff cluster on this machine, each node a JVM
# (cluster-config/local-nodeN.conf) with a Docker engine of its own. See README, "A local
# three-node cluster".
#
#   node N   Akka remoting 127.0.0.N:25520, API 127.0.0.1:800(N-1), management 127.0.0.1:855(7+N),
#            git over SSH 127.0.0.1:222(1+N), router 127.0.0.N:80/443, syslog 127.0.0.N:5140/5141,
#            containers published on 127.0.0.N (ports 2(6+N)000-2(6+N)999); nodes 1 and 2 also
#            run the registry, on 127.0.0.1:5000 and 127.0.0.2:5000, over one storage directory
#            (/var/lib/skiff-cluster/registry).
#   engine N dockerd --host unix:///run/skiff-cluster/dockerN.sock, data root
#            /var/lib/skiff-cluster/dockerN, exec root /run/skiff-cluster/dockerN-exec (its own
#            managed containerd under it), no default bridge (--bridge=none), no iptables, no
#            ip_forward, app networks from 10.22N.0.0/16 (the machine's default engine uses
#            10.213.0.0/16), app bridges named scN… behind the nftables table inet skiff_nN.
#   state    /run/skiff-cluster (sockets, pid files), /var/lib/skiff-cluster (engine and node data),
#            logs in /tmp/skiff-cluster (kept after stop), database $SKIFF_CLUSTER_DB (default
#            skiff_cluster, made afresh by start and dropped by stop).
#
# Everything listens on loopback only; nothing here touches another nftables table, a sysctl, a
# route or another interface than the scN… bridges (and their veths) the engines made.

CLU_NODES=(1 2 3)
CLU_RUN=/run/skiff-cluster
CLU_DATA=/var/lib/skiff-cluster
CLU_LOGS=${SKIFF_CLUSTER_LOGS:-/tmp/skiff-cluster}
# the database: SKIFF_CLUSTER_DB, else the one the running cluster's start used, else skiff_cluster
CLU_DB=${SKIFF_CLUSTER_DB:-$(cat "$CLU_RUN/database" 2>/dev/null || echo skiff_cluster)}
CLU_START_TIMEOUT=${SKIFF_CLUSTER_START_TIMEOUT:-180}
CLU_JAVA_OPTS=${SKIFF_CLUSTER_JAVA_OPTS:--Xmx1g -XX:+ExitOnOutOfMemoryError}

clu_sock() { echo "$CLU_RUN/docker$1.sock"; }
clu_docker() { local n=$1; shift; docker -H "unix://$(clu_sock "$n")" "$@"; }
clu_conf() { echo "cluster-config/local-node$1.conf"; }
clu_mgmt() { echo "127.0.0.1:$((8557 + $1))"; }
clu_api() { echo "127.0.0.1:$((7999 + $1))"; }

# The pid in FILE when that process is alive (and, with a second argument, its command is that).
_clu_pid_alive() {
  local file=$1 comm=${2:-} pid
  [ -s "$file" ] || return 1
  pid=$(tr -dc '0-9' <"$file")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  if [ -n "$comm" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != "$comm" ]; then return 1; fi
  echo "$pid"
}

clu_jvm_pid() { _clu_pid_alive "$CLU_RUN/node$1.pid" java; }
clu_engine_pid() { _clu_pid_alive "$CLU_RUN/docker$1.pid" dockerd; }

# PID and all its descendants.
_clu_tree() {
  local p c
  for p in "$@"; do
    echo "$p"
    for c in $(pgrep -P "$p" 2>/dev/null); do _clu_tree "$c"; done
  done
}

# The shims of engine N's containerd (daemonized: not dockerd's descendants) and their containers.
_clu_shims() {
  pgrep -f "containerd-shim.* -address $CLU_RUN/docker$1-exec/" 2>/dev/null || true
}

# Every process of node N that this script (or the node itself) started: the JVM and its children
# (nginx, docker-registry, their watchdogs) and, with "engine", dockerd, containerd, docker-proxy,
# the shims and the containers' processes.
_clu_procs() {
  local n=$1 what=${2:-all} roots=()
  if [ "$what" != engine ]; then
    local p sid
    p=$(clu_jvm_pid "$n") && roots+=("$p")
    # Everything in the JVM's session (setsid made it the leader; nothing it starts leaves it):
    # this finds what outlived its parent too, e.g. nginx workers whose master was killed first.
    sid=$(tr -dc '0-9' <"$CLU_RUN/node$n.sid" 2>/dev/null || true)
    [ -z "$sid" ] || roots+=($(ps -eo pid=,sid= | awk -v s="$sid" '$2 == s {print $1}'))
    # a JVM whose pid file is gone: matched by its config file, which only this script passes
    roots+=($(pgrep -f -- "-Dconfig.file=$(clu_conf "$n") " 2>/dev/null || true))
    # nginx and docker-registry of this node, matched by their prefix under the node's data dir
    roots+=($(pgrep -f -- "$CLU_DATA/node$n/" 2>/dev/null || true))
  fi
  if [ "$what" != jvm ]; then
    local e
    e=$(clu_engine_pid "$n") && roots+=("$e")
    roots+=($(pgrep -f -- "--exec-root $CLU_RUN/docker$n-exec" 2>/dev/null || true))
    roots+=($(_clu_shims "$n"))
  fi
  [ ${#roots[@]} -eq 0 ] || _clu_tree "${roots[@]}" | sort -un
}

# kill -9 of node N's processes (as _clu_procs lists them), listed again until none is left: a
# process forked while the first list was made (an nginx reload's new workers) is in the next.
_clu_kill9() {
  local pids _
  for _ in $(seq 1 50); do
    pids=$(_clu_procs "$@" | tr '\n' ' ')
    if [ -z "${pids// /}" ]; then
      [ "${2:-all}" = engine ] || rm -f "$CLU_RUN/node$1.sid"
      return 0
    fi
    kill -9 $pids 2>/dev/null || true
    sleep 0.1
  done
}

clu_tools_ensure() {
  [ "$(id -u)" = 0 ] || { echo "skiff-cluster: must run as root (it starts dockerd and nginx on port 80)" >&2; return 1; }
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
  dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
  command -v nft >/dev/null 2>&1 || missing+=(nftables)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "skiff-cluster: installing ${missing[*]} (apt-get)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  fi
}

# Engine N: its own dockerd (and containerd), and the base image for its builder.
clu_engine_start() {
  local n=$1 sock
  sock=$(clu_sock "$n")
  mkdir -p "$CLU_RUN" "$CLU_DATA/docker$n" "$CLU_LOGS"
  if ! clu_engine_pid "$n" >/dev/null; then
    rm -f "$sock" "$CLU_RUN/docker$n.pid"
    # An HTTP proxy on a closed port: nothing this engine does can pull from beyond the machine.
    HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 NO_PROXY=127.0.0.0/8,localhost,::1 \
      setsid dockerd --host "unix://$sock" --data-root "$CLU_DATA/docker$n" --exec-root "$CLU_RUN/docker$n-exec" \
        --pidfile "$CLU_RUN/docker$n.pid" --bridge=none --iptables=false --ip-masq=false --ip-forward=false \
        --default-address-pool "base=10.22$n.0.0/16,size=24" \
        </dev/null >>"$CLU_LOGS/docker$n.log" 2>&1 &
  fi
  local _
  for _ in $(seq 1 120); do
    clu_docker "$n" info >/dev/null 2>&1 && break
    sleep 0.25
  done
  clu_docker "$n" info >/dev/null 2>&1 || { echo "skiff-cluster: engine $n did not start; see $CLU_LOGS/docker$n.log" >&2; return 1; }
  DOCKER_HOST="unix://$sock" bin/make-base-image 2>/dev/null
}

# Node N's JVM, in a session of its own, with an environment of only what it needs (every
# setting is in cluster-config/local-nodeN.conf). SEEDS (comma-separated akka:// addresses)
# replaces the configured seed nodes.
clu_jvm_start() {
  local n=$1 seeds=${2:-} env=(PATH="$PATH" HOME="${HOME:-/root}" LANG=C.UTF-8)
  local v
  for v in JAVA_HOME SKIFF_SECRETS_DIR SKIFF_DB_USER SKIFF_DB_PASSWORD SKIFF_DB_PASSWORD_FILE \
           SKIFF_REGISTRY_PASSWORD_FILE SKIFF_CLUSTER_TLS SKIFF_CLUSTER_TLS_DIR; do
    [ -z "${!v:-}" ] || env+=("$v=${!v}")
  done
  env+=(SKIFF_DB_URL="jdbc:postgresql://127.0.0.1:5432/$CLU_DB")
  [ -z "$seeds" ] || env+=(SKIFF_SEED_NODES="$seeds")
  mkdir -p "$CLU_RUN" "$CLU_DATA/node$n" "$CLU_LOGS"
  # The node's jar, or SKIFF_CLUSTER_CLASSPATH (a build's classes and jars: the tests, no package step).
  local main=(-jar target/skiff.jar)
  [ -z "${SKIFF_CLUSTER_CLASSPATH:-}" ] || main=(-cp "$SKIFF_CLUSTER_CLASSPATH" io.skiff.Main)
  # shellcheck disable=SC2086
  setsid env -i "${env[@]}" java $CLU_JAVA_OPTS -Dconfig.file="$(clu_conf "$n")" "${main[@]}" \
    </dev/null >>"$CLU_LOGS/node$n.log" 2>&1 &
  local pid=$! _
  echo "$pid" >"$CLU_RUN/node$n.pid"
  echo "$pid" >"$CLU_RUN/node$n.sid"
  # setsid and env exec java in the same process: wait until it is java (clu_jvm_pid checks that)
  for _ in $(seq 1 100); do
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = java ] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "skiff-cluster: node $n did not start java; see $CLU_LOGS/node$n.log" >&2
  return 1
}

# The Akka addresses of the nodes other than N whose JVM runs, comma-separated.
clu_other_seeds() {
  local n=$1 m out=()
  for m in "${CLU_NODES[@]}"; do
    [ "$m" = "$n" ] || ! clu_jvm_pid "$m" >/dev/null || out+=("akka://skiff@127.0.0.$m:25520")
  done
  local IFS=,
  echo "${out[*]}"
}

clu_ready() { curl -fsS -m 2 "http://$(clu_mgmt "$1")/ready" >/dev/null 2>&1; }

# Waits until every node given is ready (or one of them died, or the timeout passed).
clu_wait_ready() {
  local deadline=$((SECONDS + CLU_START_TIMEOUT)) n pending
  while :; do
    pending=()
    for n in "$@"; do
      clu_jvm_pid "$n" >/dev/null || { echo "skiff-cluster: node $n exited; see $CLU_LOGS/node$n.log:" >&2; tail -n 20 "$CLU_LOGS/node$n.log" >&2; return 1; }
      clu_ready "$n" || pending+=("$n")
    done
    [ ${#pending[@]} -eq 0 ] && return 0
    [ $SECONDS -lt $deadline ] || { echo "skiff-cluster: node(s) ${pending[*]} not ready after ${CLU_START_TIMEOUT}s; see $CLU_LOGS/" >&2; return 1; }
    sleep 1
  done
}

clu_anything_running() {
  local n
  for n in "${CLU_NODES[@]}"; do
    [ -z "$(_clu_procs "$n")" ] || return 0
  done
  return 1
}

# "<up> <total>" members as node N's akka-management sees them, or nothing.
clu_members() {
  local json
  json=$(curl -fsS -m 2 "http://$(clu_mgmt "$1")/cluster/members" 2>/dev/null) || return 1
  local up total
  up=$(grep -o '"status":"Up"' <<<"$json" | wc -l)
  total=$(grep -o '"node":"akka://[^"]*"' <<<"$json" | sort -u | wc -l)
  echo "$up $total"
}

# Waits until each node given sees COUNT members, all up (at most SKIFF_CLUSTER_START_TIMEOUT).
clu_wait_members() {
  local count=$1 deadline=$((SECONDS + CLU_START_TIMEOUT)) n pending
  shift
  while :; do
    pending=()
    for n in "$@"; do
      [ "$(clu_members "$n" 2>/dev/null)" = "$count $count" ] || pending+=("$n")
    done
    [ ${#pending[@]} -eq 0 ] && return 0
    [ $SECONDS -lt $deadline ] || { echo "skiff-cluster: node(s) ${pending[*]} do not see $count members up after ${CLU_START_TIMEOUT}s" >&2; return 1; }
    sleep 0.5
  done
}

clu_status_line() {
  local n=$1 jvm engine ready members
  jvm=$(clu_jvm_pid "$n") && jvm="up $jvm" || jvm=down
  engine=$(clu_engine_pid "$n") && engine="up $engine" || engine=down
  if [ "$engine" != down ] && ! clu_docker "$n" version >/dev/null 2>&1; then engine="${engine/up/stuck}"; fi
  clu_ready "$n" && ready=ready || ready=not-ready
  members=$(clu_members "$n") || members="? ?"
  local containers="-"
  [ "$engine" = down ] || containers=$(clu_docker "$n" ps -q --filter label=skiff.app 2>/dev/null | wc -l)
  echo "node $n: jvm $jvm; engine $engine; $ready; members up ${members% *} of ${members#* }; containers $containers; api http://$(clu_api "$n") router 127.0.0.$n:80"
}

clu_status() {
  local n all=0 line
  for n in "${CLU_NODES[@]}"; do
    line=$(clu_status_line "$n")
    echo "$line"
    [[ "$line" == *"jvm up"*"engine up"*"; ready;"* ]] || all=1
  done
  return $all
}

# Stops node N's JVM gracefully (it leaves the cluster), then kills what is left of it.
clu_jvm_stop() {
  local n=$1 pid _
  if pid=$(clu_jvm_pid "$n"); then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  _clu_kill9 "$n" jvm
  rm -f "$CLU_RUN/node$n.pid"
}

# Removes engine N's containers and networks, stops it, and kills what is left of it.
clu_engine_stop() {
  local n=$1 pid _ ids
  if pid=$(clu_engine_pid "$n"); then
    ids=$(clu_docker "$n" ps -aq 2>/dev/null || true)
    # shellcheck disable=SC2086
    [ -z "$ids" ] || timeout 60 docker -H "unix://$(clu_sock "$n")" rm -f $ids >/dev/null 2>&1 || true
    timeout 30 docker -H "unix://$(clu_sock "$n")" network prune -f >/dev/null 2>&1 || true
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  _clu_kill9 "$n" engine
}

# What the engines leave when they die: mounts under the cluster's directories, the scN… bridges
# and their veths, the nftables tables inet skiff_nN. Only those.
clu_cleanup_host() {
  local m
  for m in $(awk '{print $2}' /proc/self/mounts | grep -E "^($CLU_DATA|$CLU_RUN)(/|$)" | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
  local n br dev
  for n in "${CLU_NODES[@]}"; do
    for br in $(ip -o link show type bridge 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E "^sc$n[0-9a-f]{12}$" || true); do
      for dev in $(ip -o link show master "$br" 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//'); do
        ip link delete "$dev" 2>/dev/null || true
      done
      ip link delete "$br" 2>/dev/null || true
    done
    if nft list table inet "skiff_n$n" >/dev/null 2>&1; then nft delete table inet "skiff_n$n" 2>/dev/null || true; fi
  done
}

clu_db_recreate() {
  case "$CLU_DB" in *[!a-z0-9_]*|"") echo "skiff-cluster: SKIFF_CLUSTER_DB must be lower-case letters, digits and _" >&2; return 1 ;; esac
  mkdir -p "$CLU_RUN" && echo "$CLU_DB" >"$CLU_RUN/database"
  su postgres -c "dropdb --if-exists --force '$CLU_DB'" >/dev/null 2>&1
  su postgres -c "createdb -O skiff '$CLU_DB'"
}

clu_db_drop() {
  command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 || return 0
  su postgres -c "dropdb --if-exists --force '$CLU_DB'" >/dev/null 2>&1 || true
}
