// The framework matrix: every adapter in tests/frameworks/adapters/ x the nine failures of harness.mjs (a two-layer
// adapter: the failures of layers.mjs it names).
// Per cell: the broken server in real Chromium -> the engine must agree with Chromium (diagnosed) ->
// `cors-lens fix <framework> -` -> the server with the snippet spliced in -> the request succeeds in
// Chromium (fixed) -> the requests the broken server already allowed still succeed (kept). One test per
// cell; a table at the end and tests/artifacts/framework-matrix.json.
//
//   node --test tests/frameworks/matrix.test.mjs   (after tests/frameworks/install.sh)
// Env: CORS_LENS_MATRIX_ONLY=express,flask (framework ids), CORS_LENS_MATRIX_FAILURES=no-max-age,...,
//      CORS_LENS_MATRIX_CONCURRENCY (cells at once, one Chromium each; default 3),
//      CORS_LENS_BIN, CHROMIUM_BIN (as in tests/e2e).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { launch } from '../e2e/lib/browser.mjs';
import { locateEngine } from '../e2e/lib/engine.mjs';
import { startServerProcess } from '../e2e/lib/server-process.mjs';
import { FAILURES, runCell } from './harness.mjs';
import { LAYER_FAILURES } from './layers.mjs';
import { FRAMEWORKS_DIR, REPO } from './lib.mjs';

const ARTIFACT = path.join(REPO, 'tests', 'artifacts', 'framework-matrix.json');
const TABLE = path.join(REPO, 'tests', 'artifacts', 'framework-matrix.txt');
const ADAPTERS_DIR = path.join(FRAMEWORKS_DIR, 'adapters');
const CONCURRENCY = Math.max(1, Number(process.env.CORS_LENS_MATRIX_CONCURRENCY || 3));

const list = (v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : null);
const onlyFrameworks = list(process.env.CORS_LENS_MATRIX_ONLY);
const onlyFailures = list(process.env.CORS_LENS_MATRIX_FAILURES);

// Adapters: every adapters/*.mjs not starting with '_' (those are shared helpers).
const adapters = [];
for (const file of fs.readdirSync(ADAPTERS_DIR).filter((f) => f.endsWith('.mjs') && !f.startsWith('_')).sort()) {
  const mod = await import(pathToFileURL(path.join(ADAPTERS_DIR, file)).href);
  if (typeof mod.id !== 'string' || typeof mod.setup !== 'function' || typeof mod.start !== 'function') {
    throw new Error(`adapters/${file} does not export id, setup() and start()`);
  }
  if (onlyFrameworks && !onlyFrameworks.includes(mod.id)) continue;
  // A two-layer adapter runs only the failures it names (layers.mjs), asks for its proxy's fix (fixWith) and
  // names its layers as the engine does (layers: { proxy, app }).
  adapters.push({ id: mod.id, file, setup: mod.setup, start: mod.start, fixWith: mod.fixWith, failureIds: mod.failures, layers: mod.layers });
}
const chosen = (f) => !onlyFailures || onlyFailures.includes(f.id);
const failuresOf = (a) => (a.failureIds ? [...FAILURES, ...LAYER_FAILURES].filter((f) => a.failureIds.includes(f.id)) : FAILURES).filter(chosen);
// Every failure some adapter runs: the table's columns.
const failures = [...FAILURES, ...LAYER_FAILURES].filter((f) => chosen(f) && adapters.some((a) => failuresOf(a).includes(f)));
const cellCount = adapters.reduce((n, a) => n + failuresOf(a).length, 0);
// The long cell (no-max-age waits 6 s) first within each framework, so the waits overlap other work.
const ordered = (a) => [...failuresOf(a)].sort((x, y) => (y.id === 'no-max-age') - (x.id === 'no-max-age'));

const mark = (ok) => (ok ? '✓' : '✗');

function table(results) {
  const fw = adapters.map((a) => a.id);
  const w0 = Math.max(9, ...fw.map((f) => f.length));
  const cols = failures.map((f) => f.id);
  const cw = cols.map((c) => Math.max(c.length, 5));
  const head = `${'framework'.padEnd(w0)} | ${cols.map((c, i) => c.padEnd(cw[i])).join(' | ')}`;
  const lines = [head, head.replace(/[^|]/g, '-')];
  for (const f of fw) {
    const cells = cols.map((c, i) => {
      const r = results.get(`${f}/${c}`);
      const text = r ? `${mark(r.diagnosed)} ${mark(r.fixed)} ${r.kept === null ? '·' : mark(r.kept)}` : '-';
      return text.padEnd(cw[i]);
    });
    lines.push(`${f.padEnd(w0)} | ${cells.join(' | ')}`);
  }
  lines.push('', 'each cell: diagnosed fixed kept (✓/✗; kept · = nothing worked before the fix); - = not run');
  return lines.join('\n');
}

describe('framework matrix', { concurrency: CONCURRENCY }, () => {
  let twoOrigin = null;
  const browsers = [];
  const idle = [];
  const waiting = [];
  const setups = new Map();
  const results = new Map();
  let engine = null;
  let t0 = 0;
  let chromiumVersion = null;
  let origin = null;

  const acquire = () => (idle.length ? Promise.resolve(idle.pop()) : new Promise((r) => waiting.push(r)));
  const release = (b) => { const w = waiting.shift(); if (w) w(b); else idle.push(b); };

  before(async () => {
    t0 = Date.now();
    engine = locateEngine();
    // Setups run concurrently (each adapter checks or installs its own prerequisites).
    for (const a of adapters) {
      setups.set(a.id, a.setup().then(() => null, (e) => (e && e.message ? e.message : String(e))));
    }
    twoOrigin = await startServerProcess();
    const n = Math.min(CONCURRENCY, Math.max(1, cellCount));
    for (let i = 0; i < n; i++) browsers.push(await launch(twoOrigin.app));
    idle.push(...browsers);
    chromiumVersion = browsers[0].version;
    origin = browsers[0].origin;
    await Promise.all(setups.values());
  }, { timeout: 15 * 60 * 1000 });

  after(async () => {
    const totalMs = Date.now() - t0;
    const text = table(results);
    fs.mkdirSync(path.dirname(ARTIFACT), { recursive: true });
    const setupErrors = {};
    for (const [id, p] of setups) { const err = await p; if (err) setupErrors[id] = err; }
    fs.writeFileSync(ARTIFACT, `${JSON.stringify({ chromium: chromiumVersion, app_origin: origin, concurrency: CONCURRENCY,
      total_ms: totalMs, engine: engine?.bin ?? null, engine_error: engine?.error ?? null, setup_errors: setupErrors,
      frameworks: adapters.map((a) => a.id), failures: failures.map((f) => f.id), table: text,
      cells: [...results.values()] }, null, 2)}\n`);
    fs.writeFileSync(TABLE, `${text}\n\ntotal ${(totalMs / 1000).toFixed(1)} s, concurrency ${CONCURRENCY}, Chromium ${chromiumVersion}\n`);
    process.stdout.write(`\n${text}\n\ntotal ${(totalMs / 1000).toFixed(1)} s; details: ${path.relative(REPO, ARTIFACT)}\n`);
    await Promise.all(browsers.map((b) => b.close()));
    if (twoOrigin) await twoOrigin.stop();
  });

  for (const a of adapters) {
    for (const f of ordered(a)) {
      it(`${a.id} × ${f.id}`, { timeout: 120000 }, async () => {
        assert.equal(engine.error ?? null, null, `engine unavailable: ${engine.error}`);
        const setupError = await setups.get(a.id);
        if (setupError) {
          results.set(`${a.id}/${f.id}`, { framework: a.id, failure: f.id, diagnosed: false, fixed: false, kept: false, error: `setup: ${setupError}` });
        }
        assert.equal(setupError, null, `${a.id} setup failed: ${setupError}`);
        const browser = await acquire();
        let cell;
        try {
          cell = await runCell({ adapter: a, failure: f, browser, otherOrigin: twoOrigin.other, bin: engine.bin });
        } finally {
          release(browser);
        }
        results.set(`${a.id}/${f.id}`, cell);
        assert.equal(cell.error, null, `${a.id} × ${f.id}: ${cell.error}`);
        const d = cell.diagnosis;
        assert.ok(cell.diagnosed, `${a.id} × ${f.id} not diagnosed: ${d.problems.join('; ')}\n`
          + `  CDP corsError: ${d.cdp_error}\n  engine error:  ${d.engine_error}\n`
          + `  Chromium: ${JSON.stringify(d.chromium_line)}\n  engine:   ${JSON.stringify(d.engine_line)}\n`
          + `  exchange: ${JSON.stringify(cell.exchange)}`);
        assert.ok(cell.fixed, `${a.id} × ${f.id} not fixed: ${(cell.fix_problems || []).join('; ')}\n--- snippet ---\n${cell.fix?.snippet}`);
        assert.notEqual(cell.kept, false, `${a.id} × ${f.id} broke what worked: ${(cell.kept_problems || []).join('; ')}\n--- snippet ---\n${cell.fix?.snippet}`);
      });
    }
  }
});
