# Shared by bin/skiff-node, bin/test and the benchmarks: the node's secrets, each a file of mode
# 0600 in SKIFF_SECRETS_DIR (default /etc/skiff, mode 0700), made once and kept:
#   db-password         the PostgreSQL role skiff's password (set on the role by skiff_pg_ensure)
#   registry-password   the nodes' password for the platform registry (HTTP Basic)
# Every node of a cluster needs the same files: copy the directory to the other hosts.
# Nothing here prints a secret or puts one on a command line.

skiff_secrets_dir() {
  echo "${SKIFF_SECRETS_DIR:-/etc/skiff}"
}

# skiff_secret_ensure NAME: the file NAME in the secrets directory, made with 32 random bytes in
# hex unless it exists; prints its path.
skiff_secret_ensure() {
  local dir file
  dir=$(skiff_secrets_dir)
  file="$dir/$1"
  (
    umask 077
    mkdir -p "$dir"
    chmod 700 "$dir"
    if [ ! -s "$file" ]; then
      if command -v openssl >/dev/null 2>&1; then
        openssl rand -hex 32 > "$file.tmp"
      else
        od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$file.tmp"
        echo >> "$file.tmp"
      fi
      mv "$file.tmp" "$file"
    fi
    chmod 600 "$file"
  )
  echo "$file"
}

skiff_secrets_ensure() {
  skiff_secret_ensure db-password >/dev/null
  skiff_secret_ensure registry-password >/dev/null
}
