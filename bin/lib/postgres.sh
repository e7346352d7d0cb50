# Shared by bin/skiff-node and bin/test: make sure a local PostgreSQL runs and has Skiff's role
# and databases. Sets SKIFF_PG_STARTED=1 when this script started the server (so the caller
# can stop it again). Needs root (or the postgres user) on a Debian machine.

skiff_pg_ensure() {
  local databases=("$@")
  if ! command -v pg_lsclusters >/dev/null 2>&1; then
    echo "skiff: installing PostgreSQL (apt-get)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  fi
  local line version name status
  line=$(pg_lsclusters -h | head -n 1)
  if [ -z "$line" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    pg_createcluster "$version" main >&2
    line=$(pg_lsclusters -h | head -n 1)
  fi
  version=$(echo "$line" | awk '{print $1}')
  name=$(echo "$line" | awk '{print $2}')
  status=$(echo "$line" | awk '{print $4}')
  SKIFF_PG_CLUSTER="$version $name"
  if [ "$status" != "online" ]; then
    pg_ctlcluster "$version" "$name" start
    SKIFF_PG_STARTED=1
  fi
  for _ in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 && break
    sleep 0.5
  done
  pg_isready -q -h 127.0.0.1 || { echo "skiff: PostgreSQL did not become ready" >&2; return 1; }
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname = 'skiff'\"" | grep -q 1 \
    || su postgres -c "psql -qc \"CREATE ROLE skiff LOGIN PASSWORD 'skiff' CREATEDB\""
  local db
  for db in "${databases[@]}"; do
    su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname = '$db'\"" | grep -q 1 \
      || su postgres -c "createdb -O skiff '$db'"
  done
}

skiff_pg_stop_if_started() {
  if [ "${SKIFF_PG_STARTED:-0}" = 1 ]; then
    # shellcheck disable=SC2086
    pg_ctlcluster $SKIFF_PG_CLUSTER stop || true
  fi
}
