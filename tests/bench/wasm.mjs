// Wasm verdicts/second over the whole corpus, JS↔wasm crossing included: the optimised module the extension
// ships (extension/pkg, wasm-bindgen --target web), loaded in Node, `check` called once per exchange with a
// plain object, as the extension does. Run by `./build.sh bench` beside crate/benches/verdicts.rs.
//
// usage: node tests/bench/wasm.mjs [PKG_DIR]    (default extension/pkg)
// env:   CORS_LENS_BENCH_SECS  time per figure (default 3); CORS_LENS_BENCH_WARMUP_SECS (default 1)
// The closing `RESULT` lines are read by build.sh.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = path.resolve(process.argv[2] ?? path.join(REPO, 'extension', 'pkg'));
const secs = Number(process.env.CORS_LENS_BENCH_SECS ?? 3);
const warmupSecs = Number(process.env.CORS_LENS_BENCH_WARMUP_SECS ?? 1);

const wasm = await import(pathToFileURL(path.join(pkg, 'cors_lens.js')).href);
wasm.initSync({ module: fs.readFileSync(path.join(pkg, 'cors_lens_bg.wasm')) });

const dir = path.join(REPO, 'crate', 'tests', 'corpus');
const exchanges = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .flatMap((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')).map((c) => c.exchange));
if (exchanges.length === 0) throw new Error(`no exchanges in ${dir}`);

const one = (e) => {
  try {
    return wasm.check(e);
  } catch {
    return null; // an input error: still a crossing and a verdict's worth of work
  }
};
const rejected = exchanges.filter((e) => one(e) === null).length;

/** Runs `round` (which does `per` verdicts) again and again for at least `secs`; verdicts per second. */
function rate(round, per) {
  // Warm-up: V8 compiles wasm with its baseline compiler first and tiers hot functions up to TurboFan in
  // the background, which on 2 cores takes most of a second; the service worker runs for minutes.
  for (const until = performance.now() + warmupSecs * 1000; performance.now() < until; ) round();
  let sink = 0;
  let done = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(secs * 1e9));
  let elapsed = 0n;
  while (elapsed < budget) {
    sink += round();
    done += per;
    elapsed = process.hrtime.bigint() - start;
  }
  if (sink < 0) console.log(sink); // keep the results alive
  return done / (Number(elapsed) / 1e9);
}

const perCall = rate(() => {
  let n = 0;
  for (const e of exchanges) if (one(e)?.allowed) n++;
  return n;
}, exchanges.length);
const batch = rate(() => (rejected ? 0 : wasm.checkMany(exchanges).length), exchanges.length);

console.log(
  `wasm (cors-lens ${wasm.version()}, Node ${process.version}): ${exchanges.length} exchanges` +
    `${rejected ? ` (${rejected} rejected as input errors)` : ''}, ${secs} s per figure`,
);
console.log(`RESULT wasm_check_per_sec ${perCall.toFixed(0)}`);
if (!rejected) console.log(`RESULT wasm_checkmany_per_sec ${batch.toFixed(0)}`);
