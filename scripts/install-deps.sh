#!/usr/bin/env bash
# Installs everything CORS Lens needs to build and test on a fresh Debian 12 machine, as root; idempotent
# and quick when everything is there. Used by .ci/run and, on first use, by ./build.sh.
#   - Debian's chromium + chromium-driver and firefox-esr (never a downloaded browser; Firefox is driven over
#     WebDriver BiDi by puppeteer-core, so no geckodriver);
#   - the wasm toolchain: rustup's wasm32 target when installed, else Debian's rustc-web route;
#   - wasm-bindgen-cli at exactly Cargo.lock's wasm-bindgen version;
#   - npm packages, the Python venv and the web servers of the framework matrix (tests/frameworks/install.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DEBIAN_FRONTEND=noninteractive
export PATH="$HOME/.cargo/bin:$PATH"

WASM_TARGET=wasm32-unknown-unknown
rustup_has_wasm() { command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -qx "$WASM_TARGET"; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

apt_packages() {
  # openssl: the probe's TLS test makes its self-signed certificate (tests/e2e/cli-probe.test.mjs).
  local want=(chromium chromium-driver firefox-esr openssl) missing=()
  # rustup cannot download a target here; Debian's rustc-web ships the std source to build one (build.sh).
  if ! rustup_has_wasm; then want+=(rustc-web cargo-web rust-web-src lld-22); fi
  for p in "${want[@]}"; do installed "$p" || missing+=("$p"); done
  ((${#missing[@]} == 0)) && return 0
  echo "install-deps: apt-get install ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
}

# wasm-bindgen-cli at exactly Cargo.lock's wasm-bindgen version (build.sh checks the match).
wasm_bindgen_cli() {
  local want
  want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
  [[ $(wasm-bindgen --version 2>/dev/null) == "wasm-bindgen $want" ]] && return 0
  echo "install-deps: cargo install wasm-bindgen-cli $want"
  # --locked first; the registry may lack a version its lockfile pins, then resolve afresh.
  cargo install --locked wasm-bindgen-cli --version "$want" || cargo install wasm-bindgen-cli --version "$want"
}

# The CLI install is CPU-bound and apt is network/disk-bound: run them side by side.
log=$(mktemp)
wasm_bindgen_cli >"$log" 2>&1 &
cli_pid=$!
apt_packages
if ! wait "$cli_pid"; then
  cat "$log"
  echo "install-deps: wasm-bindgen-cli install failed" >&2
  exit 1
fi
rm -f "$log"
bash tests/frameworks/install.sh
