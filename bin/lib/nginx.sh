# Shared by bin/skiff-node and bin/test: make sure nginx (Debian's nginx-light) is installed for
# nodes with the router role. Skiff runs nginx itself, as a child process with its own config
# under <data-dir>/router; the Debian service is not used (nothing here starts or enables it).

skiff_nginx_ensure() {
  if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    echo "skiff: installing nginx-light (apt-get)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    # policy-rc.d 101: do not let the package start the stock nginx service on port 80
    local policy=/usr/sbin/policy-rc.d created=0
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >&2
    if [ "$created" = 1 ]; then rm -f "$policy"; fi
  fi
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { echo "skiff: nginx is not installed" >&2; return 1; }
}
