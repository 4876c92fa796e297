// Preflight cost: the session counts the OPTIONS the browser really sent per cache key and reads
// Access-Control-Max-Age like Chromium. Ground truth is the server log.
//   no Max-Age: 3 quick calls = 1 OPTIONS (Chromium's 5 s default), one more after > 5 s = 2, finding "missing"
//   Max-Age 86400: 3 calls = 1 OPTIONS;  Max-Age 0: 3 calls = 3, finding "zero";
//   DevTools "Disable cache" (CDP Network.setCacheDisabled) with Max-Age 86400: 3 calls = 3, finding "cache_disabled";
//   six /cost/items/{n} URLs with Max-Age 7200: 6 OPTIONS, one per URL, grouped under one pattern the banner names.
// The panel's cost view: groups with totals, rows in plain words linking to their requests, never "ok" under a
// pattern the banner names.
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
  // Not hex, so the engine does not read it as an id.
  const tag = `run${Date.now().toString(36)}`;
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
    const items = [1, 2, 3, 4, 5, 6].map((n) => u(server.api, `/cost/items/${n}/${tag}`, [...OK, ['maxage', '7200']]));

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
    for (const item of items) await calls(item, 1);
    // ...and a call after Chromium's 5 s default needs a new one (a deliberate wait: the cache expiring is the subject).
    const wait = firstBatchDone + 5600 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await calls(urls.none, 1);

    for (const k of Object.keys(urls)) serverCounts[k] = await optionsAt(`/cost/${k}/${tag}`);
    serverCounts.items = (await server.log()).filter((e) => e.kind === 'preflight' && e.url.startsWith('/cost/items/')).length;
    report = await waitFor(async () => {
      const r = await ctl.report();
      const ok = Object.entries(urls).every(([k, url]) => (r.preflight_stats || []).some((s) => s.url === url && s.count === serverCounts[k]))
        && items.every((url) => (r.preflight_stats || []).some((s) => s.url === url && s.count === 1));
      return ok ? r : null;
    }, { timeout: 5000, what: 'preflight stats matching the server log' }).catch(() => ctl.report());
  });

  after(async () => {
    if (ext) await ext.close();
    if (server) await server.stop();
  });

  it('server ground truth is what Chromium is known to do', () => {
    assert.deepEqual(serverCounts, { none: 2, day: 1, zero: 3, nocache: 3, items: 6 });
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
    const rows = await p.$$eval('#cost-view tr.cost-row', (trs) => trs.map((tr) => tr.textContent));
    assert.ok(rows.some((t) => t.includes(`/cost/none/${tag}`) && t.includes('Max-Age missing')), rows.join('\n'));
    assert.ok(rows.some((t) => t.includes(`/cost/zero/${tag}`) && t.includes('Max-Age 0: never cached')));
    assert.doesNotMatch(await p.textContent('#cost-view'), /too_short|above_cap|unparsable|cache_disabled|request shape|\bok\b/,
      'plain words only');
    await p.setViewportSize({ width: 1280, height: 600 });
    await p.screenshot({ path: path.join(ARTIFACTS, 'panel-cost.png') });
  });

  it('groups rows by URL pattern, with totals, and the pattern the banner names has no row saying "ok"', async () => {
    const p = ctl.panel;
    const r = await p.evaluate(() => window.__corsLens.report());
    const g = r.preflight_groups.find((x) => x.pattern.includes(`/cost/items/{id}/${tag}`));
    assert.ok(g, JSON.stringify(r.preflight_groups.map((x) => x.pattern)));
    assert.deepEqual([g.urls, g.preflights, g.rows.length], [6, 6, 6]);
    assert.match(await p.textContent('#banner'), /6 URLs of the form .*\/cost\/items\/\{id\}\//);
    // The panel: one group with its totals and six rows, none of them fine.
    await p.click('#view-cost');
    const shown = await p.$$eval('#cost-view tbody.cost-group', (groups) => groups.map((b) => ({
      head: b.querySelector('tr.group').textContent,
      findings: [...b.querySelectorAll('tr.cost-row .finding')].map((f) => ({ text: f.textContent, warn: f.classList.contains('warn') })),
    })));
    assert.equal(shown.length, r.preflight_groups.length);
    const items = shown.find((x) => x.head.includes(`/cost/items/{id}/${tag}`));
    assert.match(items.head, /^6\D.*6 URLs · 6 preflights · /);
    assert.equal(items.findings.length, 6);
    for (const f of items.findings) assert.deepEqual(f, { text: 'Each URL needs its own preflight', warn: true });
    const total = Object.values(serverCounts).reduce((a, b) => a + b, 0);
    assert.equal(r.preflight_totals.preflights, total, 'the totals are the server\'s');
    assert.equal(await p.textContent('#cost-view .cost-totals'), r.preflight_totals.text);
    assert.match(r.preflight_totals.text, new RegExp(`^${total} preflights in ${r.preflight_groups.length} URL patterns, `));
  });

  it('each row links to the first of its requests in the Requests view', async () => {
    const p = ctl.panel;
    const r = await p.evaluate(() => window.__corsLens.report());
    const row = r.preflight_stats.find((s) => s.url === urls.none);
    assert.equal(row.exchange_ids.length, 4, 'two OPTIONS for four calls: the cached calls are its requests too');
    const first = r.exchanges.find((x) => x.id === row.exchange_ids[0]);
    assert.equal(first.url, urls.none);
    assert.ok(row.exchange_ids.every((id) => r.exchanges.find((x) => x.id === id).started >= first.started), 'oldest first');
    await p.click('#view-cost');
    await p.click(`#cost-view a.cost-link[data-exchange="${row.exchange_ids[0]}"]`);
    const st = await p.evaluate(() => window.__corsLens.state());
    assert.deepEqual([st.view, st.selectedId], ['failures', row.exchange_ids[0]]);
    await p.waitForSelector('#detail:not([hidden])');
  });
});
