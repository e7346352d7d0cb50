# Shared by bin/skiff-node and bin/test: make sure a Docker engine runs on this machine, plus
# the Debian docker-registry binary and the local base image the example apps build FROM.
# Sets SKIFF_DOCKERD_STARTED=1 when this script started dockerd (so the caller can stop it).
#
# dockerd runs without its default bridge, without iptables and without touching ip_forward;
# Skiff creates one bridge network per app (skf* interfaces, addresses from 10.213.0.0/16) and
# guards them with its own nftables table (inet skiff, installed by the node, removed here when
# this script stops what it started). It has an HTTP proxy on a closed local port, so that
# nothing it does (e.g. a Dockerfile FROM an image that is not here) can reach out beyond this
# machine: such a pull fails at once instead.

skiff_docker_ensure() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
  dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
  command -v nft >/dev/null 2>&1 || missing+=(nftables)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "skiff: installing ${missing[*]} (apt-get)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  fi
  if ! docker info >/dev/null 2>&1; then
    echo "skiff: starting dockerd" >&2
    HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 NO_PROXY=127.0.0.1,localhost,::1 \
      nohup dockerd --bridge=none --iptables=false --ip-masq=false --ip-forward=false \
        --default-address-pool base=10.213.0.0/16,size=24 >"${SKIFF_DOCKERD_LOG:-/tmp/skiff-dockerd.log}" 2>&1 &
    SKIFF_DOCKERD_PID=$!
    SKIFF_DOCKERD_STARTED=1
    for _ in $(seq 1 60); do
      docker info >/dev/null 2>&1 && break
      sleep 0.5
    done
    docker info >/dev/null 2>&1 || { echo "skiff: dockerd did not start; see ${SKIFF_DOCKERD_LOG:-/tmp/skiff-dockerd.log}" >&2; return 1; }
  fi
  "$(dirname "${BASH_SOURCE[0]}")/../make-base-image"
}

# Once no Skiff container is left on this engine: the app networks, then Skiff's firewall table.
skiff_bridges_remove_if_idle() {
  docker info >/dev/null 2>&1 || { nft delete table inet skiff 2>/dev/null || true; return 0; }
  [ -z "$(docker ps -aq --filter label=skiff.app 2>/dev/null)" ] || return 0
  docker network prune -f --filter label=skiff.network=app >/dev/null 2>&1 || true
  nft delete table inet skiff 2>/dev/null || true
}

skiff_docker_stop_if_started() {
  skiff_bridges_remove_if_idle
  if [ "${SKIFF_DOCKERD_STARTED:-0}" = 1 ] && [ -n "${SKIFF_DOCKERD_PID:-}" ]; then
    kill "$SKIFF_DOCKERD_PID" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$SKIFF_DOCKERD_PID" 2>/dev/null || break; sleep 0.5; done
  fi
}
