// The request list as DevTools' Network panel has it, in real Chromium with the extension (panel as a tab):
// Name/Domain/Status ("CORS error", the real network failure) columns, sorting, rows appended at the bottom that
// keep the selection, auto-scroll only at the bottom, keyboard-only use (search box → list → detail → context
// menu → Copy as cURL), the Network filter syntax, the empty states, Ctrl+L, and an accessibility tree in which
// every control has a name (screenshot: tests/artifacts/panel-list.png). Inside real DevTools: DevTools' type word and the Initiator link to Sources.
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { clickAt, connectCdp, deepRectExpr, evalUntil, openCorsPanel } from './lib/cdp.mjs';
import { ARTIFACTS, exchangesFor, launchExtension, missingBuild, openApp, startRecordedApp, u, waitFor, waitForCaptureReady } from './lib/extension.mjs';
import { startServerProcess } from './lib/server-process.mjs';

const skip = missingBuild() || false;

/** A loopback port nothing listens on (just released), so a request to it is refused. */
const closedPort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

describe('extension: the request list', { skip }, () => {
  let server;
  let ext;
  let app;
  let ctl;
  let panel;
  const tag = Date.now().toString(36);
  const url = {};

  const state = () => panel.evaluate(() => window.__corsLens.state());
  const emptyText = () => panel.evaluate(() => (document.getElementById('empty').hidden ? null : document.getElementById('empty').textContent));
  /** The visible rows in list order, each as its cells' text (the Name cell's tooltip as `url`). */
  const rows = () => panel.$$eval('#viewport .row:not([hidden])', (els) => els
    .map((r) => ({
      i: Number(r.dataset.index), id: r.dataset.id, domId: r.id, url: r.querySelector('.c-name').title,
      ...Object.fromEntries([...r.children].map((c) => [c.className.split(' ')[0].slice(2), c.textContent])),
    }))
    .sort((a, b) => a.i - b.i));
  const search = async (text) => {
    await panel.fill('#search', text);
    await panel.waitForFunction((t) => window.__corsLens.state().search === t, text);
    return (await state()).ids;
  };
  const idOf = async (path) => exchangesFor(await ctl.report(), (x) => x.url.includes(path))[0]?.id;
  const focused = () => panel.evaluate(() => document.activeElement?.id || document.activeElement?.textContent);
  const active = () => panel.evaluate(() => document.getElementById('viewport').getAttribute('aria-activedescendant'));

  before(async () => {
    ({ server, ext, app, ctl } = await startRecordedApp({ windowSize: '1280,800' }));
    panel = ctl.panel;
    await panel.setViewportSize({ width: 1280, height: 800 });
    const base = `${server.api}/list/${tag}`;
    url.ok1 = u(base, '/ok1', [['acao', 'echo']]);
    url.ok2 = u(base, '/ok2', [['acao', 'echo']]);
    url.pf404 = u(base, '/pf404', [['acao', 'echo'], ['acam', 'PUT'], ['acah', 'x-test'], ['pstatus', '404']]);
    url.missing = u(base, '/missing');
    url.method = u(base, '/method', [['acao', 'echo'], ['acam', 'GET, POST']]);
    url.refused = `http://127.0.0.1:${await closedPort()}/list/refused`;
    url.late = u(base, '/late');
  });

  after(async () => {
    if (ext) await ext.close();
    if (server) await server.stop();
  });

  it('says what is empty: nothing recorded, then only successes with a Show all button', async () => {
    await panel.waitForFunction(() => window.__corsLens.state().total === 0);
    assert.match(await emptyText(), /^Nothing recorded yet/);
    await app.run({ url: url.ok1 });
    await app.run({ url: url.ok2 });
    await panel.waitForFunction(() => window.__corsLens.state().total === 2);
    assert.equal(await emptyText(), 'No failed requests; 2 succeeded \u2014 Show all');
    await panel.click('#show-all');
    await panel.waitForFunction(() => window.__corsLens.state().shown === 2);
    assert.equal(await panel.isChecked('#failed-only'), false, 'Show all switched the Failed only toggle off');
    assert.equal((await rows())[0].status, '200');
    await panel.check('#failed-only');
    await panel.waitForFunction(() => window.__corsLens.state().shown === 0);
  });

  it('shows Name, Domain, Status ("CORS error" or the network failure), Method, Type and Time, newest at the bottom', async () => {
    await app.run({ method: 'PUT', headers: [['X-Test', '1']], url: url.pf404 });
    await app.run({ url: url.missing });
    await app.run({ method: 'DELETE', url: url.method });
    await app.run({ url: url.refused });
    await waitFor(async () => exchangesFor(await ctl.report(), (x) => x.failed && (x.verdict || x.url === url.refused)).length === 4, { what: '4 failures' });
    await panel.waitForFunction(() => window.__corsLens.state().shown === 4);
    const r = await rows();
    assert.deepEqual(r.map((x) => x.url), [url.pf404, url.missing, url.method, url.refused], 'time order, newest at the bottom');
    const pf = r[0];
    assert.equal(pf.name, `pf404?${new URL(url.pf404).search.slice(1)}`);
    assert.equal(pf.domain, new URL(server.api).host);
    assert.equal(pf.status, 'CORS error');
    assert.equal(pf.method, 'PUT');
    assert.equal(pf.type, 'fetch/xhr', 'webRequest alone cannot tell fetch from XHR; never its raw xmlhttprequest');
    assert.match(pf.time, /^\d+ ms$/);
    assert.equal(pf.preflight, 'OPTIONS');
    assert.equal(r[1].name, 'missing');
    assert.equal(r[1].status, 'CORS error', 'blocked although a 200 came back');
    assert.equal(r[2].method, 'DELETE');
    assert.match(r[3].status, /^\(failed\) net::ERR_CONNECTION_REFUSED$/);
    assert.equal(r[3].domain, new URL(url.refused).host);
    await panel.screenshot({ path: path.join(ARTIFACTS, 'panel-list.png') });
  });

  it('sorts by a clicked header (aria-sort), then back to time order', async () => {
    const header = (col) => panel.$eval(`#list-head [data-col="${col}"]`, (h) => h.getAttribute('aria-sort'));
    const methods = async () => (await rows()).map((x) => x.method);
    await panel.click('#list-head [data-col="method"] .sort');
    assert.equal(await header('method'), 'ascending');
    assert.equal(await header('name'), 'none');
    assert.deepEqual(await methods(), ['DELETE', 'GET', 'GET', 'PUT']);
    await panel.click('#list-head [data-col="method"] .sort');
    assert.equal(await header('method'), 'descending');
    assert.deepEqual(await methods(), ['PUT', 'GET', 'GET', 'DELETE']);
    await panel.click('#list-head [data-col="method"] .sort');
    assert.equal(await header('method'), 'none');
    assert.deepEqual(await methods(), ['PUT', 'GET', 'DELETE', 'GET']);
  });

  it('resizes a column by dragging its header edge, and remembers the width', async () => {
    const width = () => panel.$eval('#list-head [data-col="name"]', (h) => h.getBoundingClientRect().width);
    const w0 = await width();
    const edge = await panel.$eval('#list-head [data-col="name"] .resizer', (h) => { const b = h.getBoundingClientRect(); return { x: b.x + b.width / 2, y: b.y + b.height / 2 }; });
    await panel.mouse.move(edge.x, edge.y);
    await panel.mouse.down();
    await panel.mouse.move(edge.x + 60, edge.y, { steps: 4 });
    await panel.mouse.up();
    assert.ok(Math.abs((await width()) - (w0 + 60)) <= 2, `${w0} → ${await width()}`);
    const cell = await panel.$eval('#viewport .row:not([hidden]) .c-name', (c) => c.getBoundingClientRect().width);
    assert.ok(Math.abs(cell - (w0 + 60)) <= 2, 'the rows follow the header');
    const stored = await panel.evaluate(() => chrome.storage.local.get('columnWidths'));
    assert.equal(stored.columnWidths.name, Math.round(w0 + 60));
  });

  it('a new request is appended at the bottom and the selected row stays selected, in place', async () => {
    const id = await idOf('/missing');
    await panel.click(`#row-${id}`);
    await panel.waitForSelector('#detail:not([hidden])');
    const y0 = await panel.$eval(`#row-${id}`, (r) => r.getBoundingClientRect().y);
    await app.run({ url: url.late });
    await panel.waitForFunction(() => window.__corsLens.state().shown === 5);
    const st = await state();
    assert.equal(st.selectedId, id);
    assert.equal(st.ids.at(-1), await idOf('/late'), 'appended at the bottom');
    assert.equal(await panel.$eval(`#row-${id}`, (r) => r.getAttribute('aria-selected')), 'true');
    assert.equal(await panel.$eval(`#row-${id}`, (r) => r.getBoundingClientRect().y), y0, 'the selected row did not move');
    await panel.keyboard.press('Escape');
    await panel.waitForSelector('#detail', { state: 'hidden' });
  });

  it('an exchange opened from elsewhere (the cost view\'s links) becomes the selected row', async () => {
    const id = await idOf('/method');
    await panel.evaluate((i) => window.__corsLens.select(i), id);
    await panel.waitForFunction((i) => document.getElementById('viewport').getAttribute('aria-activedescendant') === `row-${i}`, id);
    assert.equal(await panel.$eval(`#row-${id}`, (r) => r.getAttribute('aria-selected')), 'true');
    await panel.keyboard.press('Escape');
    await panel.waitForSelector('#detail', { state: 'hidden' });
  });

  it('follows new rows only when scrolled to the bottom', async () => {
    const r = await panel.evaluate(async () => {
      const frame = () => new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res)));
      const one = window.__corsLens.report().exchanges[0];
      const many = (n) => Array.from({ length: n }, (_, i) => ({ ...one, id: `s${n - 1 - i}` })); // newest first
      const v = document.getElementById('viewport');
      window.__corsLens.load({ ...window.__corsLens.report(), exchanges: many(300) });
      await frame();
      const startsAtBottom = v.scrollTop + v.clientHeight >= v.scrollHeight - 1;
      v.scrollTop = 1000;
      await frame();
      window.__corsLens.load({ ...window.__corsLens.report(), exchanges: many(301) });
      await frame();
      const keptMiddle = v.scrollTop;
      v.scrollTop = v.scrollHeight;
      await frame();
      window.__corsLens.load({ ...window.__corsLens.report(), exchanges: many(302) });
      await frame();
      const followed = v.scrollTop + v.clientHeight >= v.scrollHeight - 1;
      const bottomRow = [...v.querySelectorAll('.row:not([hidden])')].sort((a, b) => b.dataset.index - a.dataset.index)[0].dataset.id;
      window.__corsLens.load({ ...window.__corsLens.report(), evicted: 1500, evicted_failures: 2 });
      await frame();
      const evicted = document.getElementById('evicted');
      return { startsAtBottom, keptMiddle, followed, bottomRow, evicted: evicted.hidden ? null : evicted.textContent };
    });
    await panel.evaluate(() => window.__corsLens.refresh());
    await panel.waitForFunction(() => window.__corsLens.state().total === 7);
    assert.deepEqual(r, { startsAtBottom: true, keptMiddle: 1000, followed: true, bottomRow: 's301',
      evicted: '1500 older requests dropped to stay within the per-tab limit (2 of them failed)' });
    assert.equal(await panel.$eval('#evicted', (e) => e.hidden), true, 'nothing evicted in the real report');
  });

  it('works from the keyboard: search box → list, arrows, Home/End, Enter, Escape, menu → Copy as cURL', async () => {
    await panel.focus('#search');
    for (let n = 0; n < 25 && (await focused()) !== 'viewport'; n++) await panel.keyboard.press('Tab');
    assert.equal(await focused(), 'viewport', 'Tab reaches the list');
    const st = await state();
    assert.equal(await active(), `row-${st.ids.at(-1)}`, 'the newest row is active on entering the list');
    await panel.keyboard.press('Home');
    assert.equal(await active(), `row-${st.ids[0]}`);
    assert.equal(await panel.$eval(`#row-${st.ids[0]}`, (r) => [r.getAttribute('aria-selected'), r.getAttribute('aria-posinset'), r.getAttribute('aria-setsize')].join()), `true,1,${st.ids.length}`);
    await panel.keyboard.press('End');
    assert.equal(await active(), `row-${st.ids.at(-1)}`);
    await panel.keyboard.press('PageUp');
    assert.equal(await active(), `row-${st.ids[0]}`, 'PageUp stops at the first row');
    await panel.keyboard.press('ArrowDown');
    assert.equal(await active(), `row-${st.ids[1]}`);
    await panel.keyboard.press('ArrowUp');
    assert.equal(await active(), `row-${st.ids[0]}`);
    assert.equal((await state()).selectedId, null, 'arrows alone do not open the detail');
    await panel.keyboard.press('Enter');
    await panel.waitForSelector('#detail:not([hidden]) #console-line');
    assert.equal((await state()).selectedId, st.ids[0]);
    await panel.keyboard.press('ArrowDown');
    await panel.waitForFunction((id) => window.__corsLens.state().selectedId === id, st.ids[1]);
    await panel.keyboard.press('Escape');
    await panel.waitForSelector('#detail', { state: 'hidden' });
    assert.equal(await focused(), 'viewport');
    assert.equal(await active(), `row-${st.ids[1]}`, 'the selection stays after the detail closes');

    // The PUT stopped by its preflight, through the context menu (Shift+F10), Copy as cURL.
    await panel.keyboard.press('Home');
    await panel.keyboard.press('Shift+F10');
    await panel.waitForSelector('#row-menu');
    assert.equal(await focused(), 'Copy URL');
    await panel.keyboard.press('ArrowDown');
    assert.equal(await focused(), 'Copy as cURL');
    await panel.keyboard.press('Enter');
    await panel.waitForFunction(() => (window.__corsLens.state().lastCopied || '').startsWith('curl'));
    const copied = (await state()).lastCopied;
    assert.ok(copied.startsWith(`curl -i -X 'PUT' '${url.pf404}'`), copied);
    assert.match(copied, / -H 'x-test: /i, 'the header the page set');
    assert.match(copied, new RegExp(` -H 'Origin: ${server.app}'`));
    assert.equal(await panel.$('#row-menu'), null, 'the menu closed');
    assert.equal(await focused(), 'viewport', 'focus is back on the list');

    // The ContextMenu key, Copy as fetch; Escape closes a menu without closing anything else.
    await panel.keyboard.press('ContextMenu');
    await panel.waitForSelector('#row-menu');
    await panel.keyboard.press('ArrowDown');
    await panel.keyboard.press('ArrowDown');
    await panel.keyboard.press('Enter');
    await panel.waitForFunction(() => (window.__corsLens.state().lastCopied || '').startsWith('fetch('));
    const f = (await state()).lastCopied;
    assert.ok(f.startsWith(`fetch(${JSON.stringify(url.pf404)}, {`), f);
    assert.match(f, /"method": "PUT"/);
    await panel.keyboard.press('ContextMenu');
    await panel.waitForSelector('#row-menu');
    await panel.keyboard.press('Escape');
    await panel.waitForSelector('#row-menu', { state: 'detached' });
    assert.equal(await focused(), 'viewport');
  });

  it('a right-click opens the same menu; Copy console line copies Chromium\'s line', async () => {
    const id = await idOf('/missing');
    await panel.click(`#row-${id}`, { button: 'right' });
    await panel.waitForSelector('#row-menu');
    await panel.click('#row-menu >> text=Copy console line');
    const x = exchangesFor(await ctl.report(), (e) => e.id === id)[0];
    await panel.waitForFunction((line) => window.__corsLens.state().lastCopied === line, x.verdict.console.chromium);
  });

  it("the menu's Copy fix copies the fix for the server picked in the detail", async () => {
    const id = await idOf('/pf404');
    await panel.click(`#row-${id}`);
    await panel.waitForSelector('#framework');
    await panel.selectOption('#framework', 'nginx');
    await panel.waitForFunction(() => /add_header/.test(document.querySelector('.fix-code')?.textContent || ''));
    const fix = await panel.$eval('.fix-code', (e) => e.textContent);
    await panel.keyboard.press('Escape');
    await panel.click(`#row-${id}`, { button: 'right' });
    await panel.click('#row-menu >> text=Copy fix');
    await panel.waitForFunction((f) => window.__corsLens.state().lastCopied === f, fix);
  });

  it('filters with the Network syntax: status-code:, method:, domain: with wildcards, - to negate, words', async () => {
    const ids = {};
    for (const p of ['/pf404', '/missing', '/method', '/refused', '/late']) ids[p] = await idOf(p);
    const set = (...ps) => ps.map((p) => ids[p]).sort();
    const sorted = (a) => [...a].sort();
    assert.deepEqual(sorted(await search('method:put')), set('/pf404'));
    assert.deepEqual(sorted(await search('-method:PUT')), set('/missing', '/method', '/refused', '/late'));
    assert.deepEqual(sorted(await search('status-code:404')), set('/pf404'), 'the preflight\'s 404');
    assert.deepEqual(sorted(await search('status-code:200')), set('/missing', '/late'));
    assert.deepEqual(sorted(await search(`domain:${new URL(server.api).host}`)), set('/pf404', '/missing', '/method', '/late'));
    assert.deepEqual(sorted(await search('domain:127.0.0.*')), set('/pf404', '/missing', '/method', '/refused', '/late'));
    assert.deepEqual(sorted(await search(`-domain:${new URL(url.refused).host}`)), set('/pf404', '/missing', '/method', '/late'));
    assert.deepEqual(sorted(await search('method:GET -/missing')), set('/refused', '/late'));
    assert.deepEqual(await search('domain:*.example.com'), []);
    assert.equal(await emptyText(), 'Nothing matches the filter.');
    await search('');
    assert.equal((await state()).shown, 5);
    await panel.click('.chip >> text=Other');
    await panel.waitForFunction(() => window.__corsLens.state().shown === 0);
    assert.equal(await panel.$eval('.chip[aria-pressed="true"]', (c) => c.textContent), 'Other');
    await panel.click('.chip >> text=Fetch/XHR');
    await panel.waitForFunction(() => window.__corsLens.state().shown === 5);
    await panel.click('.chip >> text=All');
  });

  it('every control has a name in the accessibility tree; tabs are linked to their panels', async () => {
    const cdp = await panel.context().newCDPSession(panel);
    await cdp.send('Accessibility.enable');
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    const interactive = new Set(['button', 'checkbox', 'textbox', 'searchbox', 'combobox', 'link', 'tab', 'listbox', 'option', 'menuitem', 'columnheader', 'radio', 'switch', 'slider']);
    const controls = nodes.filter((n) => !n.ignored && interactive.has(n.role?.value));
    const unnamed = controls.filter((n) => !String(n.name?.value ?? '').trim()).map((n) => n.role.value);
    assert.deepEqual(unnamed, [], 'unnamed controls');
    const roles = new Set(controls.map((n) => n.role.value));
    for (const r of ['button', 'checkbox', 'searchbox', 'tab', 'listbox', 'option', 'columnheader']) assert.ok(roles.has(r), `a ${r} in the tree`);
    const named = (role) => controls.filter((n) => n.role.value === role).map((n) => n.name.value);
    assert.ok(named('searchbox').includes('Filter requests'));
    assert.ok(named('checkbox').includes('Failed only') && named('checkbox').includes('Keep log'), named('checkbox').join());
    const listbox = nodes.find((n) => n.role?.value === 'listbox');
    assert.ok(listbox.properties.some((p) => p.name === 'activedescendant'), 'the listbox names its active row');
    await cdp.detach();
    const links = await panel.evaluate(() => [...document.querySelectorAll('[role="tab"]')].map((t) => {
      const p = document.getElementById(t.getAttribute('aria-controls'));
      return p?.getAttribute('role') === 'tabpanel' && p.getAttribute('aria-labelledby') === t.id;
    }));
    assert.deepEqual(links, [true, true]);
    // Arrow keys move between the tabs, which are one tab stop.
    await panel.focus('#view-failures');
    await panel.keyboard.press('ArrowRight');
    assert.equal((await state()).view, 'cost');
    assert.equal(await focused(), 'view-cost');
    await panel.keyboard.press('ArrowLeft');
    assert.equal((await state()).view, 'failures');
    assert.deepEqual(await panel.$$eval('[role="tab"]', (ts) => ts.map((t) => t.tabIndex)), [0, -1]);
  });

  it('Ctrl+L clears the list', async () => {
    await panel.focus('#viewport');
    await panel.keyboard.press('Control+l');
    await panel.waitForFunction(() => window.__corsLens.state().total === 0);
    assert.match(await emptyText(), /^Nothing recorded yet/);
  });
});

describe('extension: the request list inside DevTools', { skip }, () => {
  let server;
  let ext;
  let cdp;

  before(async () => {
    server = await startServerProcess();
    ext = await launchExtension({ devtools: true, windowSize: '1400,900' });
    cdp = await connectCdp(ext.cdpPort);
  });

  after(async () => {
    if (cdp) await cdp.close().catch(() => {});
    if (ext) await ext.close();
    if (server) await server.stop();
  });

  it("shows DevTools' type and the calling script, whose link opens Sources", async () => {
    const app = await openApp(ext.ctx, server.app);
    const dtp = await cdp.attach((await cdp.waitForTarget((t) => t.type === 'iframe' && t.url.endsWith('/extension/devtools.html'))).targetId);
    const tabId = await evalUntil(dtp, 'chrome.devtools.inspectedWindow.tabId');
    const send = (msg) => ext.sw.evaluate((m) => self.__corsLens.handle(m), { tabId, ...msg });
    const { dt, panel } = await openCorsPanel(cdp, ext.extensionId);
    await waitForCaptureReady(app, send, server.api);
    const url = u(server.api, `/list-dt/${Date.now().toString(36)}/pf404`, [['acao', 'echo'], ['acam', 'PUT'], ['acah', 'x-test'], ['pstatus', '404']]);
    await app.run({ method: 'PUT', headers: [['X-Test', '1']], url });
    const x = await waitFor(async () => exchangesFor(await send({ type: 'export' }), (e) => e.url === url && e.initiator_script)[0], { timeout: 20000, what: 'the request with its initiator' });

    const cells = await evalUntil(panel, `(() => {
      const r = document.getElementById(${JSON.stringify(`row-${x.id}`)});
      if (!r) return null;
      const a = r.querySelector('.c-initiator a.initiator');
      return { type: r.querySelector('.c-type').textContent, status: r.querySelector('.c-status').textContent, link: a?.textContent, title: r.querySelector('.c-initiator').title };
    })()`, { what: 'the row' });
    assert.equal(cells.type, 'fetch', "DevTools' own word");
    assert.equal(cells.status, 'CORS error');
    assert.equal(cells.link, `${new URL(server.app).host}/:${x.initiator_script.line}`, 'the page script and its line');
    assert.equal(cells.title, `${x.initiator_script.url}:${x.initiator_script.line}`);

    const sourcesShown = deepRectExpr('[id="tab-sources"][aria-selected="true"]');
    assert.equal(await dt.eval(sourcesShown), null, 'the CORS panel is shown, not Sources');
    const frame = await evalUntil(dt, deepRectExpr('iframe[src*="/extension/panel.html"]'), { what: 'the panel iframe' });
    const link = await panel.eval(`(() => { const b = document.querySelector(${JSON.stringify(`#row-${x.id} a.initiator`)}).getBoundingClientRect(); return { x: b.x, y: b.y, width: b.width, height: b.height }; })()`);
    await clickAt(dt, { ...link, x: frame.x + link.x, y: frame.y + link.y });
    await evalUntil(dt, sourcesShown, { what: 'the Sources panel shown' });
  });
});
