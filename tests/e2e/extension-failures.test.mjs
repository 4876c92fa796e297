// The extension captures each classic CORS failure exactly once, and the engine's console line for it is
// byte-for-byte the line Chromium printed (page.on('console')). Also under concurrency: 20 requests to one URL,
// and 20 to different URLs whose failures differ (so a preflight matched to the wrong request shows).
//
// One headless Chromium with the unpacked extension (repo root; ./build.sh first), the two-origin server as a
// child process. Reads the report the way the panel does: chrome.runtime.sendMessage({type: "export", tabId}).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { exchangesFor, missingBuild, startRecordedApp, u, waitFor } from './lib/extension.mjs';

const skip = missingBuild() || false;
const PUT_X = { method: 'PUT', headers: [['X-Test', '1']] };
const OK_PF = [['acao', 'echo'], ['acam', 'PUT'], ['acah', 'x-test'], ['maxage', '0']];

// Each: id, expected CorsError (a check that the scenario provokes what it is named after), spec(o, base).
const CLASSIC = [
  { id: 'options-404', error: 'PreflightInvalidStatus',
    spec: (o, b) => ({ ...PUT_X, url: u(b, '', [...OK_PF, ['pstatus', '404']]) }) },
  { id: 'options-403-auth', error: 'PreflightInvalidStatus',
    spec: (o, b) => ({ method: 'PUT', headers: [['Authorization', 'Bearer sekrit-403']], url: u(b, '', [['acao', 'echo'], ['pstatus', '403'], ['acam', 'PUT'], ['acah', 'authorization']]) }) },
  { id: 'missing-acao', error: 'MissingAllowOriginHeader', spec: (o, b) => ({ url: u(b, '', [['status', '200']]) }) },
  { id: 'wildcard-credentials', error: 'WildcardOriginNotAllowed',
    spec: (o, b) => ({ credentials: 'include', url: u(b, '', [['acao', '*'], ['acac', 'true']]) }) },
  { id: 'custom-header-not-allowed', error: 'HeaderDisallowedByPreflightResponse',
    spec: (o, b) => ({ method: 'PUT', headers: [['X-Api-Key', 'k']], url: u(b, '', [['acao', 'echo'], ['acam', 'PUT'], ['acah', 'content-type'], ['maxage', '0']]) }) },
  { id: 'json-content-type-not-allowed', error: 'HeaderDisallowedByPreflightResponse',
    spec: (o, b) => ({ method: 'POST', body: '{}', headers: [['Content-Type', 'application/json']], url: u(b, '', [['acao', 'echo'], ['acah', 'x-requested-with'], ['maxage', '0']]) }) },
  { id: 'method-not-allowed', error: 'MethodDisallowedByPreflightResponse',
    spec: (o, b) => ({ method: 'DELETE', url: u(b, '', [['acao', 'echo'], ['acam', 'GET, POST'], ['maxage', '0']]) }) },
  { id: 'redirected-preflight', error: 'PreflightDisallowedRedirect',
    spec: (o, b) => ({ ...PUT_X, url: u(b, '', [...OK_PF, ['plocation', u(o.api, `/elsewhere/${o.tag}`, OK_PF)]]) }) },
];

// 20 different URLs, four kinds of failure: the console line (which names the URL and the failure) only
// matches when the session paired each request with its own preflight.
const KINDS = [
  { error: 'PreflightInvalidStatus', pstatus: 404, params: [...OK_PF, ['pstatus', '404']] },
  { error: 'PreflightMissingAllowOriginHeader', pstatus: 204, params: [...OK_PF, ['pacao', 'none']] },
  { error: 'HeaderDisallowedByPreflightResponse', pstatus: 204, params: [['acao', 'echo'], ['acam', 'PUT'], ['acah', 'x-other'], ['maxage', '0']] },
  { error: 'MethodDisallowedByPreflightResponse', pstatus: 200, params: [['acao', 'echo'], ['acam', 'GET'], ['acah', 'x-test'], ['maxage', '0'], ['pstatus', '200']] },
];

describe('extension: classic failures', { skip }, () => {
  let server;
  let ext;
  let app;
  let ctl;
  const tag = Date.now().toString(36);
  const results = new Map();
  let lineCursor = 0;

  async function runOne(spec, base) {
    const before = app.lines.length;
    const res = await app.run(spec);
    assert.equal(res.ok, false, `expected a blocked request: ${JSON.stringify(res)}`);
    await waitFor(() => app.lines.length > before, { what: 'the CORS console line' });
    const line = app.lines.slice(before).find((l) => l.includes(`'${base}`));
    lineCursor = app.lines.length;
    const list = await waitFor(async () => {
      const l = exchangesFor(await ctl.report(), (x) => x.url.startsWith(`${base}?`));
      return l.length && l.every((x) => x.verdict && x.failed) ? l : null;
    }, { what: `the exchange for ${base}` });
    return { line, list, res };
  }

  before(async () => {
    ({ server, ext, app, ctl } = await startRecordedApp());
  });

  after(async () => {
    if (ext) await ext.close();
    if (server) await server.stop();
  });

  for (const sc of CLASSIC) {
    it(`${sc.id}: one entry, Chromium's console line`, async () => {
      const o = { ...server, tag: `${tag}-${sc.id}` };
      const base = `${server.api}/classic/${sc.id}/${tag}`;
      const { line, list } = await runOne(sc.spec(o, base), base);
      assert.ok(line, 'Chromium printed no CORS line for this URL');
      // Give late duplicates a chance to show up before counting (the next scenario's run also flushes).
      const fresh = exchangesFor(await ctl.report(), (x) => x.url.startsWith(`${base}?`));
      assert.equal(fresh.length, 1, `expected exactly one entry, got ${fresh.length}: ${JSON.stringify(fresh.map((x) => x.id))}`);
      const x = fresh[0];
      assert.equal(x.verdict.error, sc.error, `verdict.error (${x.verdict.console?.chromium})`);
      assert.equal(x.verdict.console?.chromium, line, 'verdict.console.chromium vs the line Chromium printed');
      results.set(sc.id, { line, x, list });
    });
  }

  it('the preflight is linked for preflighted failures', () => {
    for (const id of ['options-404', 'options-403-auth', 'custom-header-not-allowed', 'json-content-type-not-allowed', 'method-not-allowed']) {
      const r = results.get(id);
      if (!r) continue;
      assert.ok(r.x.preflight && r.x.preflight.observed, `${id}: preflight not observed: ${JSON.stringify(r.x.preflight)}`);
    }
    const r404 = results.get('options-404');
    if (r404) assert.equal(r404.x.preflight.status, 404);
    const r403 = results.get('options-403-auth');
    if (r403) assert.equal(r403.x.preflight.status, 403);
  });

  it('20 concurrent requests to the same URL: 20 entries, each with the line Chromium printed', async () => {
    const base = `${server.api}/same/${tag}`;
    const url = u(base, '', [...OK_PF, ['pstatus', '404']]);
    const before = app.lines.length;
    const res = await app.page.evaluate((s) => Promise.all(Array.from({ length: 20 }, () => window.run(s))), { ...PUT_X, url });
    assert.ok(res.every((r) => !r.ok), 'all 20 are blocked');
    const lines = await waitFor(() => {
      const l = app.lines.slice(before).filter((x) => x.includes(`'${base}`));
      return l.length >= 20 ? l : null;
    }, { what: '20 console lines' });
    const list = await waitFor(async () => {
      const l = exchangesFor(await ctl.report(), (x) => x.url.startsWith(`${base}?`));
      return l.length >= 20 && l.every((x) => x.verdict) ? l : null;
    }, { what: '20 entries' });
    assert.equal(list.length, 20);
    const log = (await server.log()).filter((e) => e.url.startsWith(`/same/${tag}`));
    assert.equal(log.filter((e) => e.kind === 'preflight').length, 20, 'the server saw 20 preflights');
    for (const x of list) {
      assert.equal(x.verdict.console?.chromium, lines[0]);
      assert.equal(x.preflight?.status, 404, `entry ${x.id} matched to its preflight`);
    }
    assert.equal(new Set(lines).size, 1);
  });

  it('20 concurrent requests to different URLs: each matched to its own preflight', async () => {
    const specs = Array.from({ length: 20 }, (_, i) => {
      const k = KINDS[i % KINDS.length];
      const base = `${server.api}/diff/${tag}/${i}`;
      return { i, k, base, spec: { ...PUT_X, url: u(base, '', k.params) } };
    });
    const before = app.lines.length;
    const res = await app.page.evaluate((all) => Promise.all(all.map((s) => window.run(s))), specs.map((s) => s.spec));
    assert.ok(res.every((r) => !r.ok), 'all 20 are blocked');
    await waitFor(() => specs.every((s) => app.lines.slice(before).some((l) => l.includes(`'${s.base}?`))), { what: '20 console lines' });
    const report = await waitFor(async () => {
      const r = await ctl.report();
      return specs.every((s) => exchangesFor(r, (x) => x.url.startsWith(`${s.base}?`)).some((x) => x.verdict)) ? r : null;
    }, { what: '20 entries' });
    for (const s of specs) {
      const list = exchangesFor(report, (x) => x.url.startsWith(`${s.base}?`));
      assert.equal(list.length, 1, `#${s.i}: one entry`);
      const x = list[0];
      const line = app.lines.slice(before).find((l) => l.includes(`'${s.base}?`));
      assert.equal(x.verdict.error, s.k.error, `#${s.i} verdict.error`);
      assert.equal(x.verdict.console?.chromium, line, `#${s.i} console line`);
      assert.equal(x.preflight?.status, s.k.pstatus, `#${s.i} preflight status`);
      assert.equal(x.exchange?.preflight?.response?.status, s.k.pstatus, `#${s.i} exchange.preflight`);
    }
  });
});
