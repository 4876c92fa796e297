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
import { startServerProcess } from './lib/server-process.mjs';

const ARTIFACT = path.join(REPO, 'tests', 'artifacts', 'console-parity.json');

/** base + path + query from [[key, value], ...] (repeatable keys allowed). */
function u(base, p, params = []) {
  const q = new URLSearchParams(params).toString();
  return `${base}${p}${q ? `?${q}` : ''}`;
}

const ECHO = [['acao', 'echo']];
const PUT_X = { method: 'PUT', headers: [['X-Test', '1']] };
const PREFLIGHT_OK = [['acao', 'echo'], ['acam', 'PUT'], ['acah', 'x-test'], ['maxage', '0']];

// Each scenario: id, intent (the CorsError Chromium is expected to report, or null for an allowed request;
// this only checks that the scenario provokes what it is named after), spec(o) -> window.run spec, where
// o = { app, api, other, tag } and `tag` is unique per scenario (defeats the preflight and HTTP caches).
const SCENARIOS = [
  // ---- allowed ----
  { id: 'ok-simple-get', intent: null, spec: (o) => ({ url: u(o.api, '/ok', [...ECHO, ['t', o.tag]]) }) },
  { id: 'ok-wildcard', intent: null, spec: (o) => ({ url: u(o.api, '/ok', [['acao', '*'], ['t', o.tag]]) }) },
  { id: 'ok-simple-post-text', intent: null,
    spec: (o) => ({ method: 'POST', body: 'x', headers: [['Content-Type', 'text/plain']], url: u(o.api, '/ok', [...ECHO, ['t', o.tag]]) }) },
  { id: 'ok-preflight-put', intent: null, spec: (o) => ({ ...PUT_X, url: u(o.api, '/ok', [...PREFLIGHT_OK, ['t', o.tag]]) }) },
  { id: 'ok-credentials', intent: null,
    spec: (o) => ({ credentials: 'include', url: u(o.api, '/ok', [...ECHO, ['acac', 'true'], ['t', o.tag]]) }) },
  { id: 'ok-authorization-under-wildcard-acah', intent: null,
    spec: (o) => ({ method: 'PUT', headers: [['Authorization', 'Bearer x']],
      url: u(o.api, '/ok', [...ECHO, ['acam', 'PUT'], ['acah', '*'], ['maxage', '0'], ['t', o.tag]]) }) },
  { id: 'ok-redirect-same-origin', intent: null,
    spec: (o) => ({ url: u(o.api, '/r', [['location', u(o.api, '/final', [...ECHO, ['t', o.tag]])], ['racao', 'echo'], ['t', o.tag]]) }) },
  { id: 'ok-redirect-tainted-null-echoed', intent: null,
    spec: (o) => ({ url: u(o.api, '/r', [['location', u(o.other, '/final', [...ECHO, ['t', o.tag]])], ['racao', 'echo'], ['t', o.tag]]) }) },
  { id: 'ok-redirect-tainted-null-preflight', intent: null,
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/r', [...PREFLIGHT_OK, ['rstatus', '307'], ['racao', 'echo'], ['t', o.tag],
      ['location', u(o.other, '/final', [...PREFLIGHT_OK, ['t', o.tag]])]]) }) },
  { id: 'ok-acah-case-insensitive', intent: null,
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/ok', [...ECHO, ['acam', 'PUT'], ['acah', 'X-TEST'], ['maxage', '0'], ['t', o.tag]]) }) },
  { id: 'ok-no-cors-opaque', intent: null, spec: (o) => ({ mode: 'no-cors', url: u(o.api, '/opaque', [['t', o.tag]]) }) },
  { id: 'ok-xhr-credentials', intent: null,
    spec: (o) => ({ client: 'xhr', credentials: 'include', url: u(o.api, '/ok', [...ECHO, ['acac', 'true'], ['t', o.tag]]) }) },

  // ---- the CORS check on the actual response ----
  { id: 'missing-acao', intent: 'MissingAllowOriginHeader', spec: (o) => ({ url: u(o.api, '/data', [['t', o.tag]]) }) },
  { id: 'missing-acao-500', intent: 'MissingAllowOriginHeader', spec: (o) => ({ url: u(o.api, '/data', [['status', '500'], ['t', o.tag]]) }) },
  { id: 'multiple-acao-lines', intent: 'MultipleAllowOriginValues', spec: (o) => ({ url: u(o.api, '/data', [...ECHO, ...ECHO, ['t', o.tag]]) }) },
  { id: 'multiple-acao-list', intent: 'MultipleAllowOriginValues',
    spec: (o) => ({ url: u(o.api, '/data', [['acao', `${o.app}, https://b.example`], ['t', o.tag]]) }) },
  { id: 'invalid-acao', intent: 'InvalidAllowOriginValue', spec: (o) => ({ url: u(o.api, '/data', [['acao', '*.example.com'], ['t', o.tag]]) }) },
  { id: 'acao-mismatch-trailing-slash', intent: 'AllowOriginMismatch', spec: (o) => ({ url: u(o.api, '/data', [['acao', `${o.app}/`], ['t', o.tag]]) }) },
  { id: 'acao-empty', intent: 'InvalidAllowOriginValue', spec: (o) => ({ url: u(o.api, '/data', [['acao', ''], ['t', o.tag]]) }) },
  // A control character in the hint: Chromium escapes it (EncodeHint) as \u0009.
  { id: 'acao-mismatch-tab', intent: 'AllowOriginMismatch', spec: (o) => ({ url: u(o.api, '/data', [['acao', 'http://a\tb'], ['t', o.tag]]) }) },
  { id: 'acao-mismatch-null', intent: 'AllowOriginMismatch', spec: (o) => ({ url: u(o.api, '/data', [['acao', 'null'], ['t', o.tag]]) }) },
  { id: 'wildcard-with-credentials', intent: 'WildcardOriginNotAllowed',
    spec: (o) => ({ credentials: 'include', url: u(o.api, '/data', [['acao', '*'], ['t', o.tag]]) }) },
  { id: 'acac-missing', intent: 'InvalidAllowCredentials', spec: (o) => ({ credentials: 'include', url: u(o.api, '/data', [...ECHO, ['t', o.tag]]) }) },
  { id: 'acac-True', intent: 'InvalidAllowCredentials',
    spec: (o) => ({ credentials: 'include', url: u(o.api, '/data', [...ECHO, ['acac', 'True'], ['t', o.tag]]) }) },

  // ---- preflight: CORS check, status, redirect ----
  { id: 'preflight-missing-acao', intent: 'PreflightMissingAllowOriginHeader',
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/data', [...PREFLIGHT_OK, ['pacao', 'none'], ['t', o.tag]]) }) },
  { id: 'preflight-404-no-acao', intent: 'PreflightMissingAllowOriginHeader',
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/data', [...PREFLIGHT_OK, ['pacao', 'none'], ['pstatus', '404'], ['t', o.tag]]) }) },
  { id: 'preflight-multiple-acao', intent: 'PreflightMultipleAllowOriginValues',
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/data', [...PREFLIGHT_OK, ['pacao', 'echo'], ['pacao', 'echo'], ['t', o.tag]]) }) },
  { id: 'preflight-invalid-acao', intent: 'PreflightInvalidAllowOriginValue',
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/data', [...PREFLIGHT_OK, ['pacao', '*.example.com'], ['t', o.tag]]) }) },
  { id: 'preflight-acao-mismatch', intent: 'PreflightAllowOriginMismatch',
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/data', [...PREFLIGHT_OK, ['pacao', 'http://example.com'], ['t', o.tag]]) }) },
  { id: 'preflight-wildcard-with-credentials', intent: 'PreflightWildcardOriginNotAllowed',
    spec: (o) => ({ ...PUT_X, credentials: 'include', url: u(o.api, '/data', [...PREFLIGHT_OK, ['acac', 'true'], ['pacao', '*'], ['t', o.tag]]) }) },
  { id: 'preflight-acac-missing', intent: 'PreflightInvalidAllowCredentials',
    spec: (o) => ({ ...PUT_X, credentials: 'include', url: u(o.api, '/data', [...PREFLIGHT_OK, ['acac', 'true'], ['pacac', 'none'], ['t', o.tag]]) }) },
  ...[404, 403, 401, 500].map((st) => ({ id: `preflight-status-${st}-with-acao`, intent: 'PreflightInvalidStatus',
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/data', [...PREFLIGHT_OK, ['pstatus', String(st)], ['t', o.tag]]) }) })),
  { id: 'preflight-redirect', intent: 'PreflightDisallowedRedirect',
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/data', [...PREFLIGHT_OK, ['plocation', u(o.api, '/elsewhere', [...PREFLIGHT_OK, ['t', o.tag]])], ['t', o.tag]]) }) },

  // ---- preflight: methods and headers ----
  { id: 'acam-unparsable', intent: 'InvalidAllowMethodsPreflightResponse',
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/data', [...ECHO, ['acam', 'PUT; POST'], ['acah', 'x-test'], ['maxage', '0'], ['t', o.tag]]) }) },
  { id: 'acah-unparsable', intent: 'InvalidAllowHeadersPreflightResponse',
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/data', [...ECHO, ['acam', 'PUT'], ['acah', 'x-test; x-other'], ['maxage', '0'], ['t', o.tag]]) }) },
  { id: 'method-not-allowed', intent: 'MethodDisallowedByPreflightResponse',
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/data', [...ECHO, ['acam', 'GET, POST'], ['acah', 'x-test'], ['maxage', '0'], ['t', o.tag]]) }) },
  { id: 'acam-lowercase-put', intent: 'MethodDisallowedByPreflightResponse',
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/data', [...ECHO, ['acam', 'put'], ['acah', 'x-test'], ['maxage', '0'], ['t', o.tag]]) }) },
  { id: 'method-lowercase-patch', intent: 'MethodDisallowedByPreflightResponse',
    spec: (o) => ({ method: 'patch', url: u(o.api, '/data', [...ECHO, ['acam', 'PATCH'], ['maxage', '0'], ['t', o.tag]]) }) },
  { id: 'header-not-allowed', intent: 'HeaderDisallowedByPreflightResponse',
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/data', [...ECHO, ['acam', 'PUT'], ['acah', 'x-other'], ['maxage', '0'], ['t', o.tag]]) }) },
  { id: 'header-content-type-json', intent: 'HeaderDisallowedByPreflightResponse',
    spec: (o) => ({ method: 'POST', body: '{}', headers: [['Content-Type', 'application/json']],
      url: u(o.api, '/data', [...ECHO, ['maxage', '0'], ['t', o.tag]]) }) },

  // ---- redirects ----
  { id: 'redirect-contains-credentials', intent: 'RedirectContainsCredentials',
    spec: (o) => ({ url: u(o.api, '/r', [['location', u(o.api.replace('://', '://user:pass@'), '/final', [...ECHO, ['t', o.tag]])], ['racao', 'echo'], ['t', o.tag]]) }) },
  { id: 'redirect-missing-acao', intent: 'MissingAllowOriginHeader',
    spec: (o) => ({ url: u(o.api, '/r', [['location', u(o.api, '/final', [...ECHO, ['t', o.tag]])], ['t', o.tag]]) }) },
  { id: 'redirect-second-hop-missing-acao', intent: 'MissingAllowOriginHeader',
    spec: (o) => ({ url: u(o.api, '/r1', [['racao', 'echo'], ['t', o.tag], ['location',
      u(o.api, '/r2', [['t', o.tag], ['location', u(o.api, '/final', [...ECHO, ['t', o.tag]])]])]]) }) },
  { id: 'redirect-final-missing-acao', intent: 'MissingAllowOriginHeader',
    spec: (o) => ({ url: u(o.api, '/r', [['location', u(o.api, '/final', [['t', o.tag]])], ['racao', 'echo'], ['t', o.tag]]) }) },
  { id: 'redirect-tainted-origin-mismatch', intent: 'AllowOriginMismatch',
    spec: (o) => ({ url: u(o.api, '/r', [['location', u(o.other, '/final', [['acao', o.app], ['t', o.tag]])], ['racao', 'echo'], ['t', o.tag]]) }) },

  { id: 'redirect-then-preflight-missing-acao', intent: 'PreflightMissingAllowOriginHeader',
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/r', [...PREFLIGHT_OK, ['rstatus', '307'], ['racao', 'echo'], ['t', o.tag],
      ['location', u(o.api, '/final', [...PREFLIGHT_OK, ['pacao', 'none'], ['t', o.tag]])]]) }) },

  // ---- request mode ----
  { id: 'mode-same-origin', intent: 'DisallowedByMode', spec: (o) => ({ mode: 'same-origin', url: u(o.api, '/data', [...ECHO, ['t', o.tag]]) }) },
  { id: 'mode-same-origin-redirected-cross-origin', intent: 'DisallowedByMode',
    spec: (o) => ({ mode: 'same-origin', url: u(o.app, '/r', [['location', u(o.api, '/final', [...ECHO, ['t', o.tag]])], ['t', o.tag]]) }) },
  { id: 'no-cors-redirect-manual', intent: 'NoCorsRedirectModeNotFollow',
    spec: (o) => ({ mode: 'no-cors', redirect: 'manual', url: u(o.api, '/data', [['t', o.tag]]) }) },

  // ---- XMLHttpRequest ----
  { id: 'xhr-missing-acao', intent: 'MissingAllowOriginHeader', spec: (o) => ({ client: 'xhr', url: u(o.api, '/data', [['t', o.tag]]) }) },
  { id: 'xhr-wildcard-with-credentials', intent: 'WildcardOriginNotAllowed',
    spec: (o) => ({ client: 'xhr', credentials: 'include', url: u(o.api, '/data', [['acao', '*'], ['t', o.tag]]) }) },
  { id: 'xhr-acac-missing', intent: 'InvalidAllowCredentials',
    spec: (o) => ({ client: 'xhr', credentials: 'include', url: u(o.api, '/data', [...ECHO, ['t', o.tag]]) }) },
  { id: 'xhr-preflight-wildcard-with-credentials', intent: 'PreflightWildcardOriginNotAllowed',
    spec: (o) => ({ client: 'xhr', ...PUT_X, credentials: 'include', url: u(o.api, '/data', [...PREFLIGHT_OK, ['acac', 'true'], ['pacao', '*'], ['t', o.tag]]) }) },
  { id: 'xhr-preflight-status-404', intent: 'PreflightInvalidStatus',
    spec: (o) => ({ client: 'xhr', ...PUT_X, url: u(o.api, '/data', [...PREFLIGHT_OK, ['pstatus', '404'], ['t', o.tag]]) }) },
  { id: 'xhr-method-not-allowed', intent: 'MethodDisallowedByPreflightResponse',
    spec: (o) => ({ client: 'xhr', ...PUT_X, url: u(o.api, '/data', [...ECHO, ['acam', 'GET'], ['acah', 'x-test'], ['maxage', '0'], ['t', o.tag]]) }) },
  { id: 'xhr-upload-forced-preflight-missing-acao', intent: 'PreflightMissingAllowOriginHeader',
    spec: (o) => ({ client: 'xhr', method: 'POST', body: 'x', upload: true, headers: [['Content-Type', 'text/plain']],
      url: u(o.api, '/data', [...ECHO, ['pacao', 'none'], ['t', o.tag]]) }) },
  { id: 'xhr-redirect-tainted-origin-mismatch', intent: 'AllowOriginMismatch',
    spec: (o) => ({ client: 'xhr', url: u(o.api, '/r', [['location', u(o.other, '/final', [['acao', o.app], ['t', o.tag]])], ['racao', 'echo'], ['t', o.tag]]) }) },
];

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
        assert.equal(v.failed_parameter ?? '', r.cdp.failedParameter ?? '', `verdict.failed_parameter vs CDP failedParameter: ${what}`);
      }
      if (r.chromium_line === null) {
        assert.ok(!v.console?.chromium, `engine printed a line Chromium did not: ${JSON.stringify(v.console?.chromium)}`);
      } else {
        assert.equal(v.console?.chromium, r.chromium_line, `console line differs from Chromium's: ${sc.id}`);
      }
    });
  }
});
