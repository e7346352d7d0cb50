#!/usr/bin/env bash
# Push benchmark (issue 3): time from `git push` start to the release, for a trivial app with a
# warm build cache, split into Docker build time and platform overhead; next to a plain
# `docker build` of the same tree in the same run (the floor).
#   bench/push-bench.sh [pushes]      (default 5 measured pushes after one warm-up push)
# Starts its own node (API 8200, SSH 2322, registry 5100, cluster 25720, management 8758) on a
# fresh database skiff_pushbench, and stops everything it started. Results: bench/results/push-latest.md
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
N=${1:-5}
API_PORT=8200 SSH_PORT=2322 REG_PORT=5100 CLUSTER_PORT=25720 MGMT_PORT=8758
. bin/lib/postgres.sh
. bin/lib/docker.sh
work=$(mktemp -d)
node_pid=""
cleanup() {
  [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null || true
  skiff_docker_stop_if_started
  skiff_pg_stop_if_started
  rm -rf "$work"
}
trap cleanup EXIT
skiff_pg_ensure skiff
skiff_secrets_ensure
skiff_docker_ensure
su postgres -c "dropdb --if-exists skiff_pushbench" 2>/dev/null && su postgres -c "createdb -O skiff skiff_pushbench"
[ -f target/skiff.jar ] || mvn -q -B package -DskipTests
# Remoting over TLS (issue 10): this run's own throwaway cluster CA and node certificate.
. bin/lib/tls.sh
skiff_tls_ensure "$work/tls"

SKIFF_DB_URL=jdbc:postgresql://127.0.0.1:5432/skiff_pushbench SKIFF_API_PORT=$API_PORT SKIFF_SSH_PORT=$SSH_PORT \
SKIFF_REGISTRY=127.0.0.1:$REG_PORT SKIFF_REGISTRY_LISTEN=127.0.0.1:$REG_PORT SKIFF_CLUSTER_PORT=$CLUSTER_PORT \
SKIFF_SEED_NODES=akka://skiff@127.0.0.1:$CLUSTER_PORT SKIFF_MANAGEMENT_PORT=$MGMT_PORT SKIFF_DATA_DIR=$work/data \
SKIFF_CLUSTER_TLS_DIR=$work/tls \
  java -jar target/skiff.jar > "$work/node.log" 2>&1 &
node_pid=$!
for _ in $(seq 1 120); do curl -sf 127.0.0.1:$MGMT_PORT/ready >/dev/null && break; sleep 0.5; done
curl -sf 127.0.0.1:$MGMT_PORT/ready >/dev/null || { tail -50 "$work/node.log"; exit 1; }
for _ in $(seq 1 60); do curl -sf 127.0.0.1:$REG_PORT/v2/ >/dev/null && break; sleep 0.5; done

API=http://127.0.0.1:$API_PORT/v1 J='Content-Type: application/json'
curl -sf -XPOST $API/auth/register -H "$J" -d '{"username":"bench","password":"bench-pw"}' >/dev/null
TOKEN=$(curl -sf -XPOST $API/auth/login/ -H "$J" -d '{"username":"bench","password":"bench-pw"}' | sed 's/.*"token":"\([0-9a-f]*\)".*/\1/')
ssh-keygen -q -t ed25519 -N '' -f "$work/key"
curl -sf -XPOST $API/keys -H "Authorization: token $TOKEN" -H "$J" -d "{\"id\":\"bench\",\"public\":\"$(cat "$work/key.pub")\"}" >/dev/null
curl -sf -XPOST $API/apps -H "Authorization: token $TOKEN" -H "$J" -d '{"id":"pushbench"}' >/dev/null

cp -r examples/hello "$work/app"
cd "$work/app"
git init -q -b main && git add -A && git -c user.name=b -c user.email=b@b commit -qm start
export GIT_SSH_COMMAND="ssh -i $work/key -o UserKnownHostsFile=$work/known_hosts -o StrictHostKeyChecking=accept-new -o IdentitiesOnly=yes -o BatchMode=yes"
git remote add skiff ssh://git@127.0.0.1:$SSH_PORT/pushbench.git

ms() { date +%s%3N; }
push_once() { # prints "total_ms docker_ms"
  local t0 t1 out docker
  echo "<p>$(date +%s%N)</p>" >> public/index.html
  git -c user.name=b -c user.email=b@b commit -qam change
  t0=$(ms); out=$(git push -q skiff main 2>&1); t1=$(ms)
  echo "$out" | grep -q "deployed to Skiff" || { echo "push failed: $out" >&2; exit 1; }
  docker=$(echo "$out" | sed -n 's/.*Built image .* in \([0-9]*\) ms.*/\1/p' | head -1)
  echo "$((t1 - t0)) $docker"
}
plain_build() { # the floor: docker build of the same tree, same cache, no platform
  local t0 t1
  echo "<p>$(date +%s%N)</p>" >> public/index.html
  t0=$(ms); docker build -q -t pushbench-floor:latest . >/dev/null 2>&1; t1=$(ms)
  echo $((t1 - t0))
}

push_once >/dev/null   # warm-up: first push, cold repository
plain_build >/dev/null
totals=() dockers=() overheads=() floors=()
for _ in $(seq 1 "$N"); do
  read -r total docker < <(push_once)
  totals+=("$total"); dockers+=("$docker"); overheads+=("$((total - docker))")
  floors+=("$(plain_build)")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
max() { printf '%s\n' "$@" | sort -n | tail -1; }
mt=$(median "${totals[@]}") md=$(median "${dockers[@]}") mo=$(median "${overheads[@]}") mf=$(median "${floors[@]}")
cd "$here"
{
  echo "# Push benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $N warm pushes of examples/hello"
  echo
  echo "| measure | median ms | max ms |"
  echo "|---|---|---|"
  echo "| git push start → release pushed (client wall time) | $mt | $(max "${totals[@]}") |"
  echo "| of which docker build (builder's own timing) | $md | $(max "${dockers[@]}") |"
  echo "| platform overhead (push − docker build) | $mo | $(max "${overheads[@]}") |"
  echo "| floor: plain \`docker build\` of the same tree | $mf | $(max "${floors[@]}") |"
  echo
  echo "Overhead covers SSH + git transfer, tree export, pushing the build image and the release"
  echo "image to the registry, the Build/Release entities and the read model. Ratio push/floor: $(awk -v a="$mt" -v b="$mf" 'BEGIN{printf "%.1f", a/b}')×."
  echo "Raw: totals=${totals[*]} docker=${dockers[*]} floors=${floors[*]}"
} | tee bench/results/push-latest.md
docker rmi -f pushbench-floor:latest >/dev/null 2>&1 || true
