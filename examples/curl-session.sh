#!/usr/bin/env bash
# A plain-curl session against a running node (the issue's acceptance walk-through):
#   examples/curl-session.sh [http://127.0.0.1:8000]          # writes, then verifies
#   examples/curl-session.sh [url] verify                     # only verifies (e.g. after kill -9 and a restart)
# Prints each call's status; exits non-zero on the first unexpected status.
set -euo pipefail
API=${1:-http://127.0.0.1:8000}/v1
MODE=${2:-all}
J='Content-Type: application/json'
step() { # expected-status method path [body] [token]
  local want=$1 method=$2 path=$3 body=${4:-} token=${5:-}
  local args=(-s -o /tmp/skiff-step.json -w '%{http_code}' -X "$method" "$API$path")
  [ -n "$body" ] && args+=(-H "$J" -d "$body")
  [ -n "$token" ] && args+=(-H "Authorization: token $token")
  local got; got=$(curl "${args[@]}")
  printf '%-4s %-6s %-45s %s  %s\n' "$got" "$method" "$path" "$([ "$got" = "$want" ] && echo ok || echo "WANTED $want")" "$(head -c 160 /tmp/skiff-step.json)"
  [ "$got" = "$want" ]
}
token() { curl -s -XPOST "$API/auth/login/" -H "$J" -d "{\"username\":\"$1\",\"password\":\"$2\"}" | sed 's/.*"token":"\([0-9a-f]*\)".*/\1/'; }

if [ "$MODE" = all ]; then
  step 401 GET / ''
  step 201 POST /auth/register '{"username":"alice","password":"alice-pw","email":"alice@example.com"}'
  step 201 POST /auth/register '{"username":"bob","password":"bob-pw"}'
  A=$(token alice alice-pw); B=$(token bob bob-pw)
  KEY=$(mktemp -d)/id; ssh-keygen -q -t ed25519 -N '' -f "$KEY" -C alice@laptop
  step 201 POST /keys "{\"id\":\"alice@laptop\",\"public\":\"$(cat "$KEY.pub")\"}" "$A"
  step 201 POST /apps '' "$A"
  step 201 POST /apps '{"id":"session-app"}' "$A"
  step 400 POST /apps '{"id":"Session_App"}' "$A"
  step 201 POST /apps/session-app/config '{"values":{"FOO":"bar","PORT":5000}}' "$A"
  step 201 POST /apps/session-app/config '{"values":{"FOO":null},"memory":{"web":"256M"},"cpu":{"web":512},"tags":{"env":"prod"}}' "$A"
  step 400 POST /apps/session-app/config '{"cpu":{"web":"lots"}}' "$A"
  step 201 POST /apps/session-app/domains '{"domain":"session.example.com"}' "$A"
  step 201 POST /apps/session-app/perms '{"username":"bob"}' "$A"
  step 200 GET /apps/session-app '' "$B"
  step 201 POST /apps/session-app/builds '{"image":"example/session:1","procfile":{"web":"./run"}}' "$B"
  step 200 GET /apps/session-app/releases '' "$A"
  step 201 POST /apps/session-app/releases/rollback '' "$A"
  step 403 DELETE /apps/session-app '' "$B"
fi
A=$(token alice alice-pw)
step 200 GET /apps/session-app '' "$A"
step 200 GET /apps/session-app/config '' "$A"
grep -q '"PORT":"5000"' /tmp/skiff-step.json
step 200 GET /apps/session-app/releases '' "$A"
grep -q '"count":5' /tmp/skiff-step.json
step 200 GET /apps/session-app/domains '' "$A"
step 200 GET /apps/session-app/perms '' "$A"
grep -q '"bob"' /tmp/skiff-step.json
step 200 GET /keys '' "$A"
grep -q 'alice@laptop' /tmp/skiff-step.json
echo "session OK"
