// The real DevTools panel: DevTools opened for the tab (--auto-open-devtools-for-tabs, undocked through seeded
// Preferences), the "CORS" tab clicked like a user would, a failed request clicked in the panel, and a screenshot
// of the DevTools window saved to tests/artifacts/panel-devtools.png. Raw CDP over `ws` (DevToolsActivePort),
// because Playwright does not expose DevTools targets.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { clickAt, connectCdp, deepRectExpr, evalUntil, openCorsPanel } from './lib/cdp.mjs';
import { ARTIFACTS, exchangesFor, launchExtension, missingBuild, openApp, u, waitFor, waitForCaptureReady } from './lib/extension.mjs';
import { startServerProcess } from './lib/server-process.mjs';

const skip = missingBuild() || false;

describe('extension: DevTools panel', { skip }, () => {
  let server;
  let ext;
  let app;
  let cdp;
  const tag = Date.now().toString(36);
  const send = (msg) => ext.sw.evaluate((m) => self.__corsLens.handle(m), msg);
  let tabId;

  before(async () => {
    server = await startServerProcess();
    ext = await launchExtension({ devtools: true, windowSize: '1400,900' });
    app = await openApp(ext.ctx, server.app);
    cdp = await connectCdp(ext.cdpPort);
  });

  after(async () => {
    if (cdp) await cdp.close().catch(() => {});
    if (ext) await ext.close();
    if (server) await server.stop();
  });

  it('shows captured failures in the CORS panel and a clicked failure\'s detail', async () => {
    // The devtools_page runs inside the DevTools window of the app tab and knows the inspected tab id.
    const dtpT = await cdp.waitForTarget((t) => t.type === 'iframe' && t.url.endsWith('/extension/devtools.html'));
    const dtp = await cdp.attach(dtpT.targetId);
    tabId = await evalUntil(dtp, 'chrome.devtools.inspectedWindow.tabId');
    const sendTab = (msg) => send({ tabId, ...msg });

    // Two failures while the CORS tab has not been clicked yet: they are in DevTools' Network panel only.
    await app.run({ method: 'PUT', headers: [['X-Test', '1']], url: u(server.api, `/dt/pf404/${tag}`, [['acao', 'echo'], ['acam', 'PUT'], ['acah', 'x-test'], ['pstatus', '404']]) });
    await app.run({ url: u(server.api, `/dt/missing/${tag}`) });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(exchangesFor(await sendTab({ type: 'export' }), (x) => x.url.includes('/dt/')).length, 0, 'nothing is read while no one looks');

    // The DevTools window that inspects the app tab: the one whose devtools_page we found. Clicking CORS reads
    // what the Network panel recorded.
    const { dt, panel } = await openCorsPanel(cdp, ext.extensionId);
    await waitFor(async () => exchangesFor(await sendTab({ type: 'export' }), (x) => x.url.includes('/dt/') && x.verdict).length === 2, { what: 'two failures' });
    await evalUntil(panel, `document.body.dataset.ready === '1' && window.__corsLens.state().shown >= 2`, { what: 'the panel listing two failures' });
    const st = await panel.eval('window.__corsLens.state()');
    assert.equal(st.inDevtools, true);
    await evalUntil(panel, `document.getElementById('recording').textContent === 'Recording this tab from DevTools\u2019 Network records'`,
      { what: 'the panel naming its capture' });
    assert.equal(st.tabId, tabId);
    assert.equal(st.theme, 'light');

    // A real click on the pf404 row: the panel iframe's rect in the DevTools page + the row's rect in the panel.
    const frame = await evalUntil(dt, deepRectExpr('iframe[src*="/extension/panel.html"]'), { what: 'the panel iframe' });
    const row = await evalUntil(panel, `(() => {
      const r = [...document.querySelectorAll('#viewport .row:not([hidden])')].find((e) => e.querySelector('.c-name').title.includes('/dt/pf404/'));
      if (!r) return null; const b = r.querySelector('.c-name').getBoundingClientRect(); return { x: b.x, y: b.y, width: Math.min(b.width, 200), height: b.height };
    })()`, { what: 'the pf404 row' });
    await clickAt(dt, { x: frame.x + row.x, y: frame.y + row.y, width: row.width, height: row.height });
    let selected = await evalUntil(panel, `!document.getElementById('detail').hidden && window.__corsLens.state().selectedId`, { timeout: 2000 }).catch(() => null);
    if (!selected) {
      await panel.eval(`[...document.querySelectorAll('#viewport .row')].find((e) => e.querySelector('.c-name').title.includes('/dt/pf404/')).click()`);
      selected = await evalUntil(panel, `window.__corsLens.state().selectedId`);
    }
    const detail = await evalUntil(panel, `document.getElementById('console-line')?.textContent`, { what: 'the console line in the detail' });
    const x = exchangesFor(await sendTab({ type: 'export' }), (e) => e.url.includes('/dt/pf404/'))[0];
    assert.equal(selected, x.id);
    assert.equal(detail, x.verdict.console.chromium);
    assert.match(detail, /It does not have HTTP ok status/);

    await evalUntil(panel, `new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`);
    const shot = await dt.send('Page.captureScreenshot', { format: 'png' });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, 'panel-devtools.png');
    fs.writeFileSync(file, Buffer.from(shot.data, 'base64'));
    assert.ok(fs.statSync(file).size > 10000);

    // The user switches DevTools to its dark theme: the open panel follows (DevTools' settings, as its
    // Settings > Preferences > Theme writes them).
    const setDevtoolsTheme = (name) => dt.eval(`import('devtools://devtools/bundled/core/common/common.js')
      .then((C) => { C.Settings.Settings.instance().moduleSetting('ui-theme').set(${JSON.stringify(name)}); return true; })`);
    await setDevtoolsTheme('dark');
    await evalUntil(panel, `window.__corsLens.state().theme === 'dark'`, { what: 'the panel in the dark theme' });
    assert.notEqual(await panel.eval('getComputedStyle(document.body).backgroundColor'), 'rgb(255, 255, 255)');
    await evalUntil(panel, `new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`);
    const dark = await dt.send('Page.captureScreenshot', { format: 'png' });
    fs.writeFileSync(path.join(ARTIFACTS, 'panel-devtools-dark.png'), Buffer.from(dark.data, 'base64'));
    await setDevtoolsTheme('default');
    await evalUntil(panel, `window.__corsLens.state().theme === 'light'`, { what: 'the panel back in the light theme' });
  });

  it('turning recording back on brings what DevTools saw meanwhile, in Chromium\'s words', async () => {
    const sendTab = (msg) => send({ tabId, ...msg });
    assert.deepEqual((await sendTab({ type: 'record', value: false })).recording, { tab: false, every_tab: false, from_devtools: false });
    const url = u(server.api, `/dt/gap/${tag}`, [['acao', 'echo'], ['acam', 'PUT'], ['acah', 'x-test'], ['pstatus', '404']]);
    const before = app.lines.length;
    await app.run({ client: 'xhr', method: 'PUT', headers: [['X-Test', '1']], url });
    const line = await waitFor(() => app.lines.slice(before).find((l) => l.includes('/dt/gap/')), { what: 'Chromium\'s line' });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(exchangesFor(await sendTab({ type: 'export' }), (x) => x.url === url).length, 0, 'not recorded while stopped');
    await sendTab({ type: 'record', value: true });
    const x = await waitFor(async () => exchangesFor(await sendTab({ type: 'export' }), (e) => e.url === url && e.verdict)[0], { what: 'the gap filled' });
    assert.equal(x.source, 'devtools');
    assert.equal(x.type, 'xhr');
    assert.equal(x.preflight?.status, 404);
    assert.equal(x.verdict.console.chromium, line);
  });

  it('forwards DevTools HAR entries (preflights included) to the session', async () => {
    const x = exchangesFor(await send({ tabId, type: 'export' }), (e) => e.url.includes('/dt/pf404/'))[0];
    assert.ok(x.preflight?.observed);
    assert.ok(['order', 'har'].includes(x.preflight.match), x.preflight.match);
  });

  // Last: it closes DevTools.
  it('costs no webRequest listener while DevTools is open; webRequest takes over when DevTools closes', async () => {
    const sendTab = (msg) => send({ tabId, ...msg });
    assert.deepEqual((await sendTab({ type: 'report' })).recording, { tab: true, every_tab: false, from_devtools: true });
    const state = () => send({ type: 'state' });
    assert.deepEqual(await state().then((s) => [s.listenerSets, s.errorListenerSets]), [0, 1], 'DevTools\' records capture the tab; webRequest only names errors');
    const ingested = (await state()).ingested;
    const fine = u(server.api, `/dt/fine/${tag}`, [['acao', 'echo']]);
    await app.run({ url: fine });
    await waitFor(async () => exchangesFor(await sendTab({ type: 'export' }), (e) => e.url === fine)[0], { what: 'the success DevTools recorded' });
    assert.equal((await state()).ingested, ingested, 'a request that did not fail sends the worker no webRequest event');
    const open = u(server.api, `/dt/open/${tag}`);
    await app.run({ url: open });
    const seen = await waitFor(async () => exchangesFor(await sendTab({ type: 'export' }), (e) => e.url === open && e.verdict)[0], { what: 'the failure with DevTools open' });
    assert.equal(seen.source, 'devtools');
    assert.match(seen.verdict.console.chromium, /No 'Access-Control-Allow-Origin' header is present/);
    // A navigation, which webRequest does not see here, starts the list afresh ("Keep log" is off).
    await app.page.reload();
    await app.page.waitForFunction(() => window.ready === true);
    await waitFor(async () => exchangesFor(await sendTab({ type: 'export' }), (e) => e.url === open).length === 0, { what: 'the list cleared by the navigation' });

    const dtT = await cdp.waitForTarget((t) => t.type === 'page' && t.url.startsWith('devtools://'));
    await cdp.send('Target.closeTarget', { targetId: dtT.targetId });
    await waitFor(async () => { const s = await state(); return s.listenerSets === 1 && s.errorListenerSets === 0; }, { what: 'full webRequest listeners for the tab DevTools left' });
    await waitForCaptureReady(app, sendTab, server.api);
    const closed = u(server.api, `/dt/closed/${tag}`);
    await app.run({ url: closed });
    const after = await waitFor(async () => exchangesFor(await sendTab({ type: 'export' }), (e) => e.url === closed && e.verdict)[0], { what: 'the failure after DevTools closed' });
    assert.equal(after.source, 'webrequest');
    assert.match(after.verdict.console.chromium, /No 'Access-Control-Allow-Origin' header is present/);
  });
});
