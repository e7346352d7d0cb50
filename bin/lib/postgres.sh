# Shared by bin/skiff-node and bin/test: make sure a local PostgreSQL runs and has Skiff's role
# and databases. Sets SKIFF_PG_STARTED=1 when this script started the server (so the caller
# can stop it again). Needs root (or the postgres user) on a Debian machine.
# The role skiff logs in over TCP with scram-sha-256 and the random password in
# $SKIFF_SECRETS_DIR/db-password (bin/lib/secrets.sh), set on the role on every run.

# shellcheck source=secrets.sh
. "$(dirname "${BASH_SOURCE[0]}")/secrets.sh"

# skiff_pg_set_password ROLE FILE: sets ROLE's password to FILE's first line. The statement goes
# to psql on stdin (never on a command line) with statement logging off for it; PostgreSQL 15
# stores it as a scram-sha-256 verifier.
skiff_pg_set_password() {
  local role=$1 file=$2 password
  password=$(head -n 1 "$file")
  case "$password" in
    *[!0-9a-f]*|"") echo "skiff: $file must hold a hex password" >&2; return 1 ;;
  esac
  printf "SET log_statement = 'none';\nSET password_encryption = 'scram-sha-256';\nALTER ROLE \"%s\" PASSWORD '%s';\n" \
    "$role" "$password" | su postgres -c "psql -q -v ON_ERROR_STOP=1 -X" >/dev/null
}

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
    || su postgres -c "psql -qc \"CREATE ROLE skiff LOGIN CREATEDB\""
  skiff_pg_set_password skiff "$(skiff_secret_ensure db-password)"
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
