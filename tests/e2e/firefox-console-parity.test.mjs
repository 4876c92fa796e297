// Console parity with Firefox: the scenarios of the Chromium parity test, plus those where the browsers'
// rules differ, run in Debian's firefox-esr (headless, WebDriver BiDi through puppeteer-core). An Exchange is
// built from the server's log of what Firefox sent and got, and `cors-lens check --browser firefox` must give
// Firefox's outcome and its console line byte for byte (curly quotes, `Status code: N`). The expectation is
// always what Firefox printed in this run.
//
// Env: FIREFOX_BIN (default /usr/bin/firefox-esr), CORS_LENS_BIN (see lib/engine.mjs),
//      CORS_LENS_E2E_ONLY=<substring> (run matching scenarios only).
// Artifact: tests/artifacts/firefox-console-parity.json (exchange, Firefox's lines, verdict per scenario).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { locateEngine, REPO, runEngine } from './lib/engine.mjs';
import { buildExchange } from './lib/exchange.mjs';
import { firefoxAvailable, isFirefoxCorsLine, launchFirefox, openRunner } from './lib/firefox.mjs';
import { BROWSER_DIFFERENCES, SCENARIOS } from './lib/scenarios.mjs';
import { startServerProcess } from './lib/server-process.mjs';

const ARTIFACT = path.join(REPO, 'tests', 'artifacts', 'firefox-console-parity.json');
const only = process.env.CORS_LENS_E2E_ONLY;
const all = [...SCENARIOS.map((s) => ({ ...s, firefox: undefined })),
  ...BROWSER_DIFFERENCES.map((s) => ({ ...s, firefox: s.intents.firefox }))];
const selected = only ? all.filter((s) => s.id.includes(only)) : all;

describe('console parity with Firefox', { skip: !firefoxAvailable() && 'firefox-esr is not installed (scripts/install-deps.sh)' }, () => {
  let server;
  let ff;
  let engineError = null;
  const runs = new Map();

  before(async () => {
    const t0 = Date.now();
    server = await startServerProcess();
    ff = await launchFirefox();
    const runner = await openRunner(ff, `${server.app}/`);
    const runTag = Date.now().toString(36);
    for (const sc of selected) {
      const spec = { client: 'fetch', ...sc.spec({ app: server.app, api: server.api, other: server.other, tag: `${runTag}-${sc.id}` }) };
      await server.reset();
      const obs = await runner.run(spec);
      const log = (await server.log()).filter((e) => e.kind !== 'page');
      // Firefox has no CDP: the method and URL are the script's (fetch upper-cases the six standard methods).
      const exchange = buildExchange({ spec, origin: runner.origin, cdp: {}, log, result: obs.result });
      const lines = obs.errors.filter(isFirefoxCorsLine);
      runs.set(sc.id, { id: sc.id, spec, result: obs.result, firefox_line: lines[0] ?? null, firefox_lines: lines,
        errors: obs.errors, exchange, verdict: null, server_log: log });
    }
    const loc = locateEngine();
    const list = [...runs.values()];
    const out = loc.error ? { error: loc.error } : runEngine(loc.bin, list.map((r) => r.exchange), 'firefox');
    engineError = out.error ?? null;
    (out.verdicts || []).forEach((v, i) => { if (list[i]) list[i].verdict = v; });
    fs.mkdirSync(path.dirname(ARTIFACT), { recursive: true });
    fs.writeFileSync(ARTIFACT, `${JSON.stringify({ firefox: ff.version, origin: runner.origin, engine_error: engineError,
      ms: Date.now() - t0, scenarios: list }, null, 2)}\n`);
  });

  after(async () => {
    if (ff) await ff.browser.close();
    if (server) await server.stop();
  });

  for (const sc of selected) {
    it(sc.id, () => {
      const r = runs.get(sc.id);
      assert.ok(r, 'scenario did not run');
      assert.equal(engineError, null, `engine unavailable: ${engineError}`);
      const v = r.verdict;
      assert.ok(v && !v.__unparsable, `no verdict: ${JSON.stringify(v)}`);
      const what = `${sc.id}: Firefox ${r.result.ok ? 'allowed it' : 'blocked it'}, printed ${JSON.stringify(r.firefox_line)}`;
      assert.equal(v.browser, 'firefox');
      assert.equal(v.allowed, r.result.ok, `verdict.allowed vs Firefox's outcome: ${what}`);
      assert.equal(v.console?.firefox ?? null, r.firefox_line, `console line differs from Firefox's: ${what}`);
      // Where the browsers differ, the scenario must provoke what it is there for.
      if (sc.firefox !== undefined) assert.equal(v.error ?? null, sc.firefox, `verdict.error: ${what}`);
    });
  }
});
