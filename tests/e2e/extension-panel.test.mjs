// The panel as a normal tab (panel.html?tabId=N): list and detail of a failure, the live preflight (one
// OPTIONS with the page's Origin/ACRM/ACRH through a DNR session rule, never the actual request), Export
// (redacted JSON and Markdown), Copy as curl (redacted), a masked value revealed on a click, header values
// carrying HTML rendered as text only, and 10,000 requests in a virtualised list. Saves tests/artifacts/panel.png.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ARTIFACTS, exchangesFor, launchExtension, missingBuild, openApp, openPanel, u, waitFor, waitForCaptureReady } from './lib/extension.mjs';
import { startServerProcess } from './lib/server-process.mjs';

const skip = missingBuild() || false;
const EVIL = '<img src=x onerror="window.__pwned=1">';
const SECRET = 'sekrit-token-0123456789abcdef';
const QUERY_SECRET = 'qs-4f9c2a6e1b2c'; // an access_token in the URL's query

describe('extension: panel', { skip }, () => {
  let server;
  let ext;
  let app;
  let ctl;
  let panel;
  const tag = Date.now().toString(36);
  const base = {};

  const selectByPath = async (p, page = panel) => {
    const id = await page.evaluate((needle) => window.__corsLens.report().exchanges.find((x) => x.url.includes(needle))?.id, p);
    assert.ok(id, `an entry for ${p}`);
    await page.evaluate((i) => window.__corsLens.select(i), id);
    await page.waitForSelector('#detail:not([hidden]) #console-line');
    return id;
  };

  before(async () => {
    server = await startServerProcess();
    ext = await launchExtension({ windowSize: '1280,800' });
    app = await openApp(ext.ctx, server.app);
    ctl = await openPanel(ext, server.app);
    panel = ctl.panel;
    await panel.setViewportSize({ width: 1280, height: 800 });
    await waitForCaptureReady(app, ctl.send, server.api);

    base.pf404 = `${server.api}/panel/pf404/${tag}`;
    base.evil = `${server.api}/panel/evil/${tag}`;
    base.secret = `${server.api}/panel/secret/${tag}`;
    base.missing = `${server.api}/panel/missing/${tag}`;
    await app.run({ method: 'PUT', headers: [['X-Test', '1'], ['Content-Type', 'application/json']], body: '{}',
      url: u(base.pf404, '', [['acao', 'echo'], ['acam', 'PUT'], ['acah', 'x-test,content-type'], ['pstatus', '404']]) });
    // A server whose header values carry markup: an invalid Access-Control-Allow-Origin (shown in the console
    // line, the explanation and the header table) and an extra header.
    await app.run({ url: u(base.evil, '', [['acao', EVIL], ['hdr', `X-Evil: ${EVIL}`]]) });
    await app.run({ method: 'PUT', headers: [['Authorization', `Bearer ${SECRET}`]], credentials: 'include',
      url: u(base.secret, '', [['acao', 'echo'], ['acam', 'PUT'], ['acah', 'x-other'], ['maxage', '0'], ['access_token', QUERY_SECRET]]) });
    await app.run({ url: u(base.missing, '', []) });
    await waitFor(async () => exchangesFor(await ctl.report(), (x) => x.url.includes('/panel/') && x.verdict).length === 4, { what: '4 failures' });
    await panel.waitForFunction(() => window.__corsLens.state().shown >= 4);
  });

  after(async () => {
    if (ext) await ext.close();
    if (server) await server.stop();
  });

  it('lists failures in time order (newest at the bottom) with method, URL, status, reason and a preflight badge', async () => {
    const rows = await panel.$$eval('#viewport .row:not([hidden])', (els) => els
      .map((r) => ({ y: Number(r.dataset.index), badge: r.querySelector('.c-preflight').textContent, method: r.querySelector('.c-method').textContent, url: r.querySelector('.c-name').title, status: r.querySelector('.c-status').textContent, reason: r.querySelector('.c-reason').textContent }))
      .sort((a, b) => a.y - b.y));
    assert.equal(rows.length, 4);
    assert.ok(rows.at(-1).url.startsWith(base.missing), 'newest at the bottom');
    const pf = rows.find((r) => r.url.startsWith(base.pf404));
    assert.equal(pf.method, 'PUT');
    assert.equal(pf.badge, 'OPTIONS');
    assert.match(pf.reason, /404/);
    const miss = rows.find((r) => r.url.startsWith(base.missing));
    assert.equal(miss.status, 'CORS error', 'a response CORS blocked reads as DevTools says it');
    assert.match(miss.reason, /Access-Control-Allow-Origin/);
  });

  it('the detail shows the console line, explanation, timeline, highlighted headers, preflight reasons and fix slot', async () => {
    await selectByPath('/panel/pf404/');
    const d = await panel.evaluate(() => {
      const q = (s) => document.querySelector(s);
      return {
        console: q('#console-line').textContent,
        explanation: q('.sec-explanation')?.textContent || '',
        timeline: q('.sec-timeline').textContent,
        why: q('.sec-why-a-preflight')?.textContent || '',
        marked: [...document.querySelectorAll('.sec-headers tr.mark')].map((tr) => tr.textContent),
        fix: q('.sec-fix').textContent,
      };
    });
    const x = exchangesFor(await ctl.report(), (e) => e.url.startsWith(base.pf404))[0];
    assert.equal(d.console, x.verdict.console.chromium);
    assert.match(d.timeline, /OPTIONS 404/);
    assert.match(d.timeline, /PUT \(never sent\)/);
    assert.ok(d.marked.some((t) => t.startsWith('status')), `status highlighted: ${d.marked}`);
    assert.ok(d.why.length > 0, 'why a preflight');
    if (x.verdict.explanation?.summary) assert.ok(d.explanation.includes(x.verdict.explanation.summary));
    assert.ok(d.fix.length > 0);
    await panel.screenshot({ path: path.join(ARTIFACTS, 'panel.png') });
    assert.ok(fs.statSync(path.join(ARTIFACTS, 'panel.png')).size > 10000);
  });

  it('a missing Access-Control-Allow-Origin is shown as a highlighted missing row', async () => {
    await selectByPath('/panel/missing/');
    const missing = await panel.$$eval('.sec-headers tr.missing', (trs) => trs.map((tr) => tr.textContent));
    assert.deepEqual(missing, ['Access-Control-Allow-Origin(missing)']);
  });

  it('header values with HTML are rendered literally, never as markup', async () => {
    await selectByPath('/panel/evil/');
    const r = await panel.evaluate(() => ({
      imgs: document.querySelectorAll('img').length,
      pwned: window.__pwned ?? null,
      text: document.getElementById('detail').textContent,
      rowText: [...document.querySelectorAll('#viewport .row .c-name')].map((e) => e.textContent).join('\n'),
    }));
    assert.equal(r.imgs, 0, 'no <img> element was created');
    assert.equal(r.pwned, null, 'no script ran');
    assert.ok(r.text.includes(EVIL), 'the markup is shown as text');
  });

  it('secrets are masked in the panel; the live preflight still goes to the URL as captured', async () => {
    const id = await selectByPath('/panel/secret/');
    const shown = await panel.evaluate(() => document.getElementById('detail').textContent + document.getElementById('viewport').textContent);
    assert.ok(!shown.includes(SECRET), 'the bearer token is not shown');
    assert.ok(!shown.includes(QUERY_SECRET), 'the access_token query value is not shown');
    assert.ok(shown.includes('[redacted]'), 'masked values say so');
    const since = (await server.log()).at(-1)?.seq ?? 0;
    await panel.click('#probe');
    await panel.waitForFunction((i) => window.__corsLens.state().lastProbe?.id === i, id);
    const log = (await server.log(since)).filter((e) => e.url.startsWith(`/panel/secret/${tag}`));
    assert.deepEqual(log.map((e) => e.method), ['OPTIONS'], 'only the OPTIONS was sent');
    assert.ok(log[0].url.includes(`access_token=${QUERY_SECRET}`), `the probe used the captured URL: ${log[0].url}`);
  });

  it('a masked value is revealed on a click (the panel only: copies stay masked)', async () => {
    await selectByPath('/panel/secret/');
    const revealed = await panel.evaluate(() => {
      const masked = [...document.querySelectorAll('#detail .masked')];
      masked.forEach((m) => m.click());
      return { count: masked.length, texts: [...document.querySelectorAll('#detail .revealed')].map((r) => r.textContent) };
    });
    // The PUT never left (its preflight failed), so its Authorization value was never captured: the URL's token is.
    assert.ok(revealed.texts.some((t) => t.includes(`access_token=${QUERY_SECRET}`)), JSON.stringify(revealed));
    const report = await panel.evaluate(() => window.__corsLens.report());
    const x = report.exchanges.find((e) => e.url.includes('/panel/secret/'));
    assert.ok(!JSON.stringify([x.replay, x.copies]).includes(SECRET), 'what is copied stays masked');
    assert.ok(!x.copies.url.includes(QUERY_SECRET));
  });

  it('live preflight: one OPTIONS with the page\'s Origin, method and headers, and the engine\'s verdict', async () => {
    const id = await selectByPath('/panel/pf404/');
    const since = (await server.log()).at(-1)?.seq ?? 0;
    await panel.click('#probe');
    // The previous test's probe is still in the state: wait for this one's.
    await panel.waitForFunction((i) => window.__corsLens.state().lastProbe?.id === i, id);
    const probe = await panel.evaluate(() => window.__corsLens.state().lastProbe);
    assert.equal(probe.error, undefined, JSON.stringify(probe));
    assert.equal(probe.raw.status, 404);
    assert.equal(probe.verdict.error, 'PreflightInvalidStatus');
    const log = (await server.log(since)).filter((e) => e.url.startsWith(`/panel/pf404/${tag}`));
    assert.deepEqual(log.map((e) => e.method), ['OPTIONS'], 'only the OPTIONS was sent');
    const h = Object.fromEntries(log[0].headers.map(([k, v]) => [k.toLowerCase(), v]));
    assert.equal(h.origin, server.app);
    assert.equal(h['access-control-request-method'], 'PUT');
    assert.equal(h['access-control-request-headers'], 'content-type,x-test');
    assert.equal(h.cookie, undefined);
    const shown = await panel.textContent('.probe-result');
    assert.ok(shown.includes(`The live preflight, today: ${probe.verdict.summary}`), shown);
    assert.doesNotMatch(shown, /PreflightInvalidStatus/, 'plain words, no enum name');
    // No probe rule is left behind.
    const rules = await panel.evaluate(() => chrome.declarativeNetRequest.getSessionRules());
    assert.deepEqual(rules, []);
  });

  it('Export: redacted JSON and Markdown of the listed failures', async () => {
    const [download] = await Promise.all([panel.waitForEvent('download'), panel.click('#export-json')]);
    assert.match(download.suggestedFilename(), /^cors-lens-.*\.json$/);
    await panel.waitForFunction(() => window.__corsLens.state().lastExport?.format === 'json');
    const j = await panel.evaluate(() => window.__corsLens.state().lastExport);
    const rep = JSON.parse(j.text);
    assert.equal(rep.exchanges.length, 4);
    assert.ok(rep.exchanges.every((x) => x.failed && x.verdict?.console?.chromium));
    assert.ok(!j.text.includes(SECRET), 'the bearer token is masked');
    await panel.click('#export-md');
    await panel.waitForFunction(() => window.__corsLens.state().lastExport?.format === 'markdown');
    const md = await panel.evaluate(() => window.__corsLens.state().lastExport.text);
    assert.ok(md.includes(base.pf404.replace(server.api, '')) || md.includes(base.pf404));
    assert.ok(!md.includes(SECRET));
  });

  it('Copy as curl (preflight and request) is redacted', async () => {
    await selectByPath('/panel/secret/');
    await panel.click('#curl-preflight');
    await panel.waitForFunction(() => (window.__corsLens.state().lastCopied || '').startsWith('curl'));
    const pre = await panel.evaluate(() => window.__corsLens.state().lastCopied);
    assert.match(pre, /^curl -i -X 'OPTIONS' '/);
    assert.match(pre, /Access-Control-Request-Method: PUT/i);
    await panel.click('#curl-actual');
    await panel.waitForFunction(() => / -X 'PUT' /.test(window.__corsLens.state().lastCopied || ''));
    const act = await panel.evaluate(() => window.__corsLens.state().lastCopied);
    assert.ok(!act.includes(SECRET) && !pre.includes(SECRET), act);
    assert.match(act, /Authorization: /i);
  });

  it("the fix slot shows the engine's fix for the picked framework, grouped by stack, remembers the choice and copies", async () => {
    await selectByPath('/panel/pf404/');
    await panel.waitForSelector('#framework');
    // The picker's groups are the engine's (wasm frameworks() through the background): one optgroup per stack, in its
    // order, each holding that stack's frameworks; a template no live server has run says so.
    const x404 = exchangesFor(await ctl.report(), (e) => e.url.startsWith(base.pf404))[0];
    const { frameworks } = await ctl.send({ type: 'fix', exchange: x404.exchange, framework: null });
    const stacks = [...new Set(frameworks.map((f) => f.group_name))];
    assert.ok(stacks.length >= 8, `stacks: ${stacks}`);
    const groups = await panel.$$eval('#framework optgroup', (gs) => gs.map((g) => ({ label: g.label,
      options: [...g.querySelectorAll('option')].map((o) => ({ id: o.value, text: o.textContent })) })));
    assert.deepEqual(groups.map((g) => g.label), stacks);
    for (const g of groups) {
      const expected = frameworks.filter((f) => f.group_name === g.label);
      assert.deepEqual(g.options.map((o) => o.id), expected.map((f) => f.id), g.label);
      for (const [i, f] of expected.entries()) {
        assert.equal(g.options[i].text.endsWith('(not verified live)'), !f.verified_live, `${f.id}: ${g.options[i].text}`);
      }
    }
    const groupOf = (id) => groups.find((g) => g.options.some((o) => o.id === id)).label;
    assert.equal(groupOf('express'), groupOf('nextjs'));
    assert.notEqual(groupOf('express'), groupOf('nginx'));
    // The test server names no framework (no Server or X-Powered-By): the picker asks, and nothing is copyable.
    assert.equal(await panel.$eval('#framework', (e) => e.value), '');
    assert.equal(await panel.$eval('#framework option:checked', (e) => e.textContent), 'Which server?');
    assert.equal(await panel.$eval('#copy-fix', (e) => e.disabled), true);
    const ids = await panel.$$eval('#framework option', (o) => o.map((x) => x.value));
    for (const id of ['express', 'fastapi', 'django', 'nginx']) assert.ok(ids.includes(id), `${id} in ${ids}`);
    await panel.selectOption('#framework', 'nginx');
    await panel.waitForFunction(() => /add_header/.test(document.querySelector('.fix-code')?.textContent || ''));
    const code = await panel.$eval('.fix-code', (e) => e.textContent);
    const x = exchangesFor(await ctl.report(), (e) => e.url.startsWith(base.pf404))[0];
    assert.ok(code.includes(x.exchange.request.origin), `the fix names the page's origin:\n${code}`);
    assert.match(code, /PUT/);
    const stored = await panel.evaluate(() => chrome.storage.local.get('framework'));
    assert.equal(stored.framework, 'nginx');
    await panel.click('#copy-fix');
    await panel.waitForFunction(() => (window.__corsLens.state().lastCopied || '').includes('add_header'));
    // Reopened (a new panel, as after closing DevTools), the same failure shows nginx's fix without asking again.
    const again = await openPanel(ext, server.app);
    try {
      await selectByPath('/panel/pf404/', again.panel);
      await again.panel.waitForFunction(() => /add_header/.test(document.querySelector('.fix-code')?.textContent || ''));
      assert.equal(await again.panel.$eval('#framework', (e) => e.value), 'nginx');
      assert.equal(await again.panel.$$eval('#framework option', (o) => o.some((x) => x.textContent === 'Which server?')), false);
    } finally {
      await again.panel.close();
    }
  });

  it('search filters the list', async () => {
    await panel.fill('#search', 'evil');
    await panel.waitForFunction(() => window.__corsLens.state().shown === 1);
    await panel.fill('#search', '');
    await panel.waitForFunction(() => window.__corsLens.state().shown === 4);
  });

  it('stays responsive with 10,000 requests (only visible rows are rendered)', async () => {
    const t = await panel.evaluate(async () => {
      const one = window.__corsLens.report().exchanges[0];
      const exchanges = Array.from({ length: 10000 }, (_, i) => ({ ...one, id: `big${i}`, url: `${one.url}&n=${i}` }));
      const report = { ...window.__corsLens.report(), exchanges, evicted: 123 };
      const t0 = performance.now();
      window.__corsLens.load(report);
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const load = performance.now() - t0;
      const v = document.getElementById('viewport');
      const t1 = performance.now();
      v.scrollTop = v.scrollHeight;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const scroll = performance.now() - t1;
      const last = [...v.querySelectorAll('.row:not([hidden])')].map((r) => r.dataset.id);
      const t2 = performance.now();
      window.__corsLens.select('big9999');
      const select = performance.now() - t2;
      return { load, scroll, select, state: window.__corsLens.state(), last };
    });
    assert.equal(t.state.shown, 10000);
    assert.ok(t.state.renderedRows < 120, `rendered rows ${t.state.renderedRows}`);
    assert.ok(t.last.includes('big0'), 'the last row (the newest) is reachable');
    assert.ok(t.load < 1000, `load took ${t.load} ms`);
    assert.ok(t.scroll < 200, `scroll took ${t.scroll} ms`);
    assert.match(await panel.textContent('#status'), /123 evicted/);
    await panel.evaluate(() => window.__corsLens.refresh());
    await panel.waitForFunction(() => window.__corsLens.state().total === 4);
  });

  it('Keep log keeps the list across a navigation; without it a navigation starts afresh', async () => {
    const failAndWait = async (name) => {
      const url = u(server.api, `/panel/nav/${name}/${tag}`);
      await app.run({ url });
      await waitFor(async () => exchangesFor(await ctl.report(), (x) => x.url === url && x.verdict).length === 1, { what: name });
    };
    await panel.check('#preserve');
    await waitFor(async () => (await ctl.send({ type: 'report' })).preserve_log === true, { what: 'preserve on' });
    await app.page.reload();
    await app.page.waitForFunction(() => window.ready === true);
    await failAndWait('kept');
    assert.equal((await ctl.report()).exchanges.length, 5, 'the 4 earlier failures are kept');

    await panel.uncheck('#preserve');
    await waitFor(async () => (await ctl.send({ type: 'report' })).preserve_log === false, { what: 'preserve off' });
    await app.page.reload();
    await app.page.waitForFunction(() => window.ready === true);
    await failAndWait('fresh');
    const r = await ctl.report();
    assert.deepEqual(r.exchanges.map((x) => x.url), [u(server.api, `/panel/nav/fresh/${tag}`)]);
    await panel.waitForFunction(() => window.__corsLens.state().total === 1);
  });
});
