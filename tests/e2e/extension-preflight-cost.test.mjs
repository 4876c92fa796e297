// Preflight cost: the session counts the OPTIONS the browser really sent per cache key and reads
// Access-Control-Max-Age like Chromium. Ground truth is the server log.
//   no Max-Age: 3 quick calls = 1 OPTIONS (Chromium's 5 s default), one more after > 5 s = 2, finding "missing"
//   Max-Age 86400: 3 calls = 1 OPTIONS;  Max-Age 0: 3 calls = 3, finding "zero";
//   DevTools "Disable cache" (CDP Network.setCacheDisabled) with Max-Age 86400: 3 calls = 3, finding "cache_disabled".
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ARTIFACTS, missingBuild, startRecordedApp, u, waitFor } from './lib/extension.mjs';

const skip = missingBuild() || false;
const PUT_X = { method: 'PUT', headers: [['X-Test', '1']] };
const OK = [['acao', 'echo'], ['acam', 'PUT'], ['acah', 'x-test']];

describe('extension: preflight cost', { skip }, () => {
  let server;
  let ext;
  let app;
  let ctl;
  const tag = Date.now().toString(36);
  const urls = {};
  const serverCounts = {};
  let report;

  const statsFor = (url) => (report.preflight_stats || []).filter((s) => s.url === url);
  const optionsAt = async (pathPrefix) => (await server.log()).filter((e) => e.kind === 'preflight' && e.url.startsWith(pathPrefix)).length;

  async function calls(url, n) {
    for (let i = 0; i < n; i++) {
      const r = await app.run({ ...PUT_X, url });
      assert.equal(r.ok, true, `call ${i + 1} to ${url} should pass: ${JSON.stringify(r)}`);
    }
  }

  before(async () => {
    ({ server, ext, app, ctl } = await startRecordedApp());

    urls.none = u(server.api, `/cost/none/${tag}`, OK);
    urls.day = u(server.api, `/cost/day/${tag}`, [...OK, ['maxage', '86400']]);
    urls.zero = u(server.api, `/cost/zero/${tag}`, [...OK, ['maxage', '0']]);
    urls.nocache = u(server.api, `/cost/nocache/${tag}`, [...OK, ['maxage', '86400']]);

    // No Max-Age: three quick calls share one preflight...
    await calls(urls.none, 3);
    const firstBatchDone = Date.now();
    await calls(urls.day, 3);
    await calls(urls.zero, 3);
    // DevTools' "Disable cache" switch is Network.setCacheDisabled on the page; it also bypasses the preflight cache.
    const cdp = await ext.ctx.newCDPSession(app.page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await calls(urls.nocache, 3);
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
    await cdp.detach();
    // ...and a call after Chromium's 5 s default needs a new one (a deliberate wait: the cache expiring is the subject).
    const wait = firstBatchDone + 5600 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await calls(urls.none, 1);

    for (const k of Object.keys(urls)) serverCounts[k] = await optionsAt(`/cost/${k}/${tag}`);
    report = await waitFor(async () => {
      const r = await ctl.report();
      const ok = Object.entries(urls).every(([k, url]) => (r.preflight_stats || []).some((s) => s.url === url && s.count === serverCounts[k]));
      return ok ? r : null;
    }, { timeout: 5000, what: 'preflight stats matching the server log' }).catch(() => ctl.report());
  });

  after(async () => {
    if (ext) await ext.close();
    if (server) await server.stop();
  });

  it('server ground truth is what Chromium is known to do', () => {
    assert.deepEqual(serverCounts, { none: 2, day: 1, zero: 3, nocache: 3 });
  });

  it('no Max-Age: 2 OPTIONS for 4 calls, finding "missing"', () => {
    const s = statsFor(urls.none);
    assert.equal(s.length, 1, JSON.stringify(report.preflight_stats));
    assert.equal(s[0].count, 2);
    assert.equal(s[0].finding, 'missing');
    assert.equal(s[0].max_age_header, null);
    assert.equal(s[0].max_age_seconds, 5);
    assert.ok(s[0].message);
  });

  it('Max-Age 86400: 1 OPTIONS for 3 calls', () => {
    const s = statsFor(urls.day);
    assert.equal(s.length, 1, JSON.stringify(report.preflight_stats));
    assert.equal(s[0].count, 1);
    assert.ok(['ok', 'above_cap'].includes(s[0].finding), s[0].finding);
    assert.equal(s[0].max_age_header, '86400');
  });

  it('Max-Age 0: 3 OPTIONS for 3 calls, finding "zero"', () => {
    const s = statsFor(urls.zero);
    assert.equal(s.length, 1);
    assert.equal(s[0].count, 3);
    assert.equal(s[0].finding, 'zero');
  });

  it('cache disabled in DevTools: 3 OPTIONS despite Max-Age 86400, finding "cache_disabled"', () => {
    const s = statsFor(urls.nocache);
    assert.equal(s.length, 1);
    assert.equal(s[0].count, 3);
    assert.equal(s[0].finding, 'cache_disabled');
  });

  it('the panel shows the Max-Age banner and the preflight cost view', async () => {
    const p = ctl.panel;
    await p.evaluate(() => window.__corsLens.refresh());
    await p.waitForFunction(() => !document.getElementById('banner').hidden);
    const banner = await p.textContent('#banner');
    assert.match(banner, /Max-Age/);
    await p.click('#view-cost');
    const rows = await p.$$eval('#cost-view tbody tr', (trs) => trs.map((tr) => tr.textContent));
    assert.ok(rows.some((t) => t.includes(`/cost/none/${tag}`) && t.includes('missing')), rows.join('\n'));
    assert.ok(rows.some((t) => t.includes(`/cost/zero/${tag}`) && t.includes('zero')));
    await p.setViewportSize({ width: 1280, height: 600 });
    await p.screenshot({ path: path.join(ARTIFACTS, 'panel-cost.png') });
  });
});
