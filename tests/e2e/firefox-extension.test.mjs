// The extension in Firefox: the repository root installed as a temporary add-on in Debian's firefox-esr
// (headless, WebDriver BiDi through puppeteer-core), the same manifest as Chromium's (Firefox runs
// background.scripts as an event page and ignores service_worker). Its webRequest capture works without
// 'extraHeaders' (Firefox shows preflights anyway), and the CORS panel, opened as a tab for the app's tab,
// lists the failures, judged by Firefox's rules, and shows first, for the one clicked, the line Firefox printed
// in its console. Firefox's own toolbox loads the add-on's DevTools page (which records the inspected tab) and
// its CORS panel; the panel's page inside the toolbox cannot be scripted over BiDi, hence the tab.
//
// Env: FIREFOX_BIN (default /usr/bin/firefox-esr).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { missingBuild, REPO, u, waitFor } from './lib/extension.mjs';
import { firefoxAvailable, isFirefoxCorsLine, launchFirefox, openRunner } from './lib/firefox.mjs';
import { startServerProcess } from './lib/server-process.mjs';

const ADDON_ID = 'cors-lens@cors-lens.dev'; // manifest.json, browser_specific_settings.gecko.id
const UUID = '6c0f3e52-9d0b-4b8e-a3f1-2a7c5d9e4b10'; // pinned, so the test knows the moz-extension: host
const skip = (!firefoxAvailable() && 'firefox-esr is not installed (scripts/install-deps.sh)') || missingBuild() || false;

describe('the extension in Firefox', { skip }, () => {
  let server;
  let ff;
  let app;
  let panel;
  let appTab;
  const printed = [];

  before(async () => {
    server = await startServerProcess();
    ff = await launchFirefox({ prefs: { 'extensions.webextensions.uuids': JSON.stringify({ [ADDON_ID]: UUID }) } });
    await ff.browser.installExtension(REPO);
    app = await openRunner(ff, `${server.app}/`);
    panel = await ff.browser.newPage();
    const open = (url) => ff.bidi('browsingContext.navigate', { context: panel.mainFrame()._id, url, wait: 'complete' });
    await open(`moz-extension://${UUID}/extension/panel.html`);
    const tabs = await panel.evaluate(() => browser.tabs.query({}).then((all) => all.map((t) => [t.id, t.url ?? ''])));
    appTab = tabs.find(([, url]) => url.startsWith(server.app))?.[0];
    assert.ok(Number.isInteger(appTab), `no tab for the app page among ${JSON.stringify(tabs)}`);
    // The panel opened as a tab records the app's tab from now on, as DevTools opening on it would.
    await open(`moz-extension://${UUID}/extension/panel.html?tabId=${appTab}`);
    await waitFor(() => panel.evaluate(() => /Recording this tab/.test(document.body.textContent)), { what: 'the panel recording the tab' });
    const PUT_X = { method: 'PUT', headers: [['X-Test', '1']] };
    for (const spec of [
      { ...PUT_X, url: u(server.api, '/data', [['acao', 'echo'], ['acam', 'PUT'], ['acah', 'x-test'], ['pstatus', '404'], ['t', 'ff1']]) },
      { url: u(server.api, '/data', [['t', 'ff2']]) },
      { url: u(server.api, '/ok', [['acao', 'echo'], ['t', 'ff3']]) },
      // Allowed, its preflight cached for a day: Firefox's cap, not above it.
      { ...PUT_X, url: u(server.api, '/ok', [['acao', 'echo'], ['acam', 'PUT'], ['acah', 'x-test'], ['maxage', '86400'], ['t', 'ff4']]) },
    ]) {
      const r = await app.run(spec);
      printed.push({ ok: r.result.ok, line: r.errors.find(isFirefoxCorsLine) ?? null });
    }
  });

  it("counts Max-Age as Firefox does: 86400 s is its cap", async () => {
    const report = await panel.evaluate((id) => browser.runtime.sendMessage({ type: 'report', tabId: id }), appTab);
    const row = report.preflight_stats.find((r) => r.url.includes('ff4'));
    assert.ok(row, `no preflight row for the Max-Age request: ${JSON.stringify(report.preflight_stats.map((r) => r.url))}`);
    assert.deepEqual([row.finding, row.max_age_seconds, row.bad], ['ok', 86400, false], JSON.stringify(row));
  });

  it("loads in Firefox's own toolbox: its DevTools page records the tab and the CORS panel can be selected", async () => {
    // A second page of the app, recorded only because DevTools opens on it.
    const inspected = await openRunner(ff, `${server.app}/?toolbox`);
    const tree = await ff.bidi('browsingContext.getTree', { 'moz:scope': 'chrome' });
    const chrome = tree.contexts.find((c) => c.url === 'chrome://browser/content/browser.xhtml');
    assert.ok(chrome, 'no browser window in the chrome scope');
    // Chrome-privileged script: the DevTools loader opens the toolbox for the tab and selects the add-on's panel
    // (its id has a runtime counter: found by the add-on id; registered shortly after the devtools page runs).
    const expression = `(async () => {
      const { require } = ChromeUtils.importESModule('resource://devtools/shared/loader/Loader.sys.mjs');
      const { gDevTools } = require('devtools/client/framework/devtools');
      const tab = [...gBrowser.tabs].find((t) => t.linkedBrowser.currentURI.spec.endsWith('/?toolbox'));
      const toolbox = await gDevTools.showToolboxForTab(tab, { toolId: 'webconsole' });
      for (let i = 0; i < 400; i++) {
        const tool = toolbox.getAdditionalTools().find((t) => t.extensionId === ${JSON.stringify(ADDON_ID)});
        if (tool) { await toolbox.selectTool(tool.id); return tool.label; }
        await new Promise((r) => setTimeout(r, 25));
      }
      return null;
    })()`;
    const shown = await ff.bidi('script.evaluate', { expression, target: { context: chrome.context }, awaitPromise: true });
    assert.equal(shown.result?.value, 'CORS', `the CORS panel was not registered: ${JSON.stringify(shown)}`);
    const tabs = await panel.evaluate(() => browser.tabs.query({}).then((all) => all.map((t) => [t.id, t.url ?? ''])));
    const tabId = tabs.find(([, url]) => url.endsWith('/?toolbox'))?.[0];
    const r = await inspected.run({ url: u(server.api, '/data', [['t', 'ff-toolbox']]) });
    assert.equal(r.result.ok, false);
    await waitFor(async () => {
      const report = await panel.evaluate((id) => browser.runtime.sendMessage({ type: 'report', tabId: id }), tabId);
      return report?.exchanges?.some((e) => e.url.includes('ff-toolbox') && e.failed);
    }, { what: 'the failure in the tab DevTools records' });
  });

  after(async () => {
    if (ff) await ff.browser.close();
    if (server) await server.stop();
  });

  it('lists each failure Firefox reported and no allowed request as failed', async () => {
    assert.deepEqual(printed.map((p) => p.ok), [false, false, true, true]);
    const rows = await waitFor(async () => {
      const texts = await panel.evaluate(() => [...document.querySelectorAll('.row:not([hidden])')].map((r) => r.textContent));
      return texts.length >= 2 && texts;
    }, { what: 'two rows in the panel' });
    assert.equal(rows.filter((t) => t.includes('CORS error')).length, 2, JSON.stringify(rows));
    assert.ok(rows.some((t) => t.includes('Preflight answered 404')), JSON.stringify(rows));
    assert.ok(!rows.some((t) => /ff[34]/.test(t) && t.includes('CORS error')), `an allowed request is listed as a failure: ${JSON.stringify(rows)}`);
  });

  it('sends a live preflight from Firefox: one OPTIONS with the page\'s Origin and Access-Control-Request-*', async () => {
    const report = await panel.evaluate((id) => browser.runtime.sendMessage({ type: 'report', tabId: id }), appTab);
    const x = report.exchanges.find((e) => e.url.includes('ff1'));
    const since = (await server.log()).at(-1)?.seq ?? 0;
    const answer = await panel.evaluate(([tabId, id]) => browser.runtime.sendMessage({ type: 'probe', tabId, id }), [appTab, x.id]);
    assert.equal(answer.error, undefined, JSON.stringify(answer));
    assert.equal(answer.raw.status, 404);
    assert.equal(answer.verdict.browser, 'firefox', 'the answer is judged by the rules of the browser it runs in');
    const log = (await server.log(since)).filter((e) => e.url.includes('ff1'));
    assert.deepEqual(log.map((e) => e.method), ['OPTIONS'], 'only the OPTIONS was sent');
    const h = Object.fromEntries(log[0].headers.map(([k, v]) => [k.toLowerCase(), v]));
    assert.equal(h.origin, server.app, 'the page\'s Origin, set by the session rule');
    assert.equal(h['access-control-request-method'], 'PUT');
    assert.equal(h['access-control-request-headers'], 'x-test');
  });

  it("judges by Firefox's rules and shows Firefox's own console line first for the failure clicked", async () => {
    await panel.evaluate(() => [...document.querySelectorAll('.row')].find((r) => r.textContent.includes('ff1')).click());
    const shown = await waitFor(() => panel.evaluate(() => {
      const line = document.getElementById('console-line');
      return line && { line: line.textContent, heading: line.closest('section')?.textContent ?? '' };
    }), { what: 'the console line in the detail' });
    assert.ok(printed[0].line, 'Firefox printed no CORS line for the 404 preflight');
    assert.equal(shown.line, printed[0].line);
    assert.match(shown.heading, /Console \(Firefox\)/);
  });
});
