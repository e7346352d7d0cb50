# Shared by bin/skiff-node and bin/test (and the test kit): the certificates Akka remoting (Artery
# over TLS, mutual authentication) needs. Only nodes holding a certificate signed by the cluster's
# own CA can join the cluster or send to its actors.
#
#   skiff_tls_ensure [DIR]            DIR default ${SKIFF_SECRETS_DIR:-/etc/skiff}/tls
#     Creates what DIR lacks: a cluster-only CA (ca.key, ca.crt, CN skiff-cluster-ca), this node's
#     key and certificate signed by it (node.key, node.crt; SANs 127.0.0.1-3, ::1, localhost and
#     SKIFF_CLUSTER_HOST when set), the PKCS12 key store node.p12 and trust store truststore.p12
#     (the CA only), both protected by the random password in DIR/store-password. Files 0600,
#     directory 0700. Idempotent; when SKIFF_CLUSTER_HOST is set and the existing node
#     certificate does not name it, the node certificate is issued again.
#   skiff_tls_issue CA_DIR OUT_DIR HOST
#     For a node on another host: OUT_DIR gets ca.crt (not the CA's key), a node certificate for
#     HOST (an IP address or DNS name) and its stores. Copy OUT_DIR to that host's /etc/skiff/tls.
# Prints no secrets (the password stays in its file; openssl and keytool read it from there or
# from the environment of their own process).

skiff_tls_dir() {
  echo "${SKIFF_SECRETS_DIR:-/etc/skiff}/tls"
}

_skiff_tls_tools() {
  if ! command -v openssl >/dev/null 2>&1; then
    echo "skiff: installing openssl (apt-get)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >&2
  fi
  if ! command -v keytool >/dev/null 2>&1; then
    local java
    java=$(command -v java 2>/dev/null || true)
    if [ -n "$java" ] && [ -x "$(dirname "$(readlink -f "$java")")/keytool" ]; then
      SKIFF_KEYTOOL="$(dirname "$(readlink -f "$java")")/keytool"
    else
      echo "skiff: keytool (from the JDK) not found" >&2
      return 1
    fi
  else
    SKIFF_KEYTOOL=keytool
  fi
}

# _skiff_tls_node CA_DIR OUT_DIR HOST...: node key, certificate and stores in OUT_DIR (which has store-password).
_skiff_tls_node() (
  set -euo pipefail
  umask 077
  local ca=$1 out=$2
  shift 2
  local san="" h
  for h in "$@"; do
    [ -n "$h" ] || continue
    if [[ "$h" =~ ^[0-9.]+$ || "$h" == *:* ]]; then san="$san,IP:$h"; else san="$san,DNS:$h"; fi
  done
  san=${san#,}
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\nbasicConstraints=critical,CA:FALSE\n' "$san" > "$out/node.ext"
  openssl req -newkey rsa:3072 -nodes -keyout "$out/node.key" -out "$out/node.csr" -subj "/CN=skiff-cluster" 2>/dev/null
  openssl x509 -req -in "$out/node.csr" -CA "$ca/ca.crt" -CAkey "$ca/ca.key" -CAcreateserial -CAserial "$out/ca.srl" \
    -days 825 -sha256 -extfile "$out/node.ext" -out "$out/node.crt" 2>/dev/null
  rm -f "$out/node.csr" "$out/node.ext" "$out/ca.srl"
  [ "$ca" = "$out" ] || cp "$ca/ca.crt" "$out/ca.crt"
  rm -f "$out/node.p12" "$out/truststore.p12"
  SKIFF_TLS_PW=$(cat "$out/store-password") openssl pkcs12 -export -in "$out/node.crt" -inkey "$out/node.key" \
    -certfile "$out/ca.crt" -name skiff-node -out "$out/node.p12" -passout env:SKIFF_TLS_PW
  _skiff_tls_truststore "$out"
  chmod 0600 "$out"/*
)

# _skiff_tls_truststore DIR: DIR/truststore.p12 holding DIR/ca.crt only.
_skiff_tls_truststore() {
  local out
  out=$(SKIFF_TLS_PW=$(cat "$1/store-password") "$SKIFF_KEYTOOL" -importcert -noprompt -alias skiff-cluster-ca \
    -file "$1/ca.crt" -keystore "$1/truststore.p12" -storetype PKCS12 -storepass:env SKIFF_TLS_PW 2>&1) \
    || { echo "$out" >&2; return 1; }
}

_skiff_tls_hosts() {
  echo 127.0.0.1 127.0.0.2 127.0.0.3 ::1 localhost "$@"
}

skiff_tls_ensure() {
  local dir=${1:-$(skiff_tls_dir)}
  _skiff_tls_tools || return 1
  ( umask 077; mkdir -p "$dir" ) && chmod 0700 "$dir" || return 1
  (
    set -euo pipefail
    umask 077
    exec 9>"$dir/.lock"
    flock 9
    local host=${SKIFF_CLUSTER_HOST:-}
    if [ ! -s "$dir/store-password" ]; then
      openssl rand -hex 32 > "$dir/store-password"
      rm -f "$dir/node.p12" "$dir/truststore.p12"
    fi
    if [ ! -s "$dir/ca.crt" ]; then
      [ ! -e "$dir/node.crt" ] || { echo "skiff: $dir has node.crt but no ca.crt" >&2; exit 1; }
      openssl req -x509 -newkey rsa:3072 -sha256 -days 3650 -nodes -keyout "$dir/ca.key" -out "$dir/ca.crt" \
        -subj "/CN=skiff-cluster-ca" -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
      rm -f "$dir/node.crt" "$dir/node.key" "$dir/node.p12" "$dir/truststore.p12"
      echo "skiff: created the cluster CA in $dir (ca.key signs node certificates: keep it there)" >&2
    fi
    local reissue=0
    [ -s "$dir/node.crt" ] && [ -s "$dir/node.key" ] || reissue=1
    if [ "$reissue" = 0 ] && [ -n "$host" ]; then
      local check=-checkhost
      if [[ "$host" =~ ^[0-9.]+$ || "$host" == *:* ]]; then check=-checkip; fi
      if ! openssl x509 -in "$dir/node.crt" -noout "$check" "$host" | grep -q "does match"; then
        echo "skiff: the node certificate in $dir does not name $host: issuing it again" >&2
        reissue=1
      fi
    fi
    if [ "$reissue" = 1 ]; then
      [ -s "$dir/ca.key" ] || { echo "skiff: $dir has no node certificate and no ca.key to sign one (see README, cluster TLS)" >&2; exit 1; }
      # shellcheck disable=SC2046
      _skiff_tls_node "$dir" "$dir" $(_skiff_tls_hosts "$host")
      echo "skiff: issued the node certificate in $dir for $(_skiff_tls_hosts "$host")" >&2
    elif [ ! -s "$dir/node.p12" ] || [ ! -s "$dir/truststore.p12" ]; then
      rm -f "$dir/node.p12" "$dir/truststore.p12"
      SKIFF_TLS_PW=$(cat "$dir/store-password") openssl pkcs12 -export -in "$dir/node.crt" -inkey "$dir/node.key" \
        -certfile "$dir/ca.crt" -name skiff-node -out "$dir/node.p12" -passout env:SKIFF_TLS_PW
      _skiff_tls_truststore "$dir"
    fi
    chmod 0600 "$dir"/* "$dir/.lock"
  )
}

skiff_tls_issue() {
  local ca=$1 out=$2 host=${3:-}
  [ -n "$host" ] || { echo "usage: skiff_tls_issue CA_DIR OUT_DIR HOST" >&2; return 2; }
  [ -s "$ca/ca.key" ] && [ -s "$ca/ca.crt" ] || { echo "skiff: no ca.key/ca.crt in $ca" >&2; return 1; }
  [ ! -e "$out/node.crt" ] || { echo "skiff: $out already has a node certificate" >&2; return 1; }
  _skiff_tls_tools || return 1
  ( umask 077; mkdir -p "$out" ) && chmod 0700 "$out" || return 1
  ( umask 077; openssl rand -hex 32 > "$out/store-password" ) || return 1
  # shellcheck disable=SC2046
  _skiff_tls_node "$ca" "$out" $(_skiff_tls_hosts "$host") || return 1
  echo "skiff: $out holds a node certificate for $host; copy the directory to that host's $(skiff_tls_dir)" >&2
}
