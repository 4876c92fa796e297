#!/usr/bin/env bash
# CORS Lens: build, test and benchmark the engine natively and as the extension's WebAssembly.
#
#   ./build.sh [build]   native CLI (target/release/cors-lens) + wasm for the extension (extension/pkg)
#   ./build.sh test      cargo test (native), wasm parity in headless Chromium, Node end-to-end tests,
#                        the framework matrix (real servers, real Chromium)
#   ./build.sh bench     native vs wasm verdicts/second on the corpus, the .wasm size, the extension's costs
#   ./build.sh fuzz      the coverage-guided fuzzer, 2.6 million inputs per target (docs/fuzzing.md)
#   ./build.sh package   wasm, then dist/cors-lens-<version>.zip with the extension's runtime files only (one zip
#                        for Chrome and Firefox), linted by web-ext
#   ./build.sh demo      the CLI, then the classic failures in Chromium with the extension: what the CORS tab shows,
#                        a screenshot
#
# Wasm toolchain: rustup's wasm32-unknown-unknown target when installed; otherwise Debian's rustc-web,
# cargo-web and rust-web-src (/usr/bin/cargo, std rebuilt with -Z build-std, in target/debian), which
# .ci/run installs. Also needs wasm-bindgen-cli at Cargo.lock's wasm-bindgen version (.ci/run installs it).
# wasm-opt comes from the npm package binaryen (pinned below): Debian 12's binaryen 108 corrupts
# wasm-bindgen's externref table export.
#
# Env: CARGO_BUILD_JOBS (default 2), WASM_OPT (a wasm-opt binary to use instead),
#      WASM_OPT_LEVEL (default -Oz), CORS_LENS_BENCH_SECS (bench time per figure, default 3).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$PWD
JOBS=${CARGO_BUILD_JOBS:-2}
WASM_TARGET=wasm32-unknown-unknown
WASM_PROFILE=wasm           # Cargo.toml: release, keeping the target_features section for wasm-bindgen/wasm-opt
WASM_TEST_PROFILE=wasm-test # Cargo.toml: quick to compile, for crate/tests/wasm_parity.rs
PKG=$ROOT/extension/pkg
BINARYEN=binaryen@132.0.0
WASM_OPT_LEVEL=${WASM_OPT_LEVEL:--Oz}
export CARGO_TARGET_DIR=$ROOT/target # the e2e tests look for target/debug/cors-lens
export PATH="$PATH:${CARGO_HOME:-$HOME/.cargo}/bin"

log() { printf '\n==> %s\n' "$*"; }
run() {
  printf '+ %s\n' "$*"
  "$@"
}
die() {
  printf 'build.sh: %s\n' "$*" >&2
  exit 1
}
# step NAME CMD...: runs CMD and prints how long it took.
step() {
  local name=$1 start=$SECONDS
  shift
  log "$name"
  "$@"
  printf '    (%s: %ss)\n' "$name" $((SECONDS - start))
}
size_of() { stat -c %s "$1"; }
gz_size_of() { gzip -9c "$1" | wc -c; }

usage() {
  sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

# --- toolchains ------------------------------------------------------------------------------------------

# Sets WASM_CARGO (the cargo command line), WASM_Z (extra flags), WASM_SHIP (extra flags for the shipped
# module only) and WASM_OUT (the target dir).
wasm_toolchain() {
  [[ -n ${WASM_ROUTE:-} ]] && return 0
  if command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -qx "$WASM_TARGET"; then
    WASM_ROUTE=rustup
    WASM_CARGO=(cargo)
    WASM_Z=()
    WASM_SHIP=()
    WASM_OUT=$CARGO_TARGET_DIR
  elif [[ -x /usr/bin/cargo && -x /usr/bin/rustc && -d /usr/lib/rustlib/src/rust/library ]]; then
    # Debian's rustc ships no wasm32 std: build it from rust-web-src. Its own cargo/rustc/rustdoc
    # throughout (rustup's 1.95 cannot use Debian's 1.96 std), and its own target dir.
    WASM_ROUTE=debian
    WASM_OUT=$CARGO_TARGET_DIR/debian
    WASM_CARGO=(env "PATH=/usr/bin:$PATH" RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc
      "CARGO_TARGET_DIR=$WASM_OUT" /usr/bin/cargo)
    WASM_Z=(-Z build-std=std,panic_abort)
    # Since std is compiled here anyway, compile it as rustup's prebuilt std is (optimised for speed:
    # allocator, memcpy and fmt at opt-level "z" cost ~8% of a verdict), and without panic machinery
    # whose messages wasm32-unknown-unknown cannot print anywhere: a panic traps either way (-6.7 KB gz).
    # Not for the parity test, whose harness reports panics with their messages.
    WASM_SHIP=(--config "profile.$WASM_PROFILE.package.std.opt-level=3" --config "profile.$WASM_PROFILE.package.core.opt-level=3"
      --config "profile.$WASM_PROFILE.package.alloc.opt-level=3" --config "profile.$WASM_PROFILE.package.dlmalloc.opt-level=3"
      -Z unstable-options --config "target.$WASM_TARGET.rustflags=['-Zunstable-options','-Cpanic=immediate-abort']")
  else
    die "no Rust toolchain for $WASM_TARGET: 'rustup target add $WASM_TARGET', or on Debian 12: apt-get install rustc-web cargo-web rust-web-src lld-22"
  fi
  log "wasm toolchain: $WASM_ROUTE ($("${WASM_CARGO[@]}" --version))"
}

# The wasm-bindgen CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock.
wasm_bindgen_cli() {
  local want have
  want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' "$ROOT/Cargo.lock")
  [[ -n $want ]] || die "wasm-bindgen not found in Cargo.lock"
  have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }') || true
  [[ $have == "$want" ]] ||
    die "wasm-bindgen-cli $want needed (found '${have:-none}'): cargo install --locked wasm-bindgen-cli --version $want"
}

# Sets WASM_OPT: $WASM_OPT if given, else binaryen's npm build (pinned), installed under target/tools.
wasm_opt() {
  if [[ -n ${WASM_OPT:-} ]]; then return 0; fi
  local tools=$CARGO_TARGET_DIR/tools
  WASM_OPT=$tools/node_modules/.bin/wasm-opt
  if ! [[ -x $WASM_OPT && $("$WASM_OPT" --version) == *"version ${BINARYEN#binaryen@}"* ]]; then
    mkdir -p "$tools"
    run npm install --prefix "$tools" --no-save --no-package-lock --no-audit --no-fund "$BINARYEN"
  fi
}

# --- builds ----------------------------------------------------------------------------------------------

build_native_release() {
  run cargo build --release --bin cors-lens -j"$JOBS"
}

build_native_debug() {
  run cargo build --bin cors-lens -j"$JOBS"
}

# cargo → wasm-bindgen (--target web) → wasm-opt, into extension/pkg; a smoke test in Node before it lands.
build_wasm() {
  wasm_toolchain
  wasm_bindgen_cli
  wasm_opt
  run "${WASM_CARGO[@]}" rustc -p cors-lens --profile "$WASM_PROFILE" --lib --crate-type cdylib --target "$WASM_TARGET" -j"$JOBS" "${WASM_Z[@]}" "${WASM_SHIP[@]}"
  local raw=$WASM_OUT/$WASM_TARGET/$WASM_PROFILE/cors_lens.wasm tmp=$PKG.tmp
  rm -rf "$tmp"
  # --experimental-reset-state-function: __wbg_reset_state, which the worker calls to replace a trapped instance.
  run wasm-bindgen --target web --experimental-reset-state-function --out-dir "$tmp" "$raw"
  echo '{ "type": "module" }' >"$tmp/package.json" # cors_lens.js is an ES module (Node loads it in tests and bench)
  run "$WASM_OPT" "$WASM_OPT_LEVEL" --strip-debug --strip-producers --strip-target-features \
    "$tmp/cors_lens_bg.wasm" -o "$tmp/cors_lens_bg.wasm"
  run node --input-type=module -e "
    import fs from 'node:fs';
    const m = await import('$tmp/cors_lens.js');
    m.initSync({ module: fs.readFileSync('$tmp/cors_lens_bg.wasm') });
    const v = m.check({ request: { method: 'GET', url: 'https://api.example/x', origin: 'https://app.example',
      credentials_mode: 'omit', headers: [], mode: 'cors' }, preflight: null, redirects: [],
      response: { status: 200, headers: [['Access-Control-Allow-Origin', '*']] }, outcome: 'succeeded' });
    if (v.allowed !== true) throw new Error('smoke check: ' + JSON.stringify(v));
    console.log('smoke test: cors-lens ' + m.version() + ' loads and checks in Node');"
  rm -rf "$PKG"
  mv "$tmp" "$PKG"
  WASM_FILE=$PKG/cors_lens_bg.wasm
  printf 'wasm: %s  %s bytes raw, %s bytes gzipped (-9); unoptimised from cargo: %s bytes\n' \
    "${WASM_FILE#"$ROOT"/}" "$(size_of "$WASM_FILE")" "$(gz_size_of "$WASM_FILE")" "$(size_of "$raw")"
}

cmd_build() {
  local start=$SECONDS
  step "native CLI (release)" build_native_release
  step "wasm for the extension" build_wasm
  log "built target/release/cors-lens and extension/pkg in $((SECONDS - start))s"
}

# --- tests -----------------------------------------------------------------------------------------------

PASSED=0
FAILED=0
SKIPPED=0
SUITES_FAILED=()

# suite NAME CMD...: runs a test suite, adds up its passed/failed/skipped counts (cargo's and node's
# closing lines); a suite that fails without reporting a count counts as one failure.
suite() {
  local name=$1 out rc=0 start=$SECONDS
  shift
  log "$name"
  out=$(mktemp)
  "$@" 2>&1 | tee "$out" || rc=$?
  local p f s
  read -r p f s < <(awk '
    /^test result: / { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^ignored/) s += $i } }
    /^(# |ℹ )pass [0-9]+$/ { p += $NF } /^(# |ℹ )fail [0-9]+$/ { f += $NF } /^(# |ℹ )(skipped|todo) [0-9]+$/ { s += $NF }
    END { print p + 0, f + 0, s + 0 }' "$out")
  rm -f "$out"
  if ((rc != 0 && f == 0)); then f=1; fi
  PASSED=$((PASSED + p))
  FAILED=$((FAILED + f))
  SKIPPED=$((SKIPPED + s))
  if ((rc != 0)); then SUITES_FAILED+=("$name"); fi
  printf '    (%s: %s passed, %s failed, %s skipped, exit %s, %ss)\n' "$name" "$p" "$f" "$s" "$rc" $((SECONDS - start))
}

# target/parity/{cases,native}.jsonl for crate/tests/wasm_parity.rs: every corpus exchange plus unusable
# ones (wrong at the top, deep in a list, in a redirect hop), and the native CLI's line for each.
parity_data() {
  local dir=$CARGO_TARGET_DIR/parity
  mkdir -p "$dir"
  PARITY_COUNT=$(node --input-type=module -e "
    import fs from 'node:fs';
    const dir = 'crate/tests/corpus';
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
    const cases = files.flatMap((f) => JSON.parse(fs.readFileSync(dir + '/' + f, 'utf8'))
      .map((c, i) => ({ name: f + ': ' + (c.name ?? i), exchange: c.exchange })));
    const n = cases.length;
    const base = cases[0]?.exchange ?? { request: { method: 'GET', url: 'https://a.example/', origin: 'https://b.example',
      credentials_mode: 'omit', headers: [], mode: 'cors' }, preflight: null, redirects: [], response: null, outcome: 'unknown' };
    const request = (fields) => ({ ...base, request: { ...base.request, ...fields } });
    const unusable = {
      'empty object': {},
      'request is a number': { ...base, request: 1 },
      'request.url is no URL': request({ url: 'not a url' }),
      'a header value is a number': request({ headers: [['X-A', 'a'], ['X-B', 5]] }),
      'a header has three parts': request({ headers: [['X-A', 'a', 'b']] }),
      'headers is an object': request({ headers: { 'X-A': 'a' } }),
      'request.mode is unknown': request({ mode: 'navigate' }),
      'a redirect hop has a numeric url': { ...base, redirects: [{ status: 302, location: 'https://c.example/', next: { url: 7 } }] },
      'response.status is negative': { ...base, response: { status: -1, headers: [] } },
    };
    for (const [name, exchange] of Object.entries(unusable)) cases.push({ name: '(unusable) ' + name, exchange });
    fs.writeFileSync('$dir/cases.jsonl', cases.map((c) => JSON.stringify(c)).join('\n') + '\n');
    fs.writeFileSync('$dir/exchanges.jsonl', cases.map((c) => JSON.stringify(c.exchange)).join('\n') + '\n');
    console.log(n);")
  # Exit 2 means some lines were unusable (the added ones): expected, their errors are compared.
  local rc=0
  "$CARGO_TARGET_DIR/debug/cors-lens" check --jsonl - <"$dir/exchanges.jsonl" >"$dir/native.jsonl" 2>/dev/null || rc=$?
  ((rc == 0 || rc == 2)) || die "cors-lens check --jsonl exited $rc"
  [[ $(wc -l <"$dir/native.jsonl") == $(wc -l <"$dir/cases.jsonl") ]] || die "native.jsonl and cases.jsonl differ in length"
  # More than 200 verdicts must be compared once the corpus exists; at least one before.
  if ((PARITY_COUNT > 0)); then PARITY_MIN=201; else PARITY_MIN=1; fi
  ((PARITY_COUNT == 0 || PARITY_COUNT >= PARITY_MIN)) || die "the corpus has only $PARITY_COUNT exchanges"
  printf 'parity data: %s corpus exchanges + %s unusable ones in %s\n' "$PARITY_COUNT" $(($(wc -l <"$dir/cases.jsonl") - PARITY_COUNT)) "${dir#"$ROOT"/}"
  PARITY_DIR=$dir
}

wasm_parity() {
  local runner
  runner=$(command -v wasm-bindgen-test-runner) || die "wasm-bindgen-test-runner not found (cargo install wasm-bindgen-cli)"
  [[ -x ${CHROMEDRIVER:-/usr/bin/chromedriver} ]] || die "chromedriver not found: apt-get install chromium chromium-driver"
  CORS_LENS_PARITY_DIR=$PARITY_DIR CORS_LENS_PARITY_MIN=$PARITY_MIN \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=$runner CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver} \
    WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-120} \
    run "${WASM_CARGO[@]}" test --profile "$WASM_TEST_PROFILE" --target "$WASM_TARGET" --test wasm_parity --test wasm_allocator \
      -j"$JOBS" "${WASM_Z[@]}"
}

# The same comparison on the optimised module that ships, in Node.
shipped_parity() {
  CORS_LENS_PARITY_DIR=$PARITY_DIR CORS_LENS_PARITY_MIN=$PARITY_MIN CORS_LENS_PKG=$PKG run node --test tests/bench/parity.mjs
}

node_deps() {
  if [[ -f package-lock.json ]]; then run npm ci --no-audit --no-fund; else run npm install --no-audit --no-fund; fi
}

e2e() {
  run node --test tests/e2e/
}

cmd_test() {
  local start=$SECONDS
  step "native CLI (debug, for the parity data and the e2e tests)" build_native_debug
  suite "cargo test (native, workspace)" run cargo test --workspace -j"$JOBS"
  step "fuzzer (coverage-instrumented)" build_fuzz
  suite "fuzz (regressions, then 3 s per target)" run "$FUZZ_BIN" --seconds 3
  step "wasm for the extension" build_wasm
  step "parity data from the native CLI" parity_data
  suite "wasm parity (wasm-bindgen-test, headless Chromium)" wasm_parity
  suite "shipped wasm parity (extension/pkg in Node)" shipped_parity
  if compgen -G 'tests/e2e/*.test.*' >/dev/null || compgen -G 'tests/e2e/*.mjs' >/dev/null; then
    step "npm dependencies" node_deps
    suite "end-to-end (node --test tests/e2e/)" e2e
  else
    log "no end-to-end tests in tests/e2e/"
  fi
  suite "framework matrix (real servers, real Chromium)" run node --test tests/frameworks/matrix.test.mjs
  suite "Next.js traps (real Next.js, real Chromium)" run node --test tests/frameworks/nextjs-traps.test.mjs
  log "build.sh test took $((SECONDS - start))s"
  if ((${#SUITES_FAILED[@]})); then printf 'failed suites: %s\n' "${SUITES_FAILED[*]}"; fi
  printf 'summary: %s passed, %s failed, %s skipped\n' "$PASSED" "$FAILED" "$SKIPPED"
  ((${#SUITES_FAILED[@]} == 0 && FAILED == 0))
}

# --- fuzz ------------------------------------------------------------------------------------------------

# fuzz/ (docs/fuzzing.md): the stable toolchain with LLVM's SanitizerCoverage inline 8-bit counters, read by
# the fuzzer itself (no nightly, no libFuzzer). Its own workspace and target directory.
build_fuzz() {
  # An explicit --target keeps RUSTFLAGS off build scripts and proc macros (they would need the hooks too).
  local host
  host=$(rustc -vV | sed -n 's/^host: //p')
  RUSTFLAGS="-C passes=sancov-module -C llvm-args=-sanitizer-coverage-level=3 -C llvm-args=-sanitizer-coverage-inline-8bit-counters" \
    CARGO_TARGET_DIR=$CARGO_TARGET_DIR/fuzz run cargo build --release --manifest-path fuzz/Cargo.toml --target "$host" -j"$JOBS"
  FUZZ_BIN=$CARGO_TARGET_DIR/fuzz/$host/release/cors-lens-fuzz
}

# CORS_LENS_FUZZ_INPUTS per target (five targets: 13 million in all); figures on RESULT lines.
cmd_fuzz() {
  step "fuzzer (coverage-instrumented)" build_fuzz
  run "$FUZZ_BIN" --inputs "${CORS_LENS_FUZZ_INPUTS:-2600000}" "$@"
}

# --- bench -----------------------------------------------------------------------------------------------

cmd_bench() {
  step "wasm for the extension" build_wasm
  # Native and wasm alternate, round after round, and the summary takes medians: on a shared 2-core
  # machine a slow patch then lands on both sides of one ratio, not on one figure only. Within a round
  # each figure is its side's fastest 250 ms lap (crate/benches/verdicts.rs says why).
  local rounds=${CORS_LENS_BENCH_ROUNDS:-5} figures i
  figures=$(mktemp)
  run cargo bench --bench verdicts -j"$JOBS" --no-run
  [[ -d node_modules/playwright-core ]] || node_deps
  for ((i = 1; i <= rounds; i++)); do
    log "round $i/$rounds: native (cargo bench --bench verdicts), then wasm ($WASM_OPT_LEVEL, extension/pkg) in Node and in Chromium"
    CORS_LENS_BENCH_SECS=${CORS_LENS_BENCH_SECS:-2} cargo bench -q --bench verdicts -j"$JOBS" -- | tee -a "$figures"
    CORS_LENS_BENCH_SECS=${CORS_LENS_BENCH_SECS:-2} node tests/bench/wasm.mjs "$PKG" | tee -a "$figures"
    CORS_LENS_BENCH_SECS=${CORS_LENS_BENCH_SECS:-2} node tests/bench/wasm.mjs "$PKG" --chromium | tee -a "$figures"
  done
  grep -q wasm_check_per_sec "$figures" && grep -q wasm_chromium_check_per_sec "$figures" && grep -q native_json_per_sec "$figures" ||
    die "a bench printed no RESULT line"
  local size gz
  size=$(size_of "$WASM_FILE")
  gz=$(gz_size_of "$WASM_FILE")
  log "bench summary (same corpus, same machine; medians of $rounds alternating rounds)"
  # The target compares like with like: each side takes the exchange in its own data format and gives the
  # verdict back in it (native: JSON text, the CLI's path; wasm: JS objects through serde-wasm-bindgen).
  # The engine-alone figure is printed too: the crossing by itself costs more than a whole native verdict.
  awk -v size="$size" -v gz="$gz" '
    function median(xs, k,   i, j, t) {
      for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (xs[j] < xs[i]) { t = xs[i]; xs[i] = xs[j]; xs[j] = t }
      return k % 2 ? xs[(k + 1) / 2] : (xs[k / 2] + xs[k / 2 + 1]) / 2
    }
    $2 == "native_check_per_sec" { n[++kn] = $3 }
    $2 == "native_json_per_sec" { nj[++kj] = $3 }
    $2 == "wasm_check_per_sec" { w[++kw] = $3; rj[kw] = nj[kj] / $3; rn[kw] = n[kn] / $3 }
    $2 == "wasm_chromium_check_per_sec" { c[++kc] = $3; rc[kc] = nj[kj] / $3 }
    END {
      r = median(rj, kw); re = median(rn, kw); rb = median(rc, kc)
      printf "native:  %d verdicts/s with JSON text in and out (the CLI'"'"'s path)\n", median(nj, kj)
      printf "         %d verdicts/s (check alone, on exchanges already parsed; %.2fx wasm in Node)\n", median(n, kn), re
      printf "wasm:    %d verdicts/s in Node (check per exchange from JS, plain objects in and out)\n", median(w, kw)
      printf "         %d verdicts/s in Chromium (the same, in a page: the V8 the extension runs on)\n", median(c, kc)
      printf "ratio:   native/wasm = %.2fx in Node, %.2fx in Chromium, data in and out on both sides   (target: within 3x)   %s\n",
        r, rb, (r <= 3 && rb <= 3 ? "OK" : (r <= 3 || rb <= 3 ? "OK in one runtime" : "OVER"))
      printf "size:    %d bytes raw, %.1f KB gzipped   (target: under 150 KB gzipped)   %s\n", size, gz / 1024, (gz < 150 * 1024 ? "OK" : "OVER")
    }' "$figures"
  rm -f "$figures"
  log "native Session::ingest per webRequest event (crate/benches/ingest.rs: the engine's share of the extension's per-event figure)"
  CORS_LENS_BENCH_SECS=${CORS_LENS_BENCH_SECS:-2} run cargo bench -q --bench ingest -j"$JOBS"
  log "extension: capture cost per event, memory at 10,000 exchanges, page load with and without it"
  run node tests/bench/extension-bench.mjs
}

# --- package and demo (extension/package.mjs, tests/demo/demo.mjs) ---------------------------------------

cmd_package() {
  step "wasm for the extension" build_wasm
  step "store zip" run node extension/package.mjs
  step "web-ext lint (Firefox)" firefox_lint
}

# Mozilla's add-on linter (web-ext, pinned in package.json) on the zip's contents: errors fail the package;
# the warnings it gives are explained in docs/firefox.md.
firefox_lint() {
  local zip dir
  zip=$(ls -t dist/cors-lens-*.zip | head -1)
  dir=$(mktemp -d)
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$zip" "$dir"
  [[ -x node_modules/.bin/web-ext ]] || node_deps
  local rc=0
  run node_modules/.bin/web-ext lint --source-dir "$dir" --no-input || rc=$?
  rm -rf "$dir"
  return "$rc"
}

# Builds the wasm only when extension/pkg is missing; extra arguments go to the demo (--keep).
cmd_demo() {
  [[ -f $PKG/cors_lens.js && -f $PKG/cors_lens_bg.wasm ]] || step "wasm for the extension" build_wasm
  # The README's command-line examples run target/release/cors-lens.
  step "native CLI (release)" build_native_release
  [[ -d node_modules/playwright-core ]] || node_deps
  run node tests/demo/demo.mjs "$@"
}

# --- main ------------------------------------------------------------------------------------------------

# First use on a fresh machine: install what is missing (idempotent and quick once done). Without root,
# say what to run instead of half-failing later.
ensure_deps() {
  if ((EUID == 0)); then
    step "dependencies (scripts/install-deps.sh)" bash scripts/install-deps.sh
  else
    log "not root: skipping scripts/install-deps.sh (run it as root once if something is missing)"
  fi
}

case ${1:-build} in
  build | test | bench | fuzz | package | demo) ensure_deps ;;
esac

case ${1:-build} in
  build) cmd_build ;;
  test) cmd_test ;;
  bench) cmd_bench ;;
  fuzz) cmd_fuzz "${@:2}" ;;
  package) cmd_package ;;
  demo) cmd_demo "${@:2}" ;;
  -h | --help | help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac
