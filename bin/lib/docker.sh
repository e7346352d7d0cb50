# Shared by bin/skiff-node and bin/test: make sure a Docker engine runs on this machine, plus
# the Debian docker-registry binary and the local base image the example apps build FROM.
# Sets SKIFF_DOCKERD_STARTED=1 when this script started dockerd (so the caller can stop it).
#
# dockerd runs without a bridge or iptables (containers use host networking), and with an HTTP
# proxy on a closed local port, so that nothing it does (e.g. a Dockerfile FROM an image that is
# not here) can reach out beyond this machine: such a pull fails at once instead.

skiff_docker_ensure() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
  dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "skiff: installing ${missing[*]} (apt-get)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  fi
  if ! docker info >/dev/null 2>&1; then
    echo "skiff: starting dockerd" >&2
    HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 NO_PROXY=127.0.0.1,localhost,::1 \
      nohup dockerd --bridge=none --iptables=false --ip-masq=false >"${SKIFF_DOCKERD_LOG:-/tmp/skiff-dockerd.log}" 2>&1 &
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

skiff_docker_stop_if_started() {
  if [ "${SKIFF_DOCKERD_STARTED:-0}" = 1 ] && [ -n "${SKIFF_DOCKERD_PID:-}" ]; then
    kill "$SKIFF_DOCKERD_PID" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$SKIFF_DOCKERD_PID" 2>/dev/null || break; sleep 0.5; done
  fi
}
