#!/usr/bin/env bash
# Skiff store prototype: a one-node Ceph (mon + mgr + 1 bluestore-on-file OSD)
# with radosgw (beast) on 127.0.0.1, as an S3 endpoint.
#   store.sh start|stop|status
# State: $STORE_DIR (default /var/lib/skiff-store-proto); logs: $STORE_LOGS.
# No loop devices, no LVM, no systemd: bluestore uses a sparse file as its block device.
set -euo pipefail

D=${STORE_DIR:-/var/lib/skiff-store-proto}
LOGS=${STORE_LOGS:-/tmp/store/logs}
MON_PORT=${STORE_MON_PORT:-13300}         # msgr v2 only
RGW_PORT=${STORE_RGW_PORT:-17480}
RGW_TLS_PORT=${STORE_RGW_TLS_PORT:-17443} # set to 0 to disable the TLS endpoint
WITH_MGR=${STORE_WITH_MGR:-1}
OSD_SIZE=${STORE_OSD_SIZE:-20G}           # sparse
BUCKETS=${STORE_BUCKETS:-skiff-registry skiff-pgbackrest skiff-git}
WAIT=${STORE_WAIT:-60}                    # seconds, per bounded wait
CONF=$D/ceph.conf
CEPH="ceph -c $CONF --connect-timeout 10"

log() { echo "[store $(date +%T)] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# alive = exists, is not a zombie (PID 1 here may reap late), and is a ceph/radosgw process
proc_alive() {
  local st
  st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $st && $st != Z && $st != X ]] && tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null | grep -qE 'ceph-|radosgw'
}
pid_alive() { [[ -f $1 ]] && proc_alive "$(cat "$1")"; }
# not running: drop a stale pid file (left by a crash / kill -9) so waits don't see it
not_running() { pid_alive "$1" && return 1; rm -f "$1"; }

wait_for() { # wait_for SECONDS DESCRIPTION CMD...
  local t=$1 what=$2; shift 2
  local end=$((SECONDS + t))
  local rc
  while :; do
    rc=0; "$@" >/dev/null 2>>"$LOGS/store-waits.log" || rc=$?
    ((rc == 0)) && return 0
    ((rc == 99)) && die "$what: daemon exited (see $LOGS)"
    (( SECONDS < end )) || die "timed out after ${t}s waiting for $what"
    sleep 0.3
  done
}

write_conf() {
  mkdir -p "$D"/{mon,mgr,osd,rgw,run,tls} "$LOGS"
  [[ -f $D/fsid ]] || uuidgen > "$D/fsid"
  cat > "$CONF" <<EOF
[global]
fsid = $(cat "$D/fsid")
mon_host = [v2:127.0.0.1:$MON_PORT]
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
ms_bind_ipv4 = true
ms_bind_ipv6 = false
ms_bind_msgr1 = false
ms_bind_msgr2 = true
auth_cluster_required = cephx
auth_service_required = cephx
auth_client_required = cephx
keyring = $D/\$name.keyring
run_dir = $D/run
pid_file = $D/run/\$name.pid
admin_socket = $D/run/\$name.asok
log_file = $LOGS/\$name.log
mon_cluster_log_file = $LOGS/cluster.log
crash_dir = $D/crash
# one node, one OSD
osd_pool_default_size = 1
osd_pool_default_min_size = 1
mon_allow_pool_size_one = true
osd_crush_chooseleaf_type = 0
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
mon_max_pg_per_osd = 1000
mon_warn_on_pool_no_redundancy = false
mon_data_avail_warn = 10
mon_allow_pool_delete = true
# small machine
osd_memory_target = 1073741824
bluestore_cache_autotune = true

[mon]
mon_data = $D/mon/\$id
mon_initial_members = a
keyring = $D/mon/\$id/keyring

[mgr]
mgr_data = $D/mgr/\$id
mgr_initial_modules = iostat
mgr_standby_modules = false

[osd]
osd_data = $D/osd/\$id
osd_objectstore = bluestore
bluestore_block_create = true
bluestore_block_size = $(numfmt --from=iec "$OSD_SIZE")
bluestore_fsck_on_mount = false
osd_crush_update_on_start = true

[client.rgw.proto]
rgw_data = $D/rgw
rgw_frontends = beast tcp_nodelay=1 endpoint=127.0.0.1:$RGW_PORT$( ((RGW_TLS_PORT)) && echo " ssl_endpoint=127.0.0.1:$RGW_TLS_PORT ssl_certificate=$D/tls/rgw.crt ssl_private_key=$D/tls/rgw.key")
rgw_thread_pool_size = 64
rgw_enable_usage_log = false
EOF
}

bootstrap() {
  log "bootstrapping new cluster in $D"
  local fsid; fsid=$(cat "$D/fsid")
  ceph-authtool --create-keyring "$D/mon.keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool --create-keyring "$D/client.admin.keyring" --gen-key -n client.admin \
    --cap mon 'allow *' --cap osd 'allow *' --cap mds 'allow *' --cap mgr 'allow *' >/dev/null
  ceph-authtool "$D/mon.keyring" --import-keyring "$D/client.admin.keyring" >/dev/null
  monmaptool --create --addv a "[v2:127.0.0.1:$MON_PORT]" --fsid "$fsid" "$D/monmap" >/dev/null
  ceph-mon -c "$CONF" --mkfs -i a --monmap "$D/monmap" --keyring "$D/mon.keyring"
  touch "$D/mon/a/done"
}

tls_cert() {
  ((RGW_TLS_PORT)) || return 0
  [[ -f $D/tls/rgw.crt ]] && return 0
  log "creating self-signed CA + cert for 127.0.0.1"
  ( cd "$D/tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=skiff-store-ca" \
      -keyout ca.key -out ca.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout rgw.key -out rgw.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > san.ext
    openssl x509 -req -in rgw.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile san.ext -out rgw.crt 2>/dev/null
    chmod 600 ca.key rgw.key )
}

start_mon() {
  if not_running "$D/run/mon.a.pid"; then ceph-mon -c "$CONF" -i a; fi
  wait_for "$WAIT" "mon quorum" $CEPH mon stat
}

start_mgr() {
  ((WITH_MGR)) || return 0
  if [[ ! -f $D/mgr/x/keyring ]]; then
    mkdir -p "$D/mgr/x"
    $CEPH auth get-or-create mgr.x mon 'allow profile mgr' osd 'allow *' mds 'allow *' \
      -o "$D/mgr/x/keyring"
  fi
  if not_running "$D/run/mgr.x.pid"; then ceph-mgr -c "$CONF" -i x --keyring "$D/mgr/x/keyring"; fi
}

start_osd() {
  if [[ ! -f $D/osd/0/ready ]]; then
    log "creating osd.0 (bluestore on sparse file $OSD_SIZE)"
    rm -rf "$D/osd/0"; mkdir -p "$D/osd/0"
    # same uuid on a retry makes 'osd new' return the same id (idempotent)
    [[ -f $D/osd/0.uuid ]] || uuidgen > "$D/osd/0.uuid"
    local uuid; uuid=$(cat "$D/osd/0.uuid")
    local id; id=$($CEPH osd new "$uuid")
    [[ $id == 0 ]] || die "expected osd id 0, got $id"
    ceph-osd -c "$CONF" -i 0 --mkfs --mkkey --no-mon-config --osd-uuid "$uuid" --keyring "$D/osd/0/keyring" \
      >>"$LOGS/osd-mkfs.log" 2>&1 || die "osd mkfs failed, see $LOGS/osd-mkfs.log"
    $CEPH auth add osd.0 osd 'allow *' mon 'allow profile osd' mgr 'allow profile osd' \
      -i "$D/osd/0/keyring"
  fi
  if not_running "$D/run/osd.0.pid"; then ceph-osd -c "$CONF" -i 0 --keyring "$D/osd/0/keyring"; fi
  touch "$D/osd/0/ready"
  wait_for "$WAIT" "osd.0 up" bash -c "$CEPH osd dump -f json | grep -q '\"up\":1'"
}

rgw_up() {
  local pf=$D/run/client.rgw.proto.pid
  if [[ -f $pf ]] && ! pid_alive "$pf"; then
    return 99
  fi
  curl -sf -o /dev/null "http://127.0.0.1:$RGW_PORT/"
}

start_rgw() {
  if [[ ! -f $D/rgw/keyring ]]; then
    $CEPH auth get-or-create client.rgw.proto mon 'allow rw' osd 'allow rwx' mgr 'allow rw' \
      -o "$D/rgw/keyring"
  fi
  if not_running "$D/run/client.rgw.proto.pid"; then
    radosgw -c "$CONF" -n client.rgw.proto --keyring "$D/rgw/keyring"
  fi
  wait_for "$WAIT" "radosgw http" rgw_up
}

ensure_user_and_buckets() {
  local keys=$D/s3-credentials
  if [[ ! -f $keys ]]; then
    radosgw-admin -c "$CONF" user info --uid=skiff >/dev/null 2>&1 ||
      radosgw-admin -c "$CONF" user create --uid=skiff --display-name="Skiff platform" >/dev/null
    local json; json=$(radosgw-admin -c "$CONF" user info --uid=skiff)
    local ak sk
    ak=$(python3 -c 'import json,sys;print(json.load(sys.stdin)["keys"][0]["access_key"])' <<<"$json")
    sk=$(python3 -c 'import json,sys;print(json.load(sys.stdin)["keys"][0]["secret_key"])' <<<"$json")
    ( umask 077
      cat > "$keys.tmp" <<EOF
S3_ENDPOINT=http://127.0.0.1:$RGW_PORT
# TLS endpoint by name: pgBackRest 2.45 matches DNS SANs only, not IP SANs
S3_ENDPOINT_TLS=https://localhost:$RGW_TLS_PORT
S3_CA_FILE=$D/tls/ca.crt
S3_REGION=default
S3_ACCESS_KEY=$ak
S3_SECRET_KEY=$sk
EOF
      mv "$keys.tmp" "$keys" )
    chmod 600 "$keys"
  fi
  # shellcheck disable=SC1090
  . "$keys"
  local b
  for b in $BUCKETS; do
    s3 mb "s3://$b" >/dev/null 2>&1 || s3 ls "s3://$b" >/dev/null || die "cannot create bucket $b"
  done
}

s3() { # s3cmd against the store
  # shellcheck disable=SC1090
  . "$D/s3-credentials"
  s3cmd --no-ssl --host="127.0.0.1:$RGW_PORT" --host-bucket="127.0.0.1:$RGW_PORT" \
    --access_key="$S3_ACCESS_KEY" --secret_key="$S3_SECRET_KEY" --region=default "$@"
}

cmd_start() {
  command -v ceph-mon >/dev/null && command -v radosgw >/dev/null ||
    die "needs: apt-get install -y --no-install-recommends ceph-mon ceph-osd ceph-mgr radosgw ceph-common"
  local t0=$SECONDS
  write_conf
  [[ -f $D/mon/a/done ]] || bootstrap
  tls_cert
  start_mon
  $CEPH config set mon auth_allow_insecure_global_id_reclaim false >/dev/null 2>&1 || true
  log "mon up"
  start_mgr
  start_osd
  log "osd up"
  start_rgw
  log "rgw up"
  ensure_user_and_buckets
  log "ready in $((SECONDS - t0))s: S3 at http://127.0.0.1:$RGW_PORT (credentials $D/s3-credentials)"
}

stop_one() { # stop_one NAME
  local pf=$D/run/$1.pid
  pid_alive "$pf" || { rm -f "$pf"; return 0; }
  local pid; pid=$(cat "$pf")
  kill -TERM "$pid" 2>/dev/null || true
  local end=$((SECONDS + 20))
  while proc_alive "$pid" && (( SECONDS < end )); do sleep 0.2; done
  if proc_alive "$pid"; then log "$1 ($pid) did not stop, KILL"; kill -KILL "$pid" || true; fi
  rm -f "$pf"
}

cmd_stop() {
  # reverse order: rgw, osd, mgr, mon (osd first flushes to bluestore, mon last)
  stop_one client.rgw.proto
  stop_one osd.0
  stop_one mgr.x
  stop_one mon.a
  log "stopped"
}

cmd_status() {
  local rc=0 n
  for n in mon.a mgr.x osd.0 client.rgw.proto; do
    if pid_alive "$D/run/$n.pid"; then
      printf '%-18s running pid %s rss %s kB\n' "$n" "$(cat "$D/run/$n.pid")" \
        "$(awk '/VmRSS/{print $2}' /proc/"$(cat "$D/run/$n.pid")"/status)"
    else
      printf '%-18s stopped\n' "$n"; [[ $n == mgr.x && $WITH_MGR == 0 ]] || rc=1
    fi
  done
  if ((rc == 0)); then
    timeout 15 $CEPH -s 2>/dev/null || rc=1
    curl -sf -o /dev/null "http://127.0.0.1:$RGW_PORT/" && echo "s3: http://127.0.0.1:$RGW_PORT ok" || rc=1
  fi
  return $rc
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  s3) shift; s3 "$@" ;;
  *) echo "usage: $0 start|stop|status|s3 ARGS..." >&2; exit 2 ;;
esac
