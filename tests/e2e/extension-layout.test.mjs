// The detail as a developer meets it, in real Chromium with the panel as a tab: the demo's failures, one opened.
// At 1400x900 the verdict and the fix (with its Copy button) are on the first screen without scrolling; the
// evidence sits in sub-tabs reachable by keyboard; a preflight answered from the browser's cache is drawn as
// cached; side findings come after the cause. Screenshots at 1400, 800 and 500 px wide and in the dark theme go
// to tests/artifacts/panel-*.png (docs/images holds copies for the README).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { ARTIFACTS, exchangesFor, launchExtension, missingBuild, openApp, openPanel, u, waitFor, waitForCaptureReady } from './lib/extension.mjs';
import { startServerProcess } from './lib/server-process.mjs';

const skip = missingBuild() || false;
const DEMO_PAGE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../demo/page.html');

/** The element's box in the page, or null when it is not rendered. */
const box = (page, selector) => page.evaluate((s) => {
  const n = document.querySelector(s);
  if (!n || !n.getClientRects().length) return null;
  const r = n.getBoundingClientRect();
  return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
}, selector);

describe('extension: the detail, fix first', { skip }, () => {
  let server;
  let ext;
  let ctl;
  let app;
  let failures;

  before(async () => {
    server = await startServerProcess({ args: ['--page', `/demo.html=${DEMO_PAGE}`] });
    ext = await launchExtension({ windowSize: '1400,900' });
    app = await openApp(ext.ctx, server.app);
    ctl = await openPanel(ext, server.app);
    await waitForCaptureReady(app, ctl.send, server.api);
    await app.page.goto(`${server.app}/demo.html`);
    await app.page.waitForFunction(() => window.ready === true);
    const results = await app.page.evaluate(() => window.runAll());
    failures = results.filter((r) => !r.ok);
    await waitFor(async () => {
      const r = await ctl.report();
      return failures.every((f) => exchangesFor(r, (x) => x.url === f.url && x.verdict).length);
    }, { what: 'every demo failure in the report' });
    // The user picked their server once; the panel remembers it.
    await ctl.panel.evaluate(() => chrome.storage.local.set({ framework: 'express' }));
    await ctl.panel.setViewportSize({ width: 1400, height: 900 });
    await ctl.panel.reload();
    await ctl.panel.waitForFunction(() => document.body.dataset.ready === '1' && window.__corsLens.state().shown > 0);
  });

  after(async () => {
    if (ext) await ext.close();
    if (server) await server.stop();
  });

  /** Opens the failure at `pathPart` (or the exchange with id `byId`) and waits for its fix. */
  async function open(pathPart, byId = null) {
    const { panel } = ctl;
    const x = exchangesFor(await ctl.report(), (e) => (byId ? e.id === byId : e.url.includes(pathPart) && e.failed)).at(-1);
    assert.ok(x, `a failure at ${pathPart}`);
    await panel.evaluate((id) => window.__corsLens.select(id), x.id);
    await panel.waitForSelector('#detail:not([hidden]) .fix-code');
    return x;
  }

  it('shows the verdict and the fix on the first screen at 1400x900', async () => {
    const { panel } = ctl;
    const x = await open('/api/orders');
    assert.equal(await panel.evaluate(() => document.getElementById('detail').scrollTop), 0);
    const verdict = await box(panel, '#verdict');
    const code = await box(panel, '.fix-code');
    const copy = await box(panel, '#copy-fix');
    for (const [name, b] of Object.entries({ verdict, code, copy })) {
      assert.ok(b && b.top >= 0 && b.bottom <= 900, `${name} is on the first screen: ${JSON.stringify(b)}`);
    }
    assert.ok(verdict.bottom <= code.top, 'the verdict comes before the fix');
    assert.equal(await panel.textContent('#verdict'), x.view.headline);
    // The evidence comes after the fix, in sub-tabs; the console line is in the first one.
    const tabs = await panel.$$eval('.evidence-tabs [role=tab]', (ts) => ts.map((t) => t.textContent));
    assert.deepEqual(tabs, ['Explanation', 'Timeline', 'Headers', 'Why a preflight']);
    assert.ok((await box(panel, '.evidence')).top > code.bottom);
    assert.equal(await panel.textContent('#console-line'), x.verdict.console.chromium);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await panel.screenshot({ path: path.join(ARTIFACTS, 'panel-1400.png') });
  });

  it('evidence tabs: linked to their panels and moved through with the arrow keys', async () => {
    const { panel } = ctl;
    await open('/api/orders');
    const linked = await panel.$$eval('.evidence-tabs [role=tab]', (ts) => ts.every((t) => {
      const p = document.getElementById(t.getAttribute('aria-controls'));
      return p && p.getAttribute('role') === 'tabpanel' && p.getAttribute('aria-labelledby') === t.id;
    }));
    assert.ok(linked, 'every tab controls a tabpanel labelled by it');
    await panel.focus('#evidence-tab-explanation');
    await panel.keyboard.press('ArrowRight');
    await panel.keyboard.press('ArrowRight');
    const focused = await panel.evaluate(() => document.activeElement.id);
    assert.equal(focused, 'evidence-tab-headers');
    assert.ok(await box(panel, '#evidence-headers .sec-headers'), 'the Headers panel shows');
    assert.equal(await box(panel, '#evidence-explanation'), null, 'the other panels are hidden');
    // The chosen tab stays chosen for the next request, as in the Network panel.
    await open('/api/products');
    assert.ok(await box(panel, '#evidence-headers .sec-headers'));
    await panel.click('#evidence-tab-explanation');
  });

  it('keyboard only, from the filter box to a copied fix; every control of the detail has a name', async () => {
    const { panel } = ctl;
    const focusedId = () => panel.evaluate(() => document.activeElement?.id || document.activeElement?.textContent);
    await panel.focus('#search');
    for (let n = 0; n < 30 && (await focusedId()) !== 'viewport'; n++) await panel.keyboard.press('Tab');
    assert.equal(await focusedId(), 'viewport', 'Tab reaches the list');
    await panel.keyboard.press('Home');
    await panel.keyboard.press('Enter');
    await panel.waitForSelector('#detail:not([hidden]) .fix-code');
    for (let n = 0; n < 30 && (await focusedId()) !== 'copy-fix'; n++) await panel.keyboard.press('Tab');
    assert.equal(await focusedId(), 'copy-fix', 'Tab reaches Copy fix');
    const fix = await panel.textContent('.fix-code');
    await panel.keyboard.press('Enter');
    await panel.waitForFunction((f) => window.__corsLens.state().lastCopied === f, fix);

    const cdp = await panel.context().newCDPSession(panel);
    await cdp.send('Accessibility.enable');
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    await cdp.detach();
    const interactive = new Set(['button', 'checkbox', 'textbox', 'searchbox', 'combobox', 'link', 'tab', 'listbox', 'option', 'menuitem', 'radio']);
    const controls = nodes.filter((n) => !n.ignored && interactive.has(n.role?.value));
    const unnamed = controls.filter((n) => !String(n.name?.value ?? '').trim()).map((n) => n.role.value);
    assert.deepEqual(unnamed, [], 'unnamed controls');
    const names = controls.map((n) => n.name.value);
    for (const name of ['Close detail', 'Which server?', 'Copy fix', 'Explanation', 'Headers']) assert.ok(names.includes(name), `${name} is named: ${names}`);
  });

  it('a redirected preflight is explained once; side findings come after the cause, in plain words', async () => {
    const { panel } = ctl;
    const x = await open('/api/upload');
    const text = await panel.textContent('#evidence-explanation .sec-explanation');
    assert.equal(text.split('was redirected').length - 1, 1, `the redirect is said once: ${text}`);
    const titles = await panel.$$eval('#evidence-explanation .finding', (fs) => fs.map((f) => f.textContent));
    assert.ok(titles.every((t) => t && !/_/.test(t)), `findings titled in plain words: ${titles}`);
    const side = (x.verdict.explanation.findings || []).filter((f) => f.side);
    if (side.length) {
      const also = await panel.textContent('#evidence-explanation .side-findings');
      for (const f of side) assert.ok(also.includes(f.message), `${f.title} is among the side findings`);
    }
  });

  it('a preflight answered from the preflight cache is drawn as cached', async () => {
    const { panel } = ctl;
    const url = u(`${server.api}/layout/cached`, '', [['pacao', 'echo'], ['acao', 'none'], ['acam', 'PUT'], ['acah', 'x-test'], ['maxage', '600']]);
    for (let i = 0; i < 2; i++) await app.page.evaluate((s) => fetch(s, { method: 'PUT', headers: { 'X-Test': '1' } }).catch(() => null), url);
    const [first, second] = await waitFor(async () => {
      const xs = exchangesFor(await ctl.report(), (e) => e.url === url && e.verdict);
      return xs.length === 2 ? xs.sort((a, b) => a.started - b.started) : null;
    }, { what: 'two requests, one preflight' });
    assert.equal(first.view.badge.cached, false);
    assert.equal(second.view.badge.cached, true);
    await panel.evaluate(() => window.__corsLens.refresh());
    await open('/layout/cached', second.id);
    await panel.click('#evidence-tab-timeline');
    const step = await panel.textContent('#evidence-timeline .step.cached');
    assert.match(step, /preflight cache/);
    assert.doesNotMatch(await panel.textContent('#evidence-timeline'), /matched by/);
  });

  it('screenshots at 800 and 500 px wide and in the dark theme', async () => {
    const { panel } = ctl;
    await open('/api/orders');
    for (const width of [800, 500]) {
      await panel.setViewportSize({ width, height: 900 });
      await panel.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const verdict = await box(panel, '#verdict');
      assert.ok(verdict && verdict.right <= width + 1, `the verdict fits ${width} px: ${JSON.stringify(verdict)}`);
      await panel.screenshot({ path: path.join(ARTIFACTS, `panel-${width}.png`) });
    }
    await panel.setViewportSize({ width: 1400, height: 900 });
    const url = new URL(panel.url());
    url.searchParams.set('theme', 'dark');
    await panel.goto(url.href);
    await panel.waitForFunction(() => document.body.dataset.ready === '1' && window.__corsLens.state().shown > 0);
    assert.equal(await panel.evaluate(() => window.__corsLens.state().theme), 'dark');
    const bg = await panel.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.notEqual(bg, 'rgb(255, 255, 255)');
    await open('/api/orders');
    await panel.screenshot({ path: path.join(ARTIFACTS, 'panel-dark.png') });
  });
});
