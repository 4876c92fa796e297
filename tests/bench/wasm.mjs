// Wasm verdicts/second over the whole corpus, JS↔wasm crossing included: the optimised module the extension
// ships (extension/pkg, wasm-bindgen --target web), `check` called once per exchange with a plain object, as
// the extension does. Run by `./build.sh bench` beside crate/benches/verdicts.rs, in Node and in headless
// Chromium (the V8 the extension really runs on: its glue for strings and calls is faster than Node 20's).
//
// usage: node tests/bench/wasm.mjs [PKG_DIR] [--chromium]    (default extension/pkg)
// env:   CORS_LENS_BENCH_SECS  time per figure (default 3); CORS_LENS_BENCH_WARMUP_SECS (default 1);
//        CHROMIUM_BIN (/usr/bin/chromium)
// The closing `RESULT` lines are read by build.sh.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const inChromium = args.includes('--chromium');
const pkg = path.resolve(args.find((a) => !a.startsWith('--')) ?? path.join(REPO, 'extension', 'pkg'));
const secs = Number(process.env.CORS_LENS_BENCH_SECS ?? 3);
const warmupSecs = Number(process.env.CORS_LENS_BENCH_WARMUP_SECS ?? 1);

const dir = path.join(REPO, 'crate', 'tests', 'corpus');
const exchanges = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .flatMap((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')).map((c) => c.exchange));
if (exchanges.length === 0) throw new Error(`no exchanges in ${dir}`);

/**
 * The measurement, self-contained so that it runs as is in Node and in a page: verdicts/second for `check`
 * per exchange and for `checkMany` on the whole corpus, each after `warmupSecs` of the same work (V8 runs
 * wasm on its baseline compiler first and tiers hot functions up in the background, which on 2 cores takes
 * most of a second; the service worker runs for minutes). Each figure is the fastest 250 ms lap of `secs`, as
 * in crate/benches/verdicts.rs: see there why.
 */
function measure(wasm, exchanges, secs, warmupSecs) {
  const LAP_MS = 250;
  const one = (e) => {
    try {
      return wasm.check(e);
    } catch {
      return null; // an input error: still a crossing and a verdict's worth of work
    }
  };
  const rejected = exchanges.filter((e) => one(e) === null).length;
  const rate = (round) => {
    for (const until = performance.now() + warmupSecs * 1000; performance.now() < until; ) round();
    let sink = 0;
    let best = 0;
    for (const end = performance.now() + secs * 1000; performance.now() < end; ) {
      let done = 0;
      const start = performance.now();
      do {
        sink += round();
        done += exchanges.length;
      } while (performance.now() - start < LAP_MS);
      best = Math.max(best, done / ((performance.now() - start) / 1000));
    }
    return sink < 0 ? 0 : best; // `sink` keeps the verdicts alive
  };
  const perCall = rate(() => {
    let n = 0;
    for (const e of exchanges) if (one(e)?.allowed) n++;
    return n;
  });
  const batch = rejected ? null : rate(() => wasm.checkMany(exchanges).length);
  return { version: wasm.version(), rejected, perCall, batch };
}

/** Serves the package on loopback, runs `measure` in a headless Chromium page, stops both. */
async function inBrowser() {
  const { chromium } = await import('playwright-core');
  const { CHROMIUM, FLAGS } = await import('../e2e/lib/browser.mjs');
  const types = { '.js': 'text/javascript', '.wasm': 'application/wasm' };
  const server = http.createServer((req, res) => {
    const file = path.join(pkg, path.normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    if (req.url === '/') return res.end('<!doctype html><title>cors-lens wasm bench</title>');
    if (!file.startsWith(pkg + path.sep) || !fs.existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  try {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    const result = await page.evaluate(
      async ({ base, exchanges, secs, warmupSecs, source }) => {
        const wasm = await import(`${base}/cors_lens.js`);
        await wasm.default({ module_or_path: `${base}/cors_lens_bg.wasm` });
        return new Function(`return (${source})`)()(wasm, exchanges, secs, warmupSecs);
      },
      { base, exchanges, secs, warmupSecs, source: measure.toString() },
    );
    return { ...result, runtime: `Chromium ${browser.version()}` };
  } finally {
    await browser.close();
    server.close();
  }
}

async function inNode() {
  const wasm = await import(pathToFileURL(path.join(pkg, 'cors_lens.js')).href);
  wasm.initSync({ module: fs.readFileSync(path.join(pkg, 'cors_lens_bg.wasm')) });
  return { ...measure(wasm, exchanges, secs, warmupSecs), runtime: `Node ${process.version}` };
}

const { version, rejected, perCall, batch, runtime } = inChromium ? await inBrowser() : await inNode();
const suffix = inChromium ? '_chromium' : '';
console.log(
  `wasm (cors-lens ${version}, ${runtime}): ${exchanges.length} exchanges` +
    `${rejected ? ` (${rejected} rejected as input errors)` : ''}, ${secs} s per figure`,
);
console.log(`RESULT wasm${suffix}_check_per_sec ${perCall.toFixed(0)}`);
if (batch !== null) console.log(`RESULT wasm${suffix}_checkmany_per_sec ${batch.toFixed(0)}`);
