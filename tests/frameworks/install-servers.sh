#!/usr/bin/env bash
# Installs what the nginx, apache, caddy, rack, axum and actix adapters need on Debian 12, as root:
# Debian's nginx, apache2 (mod_headers, mod_rewrite, mod_lua are in apache2-bin), caddy, ruby with
# ruby-rack, ruby-rack-cors and puma; then fetches the crates of tests/frameworks/rust-servers
# (`cargo fetch --locked`; building them is left to the axum/actix adapters' setup()).
# Idempotent and quick when everything is there. Package scripts are kept from starting the system
# services (a temporary /usr/sbin/policy-rc.d, only when none exists): the adapters run their own.
#
#   bash tests/frameworks/install-servers.sh        (tests/frameworks/install.sh runs it via install.d/)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { printf 'install-servers.sh: %s\n' "$*"; }

PACKAGES=(nginx apache2 caddy ruby ruby-rack ruby-rack-cors puma)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    log "missing ${missing[*]}: run this script as root (apt-get install)"
    exit 1
  fi
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  if [ "${APT_UPDATED:-0}" != 1 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
  fi
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if command -v cargo >/dev/null; then
  # Quick when every crate is already in ~/.cargo/registry.
  (cd "$HERE/rust-servers" && cargo fetch --locked --quiet)
else
  log "cargo not found: the axum and actix adapters need a Rust toolchain"
fi
log "ready"
