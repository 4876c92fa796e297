// The MV3 service worker is stopped mid-session (CDP ServiceWorker.stopAllWorkers):
// a panel opened afterwards wakes it, the session is restored from storage.session, and everything captured
// before is still there; capture goes on after the restart.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { exchangesFor, missingBuild, sendFrom, startRecordedApp, u, waitFor } from './lib/extension.mjs';

const skip = missingBuild() || false;

describe('extension: service worker restart', { skip }, () => {
  let server;
  let ext;
  let app;
  let ctl;
  const tag = Date.now().toString(36);
  let beforeStop;
  let stateBefore;

  before(async () => {
    ({ server, ext, app, ctl } = await startRecordedApp());
    await app.run({ url: u(server.api, `/sw/missing/${tag}`) });
    await app.run({ method: 'PUT', headers: [['X-Test', '1']], url: u(server.api, `/sw/pf404/${tag}`, [['acao', 'echo'], ['pstatus', '404']]) });
    await app.run({ method: 'DELETE', url: u(server.api, `/sw/method/${tag}`, [['acao', 'echo'], ['acam', 'GET'], ['maxage', '0']]) });
    beforeStop = await waitFor(async () => {
      const r = await ctl.report();
      const mine = exchangesFor(r, (x) => x.url.includes(`/sw/`) && x.verdict);
      return mine.length === 3 ? r : null;
    }, { what: 'three captured failures' });
    // "state" flushes the debounced save; persistedSeq then covers everything ingested.
    stateBefore = await waitFor(async () => {
      const s = await ctl.send({ type: 'state' });
      return s.persistedSeq >= s.dirtySeq ? s : null;
    }, { what: 'the session persisted' });
  });

  after(async () => {
    if (ext) await ext.close();
    if (server) await server.stop();
  });

  it('the panel still shows everything after the worker was stopped', async () => {
    // Close the panel (its port keeps the worker alive), then stop all service workers.
    await ctl.panel.close();
    const cdp = await ext.ctx.newCDPSession(app.page);
    await cdp.send('ServiceWorker.enable');
    const stopped = new Promise((resolve) => {
      cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
        if (versions.some((v) => v.scriptURL.startsWith(`chrome-extension://${ext.extensionId}/`) && v.runningStatus === 'stopped')) resolve(true);
      });
    });
    await cdp.send('ServiceWorker.stopAllWorkers');
    await Promise.race([stopped, new Promise((r) => setTimeout(r, 3000))]);
    await cdp.detach();

    // A fresh panel tab: its runtime.connect wakes the worker, which restores the session.
    const panel = await ext.ctx.newPage();
    await panel.goto(ext.url(`extension/panel.html?tabId=${ctl.tabId}`));
    await panel.waitForFunction(() => document.body.dataset.ready === '1');
    const state = await sendFrom(panel, { type: 'state' });
    assert.equal(state.restored, true, 'the new worker restored a saved session');
    assert.ok(state.ingested < stateBefore.ingested || stateBefore.ingested === 0, `a new worker instance (ingested ${state.ingested} vs ${stateBefore.ingested})`);

    const after = await sendFrom(panel, { type: 'export', tabId: ctl.tabId });
    const pick = (r) => exchangesFor(r, (x) => x.url.includes('/sw/')).map((x) => [x.id, x.url, x.verdict?.console?.chromium]);
    assert.deepEqual(pick(after), pick(beforeStop));

    await panel.waitForFunction(() => window.__corsLens.state().total >= 3);
    const shown = await panel.evaluate(() => window.__corsLens.state());
    assert.equal(shown.shown, 3);
    const urls = await panel.$$eval('#viewport .row:not([hidden]) .c-name', (els) => els.map((e) => e.title));
    for (const p of ['/sw/missing/', '/sw/pf404/', '/sw/method/']) assert.ok(urls.some((x) => x.includes(p)), `${p} listed`);

    // Capture continues in the new worker.
    await app.run({ url: u(server.api, `/sw/after/${tag}`) });
    await waitFor(async () => exchangesFor(await sendFrom(panel, { type: 'export', tabId: ctl.tabId }), (x) => x.url.includes('/sw/after/') && x.verdict).length === 1,
      { what: 'a failure captured after the restart' });
    await panel.waitForFunction(() => window.__corsLens.state().total >= 4);
  });
});
