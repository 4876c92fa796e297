// Console parity: for every CORS failure a local server can provoke, Chromium's own console line, CDP's
// corsErrorStatus and the page's result are recorded, an Exchange is built from what was observed (server
// log + CDP), and `cors-lens check --jsonl -` must reproduce Chromium's verdict and its line byte for byte.
// The expectation is always what Chromium printed in this run; nothing here hard-codes a console line.
//
//   node --test tests/e2e/            (npm run test:e2e)
// Env: CORS_LENS_BIN (engine binary; default target/debug/cors-lens, built if missing),
//      CHROMIUM_BIN (default /usr/bin/chromium), CORS_LENS_SKIP_ENGINE=1 (only check the Chromium side),
//      CORS_LENS_E2E_ONLY=<substring> (run matching scenarios only).
// Artifact: tests/artifacts/console-parity.json (exchange, Chromium line, CDP error, verdict per scenario).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { cdpCompact, cdpSummary, isCorsLine, launch } from './lib/browser.mjs';
import { locateEngine, REPO, runEngine } from './lib/engine.mjs';
import { buildExchange } from './lib/exchange.mjs';
import { SCENARIOS } from './lib/scenarios.mjs';
import { startServerProcess } from './lib/server-process.mjs';

const ARTIFACT = path.join(REPO, 'tests', 'artifacts', 'console-parity.json');

/**
 * The engine holds header values as bytes (one code point per byte); CDP sends a failedParameter as the
 * UTF-8 text of those bytes, and an empty string when they are not UTF-8.
 */
function asCdpText(bytes) {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(bytes, 'latin1'));
  } catch {
    return '';
  }
}

const only = process.env.CORS_LENS_E2E_ONLY;
const selected = only ? SCENARIOS.filter((s) => s.id.includes(only)) : SCENARIOS;
const skipEngine = process.env.CORS_LENS_SKIP_ENGINE === '1';

describe('console parity with Chromium', () => {
  let server;
  let browser;
  let engineError = null;
  const runs = new Map();
  const timing = {};

  before(async () => {
    const t0 = Date.now();
    server = await startServerProcess();
    browser = await launch(server.app);
    timing.launchMs = Date.now() - t0;
    const runTag = Date.now().toString(36);
    for (const sc of selected) {
      const o = { app: server.app, api: server.api, other: server.other, tag: `${runTag}-${sc.id}` };
      const spec = { client: 'fetch', ...sc.spec(o) };
      await server.reset();
      const obs = await browser.run(spec);
      const log = (await server.log()).filter((e) => e.kind !== 'page');
      const cdp = cdpSummary(obs.cdp);
      const consoleErrors = obs.console.filter((m) => m.type === 'error').map((m) => m.text);
      const corsLines = consoleErrors.filter(isCorsLine);
      const exchange = buildExchange({ spec, origin: browser.origin, cdp, log, result: obs.result });
      runs.set(sc.id, { id: sc.id, intent: sc.intent, spec, result: obs.result, chromium_line: corsLines[0] ?? null,
        cors_lines: corsLines, console_errors: consoleErrors, cdp, exchange, verdict: null,
        server_log: log, cdp_events: cdpCompact(obs.cdp) });
    }
    timing.scenariosMs = Date.now() - t0 - timing.launchMs;
    if (!skipEngine) {
      const t1 = Date.now();
      const loc = locateEngine();
      if (loc.error) {
        engineError = loc.error;
      } else {
        const list = [...runs.values()];
        const out = runEngine(loc.bin, list.map((r) => r.exchange));
        if (out.error) engineError = out.error;
        (out.verdicts || []).forEach((v, i) => { if (list[i]) list[i].verdict = v; });
      }
      timing.engineMs = Date.now() - t1;
    }
    timing.totalMs = Date.now() - t0;
    fs.mkdirSync(path.dirname(ARTIFACT), { recursive: true });
    fs.writeFileSync(ARTIFACT, `${JSON.stringify({ chromium: browser.version, origin: browser.origin,
      engine_error: engineError, timing, scenarios: [...runs.values()] }, null, 2)}\n`);
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  for (const sc of selected) {
    it(sc.id, (t) => {
      const r = runs.get(sc.id);
      assert.ok(r, 'scenario did not run');
      const what = `${sc.id}: chromium line ${JSON.stringify(r.chromium_line)}, CDP ${r.cdp.corsError}(${JSON.stringify(r.cdp.failedParameter)})`;
      // 1. The scenario provokes what it is named after (checks the harness, not the engine).
      if (sc.intent === null) {
        assert.equal(r.result.ok, true, `expected an allowed request: ${what}; result ${JSON.stringify(r.result)}`);
        assert.equal(r.chromium_line, null, `unexpected CORS console line: ${what}`);
      } else {
        assert.equal(r.result.ok, false, `expected a blocked request: ${what}`);
        assert.ok(r.chromium_line, `Chromium printed no CORS line: ${what}; console ${JSON.stringify(r.console_errors)}`);
        if (r.cdp.corsError) assert.equal(r.cdp.corsError, sc.intent, `scenario provoked another error: ${what}`);
      }
      if (skipEngine) { t.skip('CORS_LENS_SKIP_ENGINE=1'); return; }
      assert.equal(engineError, null, `engine unavailable: ${engineError}`);
      const v = r.verdict;
      assert.ok(v && !v.__unparsable, `no verdict: ${JSON.stringify(v)}`);
      // 2. The engine agrees with Chromium.
      assert.equal(v.allowed, r.result.ok, `verdict.allowed vs page result: ${what}`);
      if (r.cdp.corsError) {
        assert.equal(v.error, r.cdp.corsError, `verdict.error vs CDP corsError: ${what}`);
        assert.equal(asCdpText(v.failed_parameter ?? ''), r.cdp.failedParameter ?? '', `verdict.failed_parameter vs CDP failedParameter: ${what}`);
      }
      if (r.chromium_line === null) {
        assert.ok(!v.console?.chromium, `engine printed a line Chromium did not: ${JSON.stringify(v.console?.chromium)}`);
      } else {
        assert.equal(v.console?.chromium, r.chromium_line, `console line differs from Chromium's: ${sc.id}`);
      }
    });
  }
});
