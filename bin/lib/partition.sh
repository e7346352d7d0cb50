# A three-node Skiff cluster in Linux network namespaces of its own, for PartitionTest: the cluster
# network can be cut 2-vs-1 like a pulled cable, which loopback addresses cannot do.
#   bash bin/lib/partition.sh tools|up|partition|heal|down|cleanup|leftovers
#
#   skpartsw   the "switch": a bridge br0 and one veth per node (v1, v2, v3); partition = v3 down.
#   skpartN    node N: lo and eth0 = 10.250.0.N/24 (the other end of vN). Its dockerd (socket
#              /run/skpart/dockerN.sock, data /var/lib/skpart/dockerN, exec root
#              /run/skpart/dockerN-exec, pool 10.23N.0.0/16, no default bridge, no iptables) and
#              its JVM (cluster-config/partition-nodeN.conf: Artery and published container ports
#              on 10.250.0.N, API 127.0.0.1:8000, management 127.0.0.1:8558, router 127.0.0.1:80,
#              node 1 also the registry on 10.250.0.1:5000 and git over SSH on 127.0.0.1:2222)
#              run inside it (nsenter --net only: the processes keep the machine's mount
#              namespace, so dockerd sees /sys/fs/cgroup and the JVM sees the engine's socket).
#   PostgreSQL listens on the machine's 127.0.0.1 only: a socat in the root namespace forwards the
#              unix socket /run/skpart/pg.sock to 127.0.0.1:5432, and a socat inside each node's
#              namespace forwards that namespace's 127.0.0.1:5432 to the socket (a file, shared
#              across network namespaces). PostgreSQL sees 127.0.0.1 as always. The partition
#              cuts the cluster network only: node 3 still reaches the database, the harder case.
#   Test access from the root namespace, through the same kind of socat pair (loopback only):
#              127.0.0.1:1810N -> node N's API, 1820N -> management, 1830N -> router (port 80),
#              18401 -> node 1's git over SSH.
#
# Nothing here touches the root namespace's interfaces, routes, sysctls or firewall: every link,
# address, bridge and nftables table (the engines' skiff_pN, Skiff's own) is inside the
# namespaces, and deleting them removes all of it. State: /run/skpart, /var/lib/skpart, logs in
# $SKPART_LOGS (default /tmp/skpart-logs, kept), database $SKPART_DB (made afresh by up, dropped by
# down). Every wait is bounded.

SKPART_NODES=(1 2 3)
SKPART_NS=(skpart1 skpart2 skpart3 skpartsw)
SKPART_RUN=/run/skpart
SKPART_DATA=/var/lib/skpart
SKPART_LOGS=${SKPART_LOGS:-/tmp/skpart-logs}
# made afresh by up and dropped by cleanup: only a name ending in _part (never a database of
# someone else's by mistake)
SKPART_DB=${SKPART_DB:-skiff_test_part}
SKPART_TLS=${SKPART_TLS:-$(pwd)/target/partition-tls}
# three JVMs and three engines on a small shared machine: a smaller heap, and C1 only (quicker
# start, less CPU; the test measures failure handling, not throughput)
SKPART_JAVA_OPTS=${SKPART_JAVA_OPTS:--Xmx512m -XX:+ExitOnOutOfMemoryError -XX:TieredStopAtLevel=1}
SKPART_START_TIMEOUT=${SKPART_START_TIMEOUT:-90}

skpart_sock() { echo "$SKPART_RUN/docker$1.sock"; }
skpart_docker() { local n=$1; shift; docker -H "unix://$(skpart_sock "$n")" "$@"; }

# Installs what a fresh machine lacks (Debian packages; the test command does not install these).
skpart_tools_ensure() {
  [ "$(id -u)" = 0 ] || { echo "partition: needs root" >&2; return 1; }
  local missing=() t pkg
  for t in socat:socat docker-registry:docker-registry nft:nftables curl:curl openssl:openssl nsenter:util-linux; do
    command -v "${t%%:*}" >/dev/null 2>&1 || missing+=("${t#*:}")
  done
  dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "partition: installing ${missing[*]} (apt-get)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
}

skpart_tools_ok() {
  [ "$(id -u)" = 0 ] || { echo "partition: needs root" >&2; return 1; }
  local t
  for t in ip nsenter dockerd docker socat nginx docker-registry nft curl openssl; do
    command -v "$t" >/dev/null 2>&1 || { echo "partition: $t is missing" >&2; return 1; }
  done
}

# A socat in the background (found again by its /run/skpart/ argument or its namespace).
_skpart_socat() {
  setsid "$@" </dev/null >>"$SKPART_LOGS/socat.log" 2>&1 &
}

# Root 127.0.0.1:ROOTPORT -> node N's 127.0.0.1:NSPORT, through the unix socket NAME.sock.
_skpart_expose() {
  local n=$1 nsport=$2 rootport=$3 name=$4 sock="$SKPART_RUN/$4.sock"
  _skpart_socat nsenter --net="/run/netns/skpart$n" \
    socat "UNIX-LISTEN:$sock,fork,mode=600,unlink-early" "TCP:127.0.0.1:$nsport"
  _skpart_socat socat "TCP-LISTEN:$rootport,bind=127.0.0.1,fork,reuseaddr" "UNIX-CONNECT:$sock"
}

_skpart_net_up() {
  local n
  for n in "${SKPART_NS[@]}"; do
    ip netns add "$n"
    ip -n "$n" link set lo up
  done
  ip -n skpartsw link add br0 type bridge
  ip -n skpartsw link set br0 up
  for n in "${SKPART_NODES[@]}"; do
    # made in the switch's namespace with its peer straight in the node's: never in the root one
    ip -n skpartsw link add "v$n" type veth peer name eth0 netns "skpart$n"
    ip -n skpartsw link set "v$n" master br0 up
    ip -n "skpart$n" addr add "10.250.0.$n/24" dev eth0
    ip -n "skpart$n" link set eth0 up
  done
}

# The cluster certificates: one CA (kept in $SKPART_TLS/ca), one node certificate per node
# naming its 10.250.0.N (skiff_tls_issue, as for a node on another host). Kept between runs.
_skpart_tls() {
  # shellcheck source=tls.sh
  . bin/lib/tls.sh
  SKIFF_CLUSTER_HOST='' skiff_tls_ensure "$SKPART_TLS/ca" 2>/dev/null || return 1
  local n
  for n in "${SKPART_NODES[@]}"; do
    [ -s "$SKPART_TLS/node$n/node.p12" ] || { rm -rf "$SKPART_TLS/node$n"; skiff_tls_issue "$SKPART_TLS/ca" "$SKPART_TLS/node$n" "10.250.0.$n" 2>/dev/null; } || return 1
  done
}

skpart_engine_start() {
  local n=$1 sock
  sock=$(skpart_sock "$n")
  mkdir -p "$SKPART_DATA/docker$n"
  nsenter --net="/run/netns/skpart$n" setsid dockerd --host "unix://$sock" --data-root "$SKPART_DATA/docker$n" \
    --exec-root "$SKPART_RUN/docker$n-exec" --pidfile "$SKPART_RUN/docker$n.pid" \
    --bridge=none --iptables=false --ip6tables=false --ip-masq=false --ip-forward=false \
    --default-address-pool "base=10.23$n.0.0/16,size=24" --insecure-registry 10.250.0.0/24 \
    </dev/null >>"$SKPART_LOGS/docker$n.log" 2>&1 &
  local _
  for _ in $(seq 1 160); do
    skpart_docker "$n" info >/dev/null 2>&1 && break
    sleep 0.25
  done
  skpart_docker "$n" info >/dev/null 2>&1 || { echo "partition: engine $n did not start; see $SKPART_LOGS/docker$n.log" >&2; return 1; }
  DOCKER_HOST="unix://$sock" timeout 120 bin/make-base-image 2>/dev/null
}

# Node N's JVM inside its namespace, with only what it needs in its environment.
skpart_jvm_start() {
  local n=$1 env=(PATH="$PATH" HOME="${HOME:-/root}" LANG=C.UTF-8) v
  for v in JAVA_HOME SKIFF_SECRETS_DIR SKIFF_DB_USER SKIFF_DB_PASSWORD SKIFF_DB_PASSWORD_FILE SKIFF_REGISTRY_PASSWORD_FILE; do
    [ -z "${!v:-}" ] || env+=("$v=${!v}")
  done
  # ApplicationName: PostgreSQL knows which node opened each connection (the test's journal audit)
  env+=(SKIFF_DB_URL="jdbc:postgresql://127.0.0.1:5432/$SKPART_DB?ApplicationName=skpart-node$n")
  env+=(SKIFF_CLUSTER_TLS_DIR="$SKPART_TLS/node$n")
  mkdir -p "$SKPART_DATA/node$n"
  local main=(-jar target/skiff.jar)
  [ -z "${SKIFF_CLUSTER_CLASSPATH:-}" ] || main=(-cp "$SKIFF_CLUSTER_CLASSPATH" io.skiff.Main)
  # nsenter, setsid (not a group leader: no fork) and env each exec the next: $! ends up as java
  # (not a subshell, as a shell function in the background would be)
  # shellcheck disable=SC2086
  nsenter --net="/run/netns/skpart$n" setsid env -i "${env[@]}" java $SKPART_JAVA_OPTS \
    -Dconfig.file="cluster-config/partition-node$n.conf" "${main[@]}" </dev/null >>"$SKPART_LOGS/node$n.log" 2>&1 &
  local pid=$! _
  echo "$pid" >"$SKPART_RUN/node$n.pid"
  for _ in $(seq 1 100); do
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = java ] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "partition: node $n did not start java; see $SKPART_LOGS/node$n.log" >&2
  return 1
}

skpart_jvm_pid() {
  local pid
  pid=$(cat "$SKPART_RUN/node$1.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = java ] && echo "$pid"
}

skpart_ready() { curl -fsS -m 2 "http://127.0.0.1:$((18200 + $1))/ready" >/dev/null 2>&1; }

_skpart_db_ok() {
  case "$SKPART_DB" in
    *[!a-z0-9_]*|"") ;;
    *_part) return 0 ;;
  esac
  echo "partition: SKPART_DB must be lower-case letters, digits and _, ending in _part" >&2
  return 1
}

skpart_up() {
  skpart_tools_ok && _skpart_db_ok || return 1
  skpart_cleanup
  mkdir -p "$SKPART_RUN" "$SKPART_DATA" "$SKPART_LOGS"
  local n
  for n in "${SKPART_NODES[@]}"; do : >"$SKPART_LOGS/node$n.log"; : >"$SKPART_LOGS/docker$n.log"; done
  : >"$SKPART_LOGS/socat.log"
  _skpart_tls || { echo "partition: certificates failed" >&2; return 1; }
  # shellcheck source=postgres.sh
  . bin/lib/postgres.sh
  skiff_pg_ensure >/dev/null || return 1
  su postgres -c "dropdb --if-exists --force '$SKPART_DB'" >/dev/null 2>&1
  su postgres -c "createdb -O skiff '$SKPART_DB'" || return 1
  _skpart_net_up || return 1
  _skpart_socat socat "UNIX-LISTEN:$SKPART_RUN/pg.sock,fork,mode=600,unlink-early" TCP:127.0.0.1:5432
  for n in "${SKPART_NODES[@]}"; do
    _skpart_socat nsenter --net="/run/netns/skpart$n" \
      socat TCP-LISTEN:5432,bind=127.0.0.1,fork,reuseaddr "UNIX-CONNECT:$SKPART_RUN/pg.sock"
    _skpart_expose "$n" 8000 $((18100 + n)) "api$n"
    _skpart_expose "$n" 8558 $((18200 + n)) "mgmt$n"
    _skpart_expose "$n" 80 $((18300 + n)) "router$n"
  done
  _skpart_expose 1 2222 18401 ssh1
  local failed=0
  for n in "${SKPART_NODES[@]}"; do skpart_engine_start "$n" & done
  for n in "${SKPART_NODES[@]}"; do wait -n || failed=1; done
  [ "$failed" = 0 ] || { echo "partition: an engine did not start" >&2; return 1; }
  for n in "${SKPART_NODES[@]}"; do skpart_jvm_start "$n" || return 1; done
  local deadline=$((SECONDS + SKPART_START_TIMEOUT)) pending
  while :; do
    pending=()
    for n in "${SKPART_NODES[@]}"; do
      skpart_jvm_pid "$n" >/dev/null || { echo "partition: node $n exited:" >&2; tail -n 20 "$SKPART_LOGS/node$n.log" >&2; return 1; }
      skpart_ready "$n" || pending+=("$n")
    done
    [ ${#pending[@]} -eq 0 ] && break
    [ $SECONDS -lt $deadline ] || { echo "partition: node(s) ${pending[*]} not ready after ${SKPART_START_TIMEOUT}s; see $SKPART_LOGS" >&2; return 1; }
    sleep 1
  done
  echo "partition: 3 nodes ready" >&2
}

# The cut: node 3's port on the switch goes down (node 1 and 2 still see each other).
skpart_partition() { ip -n skpartsw link set v3 down; }
skpart_heal() { ip -n skpartsw link set v3 up; }

# PIDs and all their descendants.
_skpart_tree() {
  local p c
  for p in "$@"; do
    echo "$p"
    for c in $(pgrep -P "$p" 2>/dev/null); do _skpart_tree "$c"; done
  done
}

# Everything this file started: whatever runs in the namespaces (with descendants: the
# containers' processes, which sit in namespaces of their own), the engines' daemonized shims, the
# socats in the root namespace, and a JVM whose namespace is gone. Never a pid from a file: a
# stale one may belong to someone else by now.
_skpart_procs() {
  local roots=() ns
  for ns in "${SKPART_NS[@]}"; do
    [ -e "/run/netns/$ns" ] && roots+=($(ip netns pids "$ns" 2>/dev/null || true))
  done
  roots+=($(pgrep -f -- "-address $SKPART_RUN/docker" 2>/dev/null || true))
  roots+=($(pgrep -f -- "--exec-root $SKPART_RUN/" 2>/dev/null || true))
  roots+=($(pgrep -f -- "-Dconfig.file=cluster-config/partition-node" 2>/dev/null || true))
  roots+=($(pgrep -f -- "socat .*$SKPART_RUN/" 2>/dev/null || true))
  roots+=($(pgrep -f -- "$SKPART_DATA/node" 2>/dev/null || true))
  [ ${#roots[@]} -eq 0 ] || _skpart_tree "${roots[@]}" | sort -un | grep -vx "$$" || true
}

# Force: kill -9 of everything, unmount, delete the namespaces (and with them every veth,
# bridge, address and nftables table inside), remove the state, drop the database. Idempotent.
skpart_cleanup() {
  local pids _ ns m
  for _ in 1 2 3; do
    pids=$(_skpart_procs | tr '\n' ' ')
    [ -z "${pids// /}" ] && break
    # shellcheck disable=SC2086
    kill -9 $pids 2>/dev/null || true
    sleep 0.5
  done
  for m in $(awk '{print $2}' /proc/self/mounts | grep -E "^($SKPART_DATA|$SKPART_RUN)(/|$)" | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
  # a container killed with its engine leaves its (empty) cgroups: only those of our containers
  local id
  for id in $(ls "$SKPART_DATA"/docker*/containers 2>/dev/null | grep -E '^[0-9a-f]{64}$' || true); do
    rmdir /sys/fs/cgroup/*/docker/"$id" /sys/fs/cgroup/docker/"$id" 2>/dev/null || true
  done
  for ns in "${SKPART_NS[@]}"; do
    [ -e "/run/netns/$ns" ] && ip netns del "$ns" 2>/dev/null
  done
  rm -rf "$SKPART_RUN" "$SKPART_DATA"
  if _skpart_db_ok && command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1; then
    su postgres -c "dropdb --if-exists --force '$SKPART_DB'" >/dev/null 2>&1 || true
  fi
  return 0
}

# Gently first (the JVMs leave, the engines remove their containers), then skpart_cleanup.
skpart_down() {
  local n pid _
  for n in "${SKPART_NODES[@]}"; do
    pid=$(skpart_jvm_pid "$n") && kill -TERM "$pid" 2>/dev/null
  done
  # within 15 s (leaving when all go at once waits out cluster-exiting, 10 s)
  for _ in $(seq 1 75); do
    pid=""
    for n in "${SKPART_NODES[@]}"; do pid="$pid$(skpart_jvm_pid "$n")"; done
    [ -z "$pid" ] && break
    sleep 0.2
  done
  for n in "${SKPART_NODES[@]}"; do
    (
      ids=$(timeout 10 docker -H "unix://$(skpart_sock "$n")" ps -aq 2>/dev/null) || exit 0
      # shellcheck disable=SC2086
      [ -z "$ids" ] || timeout 10 docker -H "unix://$(skpart_sock "$n")" rm -f $ids >/dev/null 2>&1
      pid=$(cat "$SKPART_RUN/docker$n.pid" 2>/dev/null) && kill -TERM "$pid" 2>/dev/null
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    ) &
  done
  wait
  skpart_cleanup
}

# Anything of ours left on the machine (empty when clean).
skpart_leftovers() {
  local ns
  _skpart_procs | sed 's/^/process /'
  for ns in "${SKPART_NS[@]}"; do [ ! -e "/run/netns/$ns" ] || echo "namespace $ns"; done
  ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | grep -E '^(v[123]|br0|sp[123])' | sed 's/^/root-namespace link /' || true
  awk '{print $2}' /proc/self/mounts | grep -E "^($SKPART_DATA|$SKPART_RUN)(/|$)" | sed 's/^/mount /' || true
  [ ! -e "$SKPART_RUN" ] || echo "directory $SKPART_RUN"
  [ ! -e "$SKPART_DATA" ] || echo "directory $SKPART_DATA"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -uo pipefail
  cd "$(dirname "$0")/../.." || exit 1
  case "${1:-}" in
    tools) skpart_tools_ensure ;;
    up) skpart_up ;;
    partition) skpart_partition ;;
    heal) skpart_heal ;;
    down) skpart_down; skpart_leftovers ;;
    cleanup) skpart_cleanup; skpart_leftovers ;;
    leftovers) skpart_leftovers ;;
    *) sed -n '3p' "$0" | sed 's/^# *//' >&2; exit 2 ;;
  esac
fi
