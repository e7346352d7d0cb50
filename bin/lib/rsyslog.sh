# Shared by bin/test: make sure rsyslog (the seed's own log server) and util-linux's `logger` are
# installed, for the logger's interoperability tests and benchmark. The tests run their own
# rsyslogd with their own config on loopback ports and stop it; the Debian service is neither
# started nor enabled here.

skiff_rsyslog_ensure() {
  if ! command -v rsyslogd >/dev/null 2>&1 || ! command -v logger >/dev/null 2>&1; then
    echo "skiff: installing rsyslog and bsdutils (apt-get)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    local policy=/usr/sbin/policy-rc.d created=0
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rsyslog bsdutils >&2
    if [ "$created" = 1 ]; then rm -f "$policy"; fi
  fi
}
