// What is recorded, and when: nothing until the user debugs a tab (no webRequest listener at all), then only
// that tab; "Record every tab in the background" adds the others; a tab whose panel was closed stays recorded
// until the user stops it; a restarted service worker records the same tabs again.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { exchangesFor, launchExtension, missingBuild, openApp, openPanel, sendFrom, tabIdOf, u, waitFor, waitForCaptureReady } from './lib/extension.mjs';
import { startServerProcess } from './lib/server-process.mjs';

const skip = missingBuild() || false;

describe('extension: recording scope', { skip }, () => {
  let server;
  let ext;
  let a;
  let b;
  let control; // an extension page that is not a panel: asks the worker without recording anything
  let tabA;
  let tabB;
  let n = 0;
  const send = (msg) => sendFrom(control, msg);
  const stats = () => send({ type: 'state' });
  const fail = (app, name) => {
    const url = u(server.api, `/rec/${name}/${++n}`);
    return app.run({ url }).then(() => url);
  };
  const listed = async (tabId, url) => exchangesFor(await send({ type: 'export', tabId }), (x) => x.url === url).length > 0;
  const settle = () => new Promise((r) => setTimeout(r, 400));

  before(async () => {
    server = await startServerProcess();
    ext = await launchExtension();
    a = await openApp(ext.ctx, server.app);
    b = await openApp(ext.ctx, server.app, await ext.ctx.newPage());
    control = await ext.ctx.newPage();
    await control.goto(ext.url('extension/panel.html?tabId=-1'));
    const ids = await control.evaluate(async () => (await chrome.tabs.query({})).filter((t) => t.url?.startsWith('http')).map((t) => t.id));
    [tabA, tabB] = ids;
    assert.equal(ids.length, 2);
    assert.equal(await tabIdOf(control, server.app), tabA);
  });

  after(async () => {
    if (ext) await ext.close();
    if (server) await server.stop();
  });

  it('records nothing, with no listener registered, until a tab is debugged', async () => {
    assert.equal((await stats()).listenerSets, 0);
    const url = await fail(a, 'idle');
    await settle();
    assert.equal(await listed(tabA, url), false);
    assert.equal((await stats()).ingested, 0, 'no webRequest event reached the worker');
  });

  it('records the tab whose panel is open, and only that tab', async () => {
    const ctl = await openPanel(ext, server.app);
    assert.equal(ctl.tabId, tabA);
    await waitForCaptureReady(a, ctl.send, server.api);
    assert.equal((await stats()).listenerSets, 1);
    const mine = await fail(a, 'a');
    const other = await fail(b, 'b');
    await waitFor(() => listed(tabA, mine), { what: 'tab A\'s failure' });
    await settle();
    assert.equal(await listed(tabB, other), false, 'the other tab is not recorded');
    const report = await ctl.send({ type: 'report' });
    assert.deepEqual(report.recording, { tab: true, every_tab: false, from_devtools: false });
    // The panel says so, and Ctrl+E stops and starts recording as in the Network panel.
    const mode = () => ctl.panel.textContent('#recording');
    await waitFor(async () => (await mode()) === 'Recording this tab', { what: 'the recording mode shown' });
    assert.equal(await ctl.panel.getAttribute('#record', 'aria-pressed'), 'true');
    await ctl.panel.keyboard.press('Control+e');
    await waitFor(async () => (await mode()).startsWith('Not recording'), { what: 'recording stopped by Ctrl+E' });
    assert.equal((await stats()).listenerSets, 0);
    await ctl.panel.keyboard.press('Control+e');
    await waitFor(async () => (await mode()) === 'Recording this tab', { what: 'recording again' });
    assert.equal((await stats()).listenerSets, 1);
    await waitForCaptureReady(a, ctl.send, server.api);
    await ctl.panel.close();
  });

  it('"Record every tab in the background" records the others too, until it is turned off', async () => {
    await send({ type: 'settings', record_every_tab: true });
    assert.equal((await stats()).listenerSets, 1, 'one set for every tab replaces the per-tab ones');
    await waitForCaptureReady(b, (m) => send({ tabId: tabB, ...m }), server.api);
    const other = await fail(b, 'every');
    await waitFor(() => listed(tabB, other), { what: 'tab B\'s failure' });
    await send({ type: 'settings', record_every_tab: false });
    assert.equal((await stats()).listenerSets, 1, 'back to tab A only');
    assert.deepEqual((await send({ type: 'report', tabId: tabB })).recording, { tab: false, every_tab: false, from_devtools: false });
  });

  it('a tab stays recorded after its panel closed, and across a service-worker restart', async () => {
    const before = await fail(a, 'closed');
    await waitFor(() => listed(tabA, before), { what: 'a failure after the panel closed' });
    const persisted = await waitFor(async () => { const s = await stats(); return s.persistedSeq >= s.dirtySeq && s; }, { what: 'a save' });
    // Stop every service worker, then wake ours with a message from an extension page (not a panel).
    const cdp = await ext.ctx.newCDPSession(a.page);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await cdp.detach();
    const restarted = await waitFor(async () => { const s = await stats().catch(() => null); return s && s.ingested < persisted.ingested && s; },
      { what: 'a new worker instance' });
    assert.equal(restarted.listenerSets, 1, 'the recorded tab\'s listeners are back');
    assert.equal(restarted.restored, true);
    assert.ok(await listed(tabA, before), 'what came before the restart is still there');
    await waitForCaptureReady(a, (m) => send({ tabId: tabA, ...m }), server.api); // (it clears the tab)
    const after = await fail(a, 'restarted');
    await waitFor(() => listed(tabA, after), { what: 'a failure after the restart' });
  });

  it('stopping recording removes the listeners; a closed tab is forgotten', async () => {
    assert.deepEqual((await send({ type: 'record', tabId: tabA, value: false })).recording, { tab: false, every_tab: false, from_devtools: false });
    assert.equal((await stats()).listenerSets, 0);
    const url = await fail(a, 'stopped');
    await settle();
    assert.equal(await listed(tabA, url), false);
    await send({ type: 'record', tabId: tabA, value: true });
    await a.page.close();
    await waitFor(async () => (await stats()).listenerSets === 0, { what: 'the closed tab no longer recorded' });
    assert.equal((await send({ type: 'export', tabId: tabA })).exchanges.length, 0);
  });
});
