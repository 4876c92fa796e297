#!/usr/bin/env bash
# Installs everything the framework matrix (tests/frameworks) needs on a fresh Debian 12 machine, as root:
#   Debian's chromium (never a downloaded browser), the npm devDependencies (frameworks + playwright-core),
#   the Python venv with tests/frameworks/requirements.txt, then every tests/frameworks/install.d/*.sh
#   (adapters that need more, e.g. a web server from Debian, put their own idempotent step there).
# Idempotent: each step checks first and does nothing when already done.
#
#   bash tests/frameworks/install.sh
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
WORK="${CORS_LENS_MATRIX_WORK:-$HERE/.work}"
VENV="$WORK/venv"
log() { printf 'install.sh: %s\n' "$*"; }

# ---- apt: only what is missing ----
APT_UPDATED=0
apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$APT_UPDATED" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
export -f apt_install log
export APT_UPDATED

[ -x /usr/bin/chromium ] || apt_install chromium

PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null || apt_install python3
# Debian's python3 needs python3-venv (ensurepip) for `python3 -m venv`.
if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then apt_install python3-venv; fi
command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm

# ---- npm: the root devDependencies (express, express5, cors, fastify, @fastify/cors, playwright-core, ws) ----
LOCK_SUM="$(sha256sum "$REPO/package-lock.json" | cut -d' ' -f1)"
STAMP="$REPO/node_modules/.cors-lens-lock.sha256"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$LOCK_SUM" ]; then
  log "npm ci"
  (cd "$REPO" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$LOCK_SUM" > "$STAMP"
fi

# ---- Python venv (the stamp is the one tests/frameworks/lib.mjs checks) ----
REQ_SUM="$(sha256sum "$HERE/requirements.txt" | cut -d' ' -f1)"
if [ ! -x "$VENV/bin/python" ]; then
  log "python venv at $VENV"
  mkdir -p "$WORK"
  "$PYTHON" -m venv "$VENV"
fi
if [ ! -f "$VENV/.requirements.sha256" ] || [ "$(cat "$VENV/.requirements.sha256")" != "$REQ_SUM" ]; then
  log "pip install -r tests/frameworks/requirements.txt"
  "$VENV/bin/python" -m pip install --disable-pip-version-check -q -r "$HERE/requirements.txt"
  echo "$REQ_SUM" > "$VENV/.requirements.sha256"
fi

# ---- per-adapter steps ----
if [ -d "$HERE/install.d" ]; then
  for step in "$HERE"/install.d/*.sh; do
    [ -e "$step" ] || continue
    log "$(basename "$step")"
    bash "$step"
  done
fi
log "ready"
