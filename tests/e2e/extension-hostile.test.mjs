// A hostile page cannot exhaust the extension or stop it: 2 MB URLs and 1 MB header values from a real page,
// then 100,000 requests through the worker's own listener entry point; the session stays within its byte budget
// (the peak is printed), the snapshot still saves, and capture goes on. A real trap inside the engine is
// survived: the worker resumes from its last snapshot, says so once, and keeps capturing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { exchangesFor, missingBuild, startRecordedApp, u, waitFor } from './lib/extension.mjs';

const skip = missingBuild() || false;
const FLOOD = 100000;
const MB = 1024 * 1024;

describe('extension: hostile page', { skip }, () => {
  let server;
  let ext;
  let app;
  let ctl;
  const sw = (fn, arg) => ext.sw.evaluate(fn, arg);
  const stats = () => sw(() => self.__corsLens.stats());
  const saved = () => waitFor(async () => { const s = await ctl.send({ type: 'state' }); return s.persistedSeq >= s.dirtySeq && s; }, { what: 'a save' });

  before(async () => {
    ({ server, ext, app, ctl } = await startRecordedApp());
  });

  after(async () => {
    if (ext) await ext.close();
    if (server) await server.stop();
  });

  it('huge URLs and header values are cut and marked, not kept', async () => {
    const results = await app.page.evaluate(async ({ api, mb }) => {
      const out = [];
      for (let i = 0; i < 5; i++) {
        const url = `${api}/huge/${i}?q=${'u'.repeat(2 * mb - 200)}`;
        out.push(await window.run({ method: 'PUT', url, headers: [['X-Big', 'h'.repeat(mb)]] }));
      }
      return out;
    }, { api: server.api, mb: MB });
    assert.equal(results.length, 5);
    const huge = await waitFor(async () => { const l = exchangesFor(await ctl.report(), (x) => x.url.includes('/huge/')); return l.length === 5 && l; },
      { what: 'the five huge requests' });
    for (const x of huge) {
      assert.equal(x.truncated, true);
      assert.ok(x.url.length <= 8 * 1024, `url of ${x.url.length} bytes`);
      assert.ok(JSON.stringify(x.exchange).length < 64 * 1024);
    }
  });

  it(`${FLOOD.toLocaleString('en')} requests: memory stays bounded, the snapshot saves, capture goes on`, async (t) => {
    const start = await stats();
    const flood = await sw(async ({ n, api, tabId }) => {
      const on = (event) => self.__corsLens.onEvent(event);
      const [before, received, error] = [on('onBeforeRequest'), on('onHeadersReceived'), on('onErrorOccurred')];
      const pad = 'p'.repeat(6000);
      let peak = 0;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const d = { requestId: `flood-${i}`, url: `${api}/flood/${i}?${pad}`, method: 'GET', tabId, frameId: 0, type: 'xmlhttprequest',
          initiator: 'http://127.0.0.1:1', timeStamp: Date.now() };
        before(d);
        received({ ...d, statusCode: 200, responseHeaders: [{ name: 'X-Pad', value: pad }, { name: 'Access-Control-Allow-Origin', value: 'http://elsewhere' }] });
        error({ ...d, error: 'net::ERR_FAILED' });
        if (i % 5000 === 0) peak = Math.max(peak, self.__corsLens.stats().wasmMemoryBytes);
      }
      return { ms: performance.now() - t0, peak: Math.max(peak, self.__corsLens.stats().wasmMemoryBytes) };
    }, { n: FLOOD, api: server.api, tabId: ctl.tabId });
    const end = await stats();
    t.diagnostic(`flood: ${FLOOD} requests (${3 * FLOOD} events) in ${(flood.ms / 1000).toFixed(1)} s, `
      + `${((flood.ms * 1000) / (3 * FLOOD)).toFixed(1)} µs per event; wasm memory ${(start.wasmMemoryBytes / MB).toFixed(1)} MB → peak ${(flood.peak / MB).toFixed(1)} MB`);
    assert.equal(end.rejected, start.rejected, 'no event rejected');
    assert.ok(flood.peak < 64 * MB, `wasm memory peaked at ${(flood.peak / MB).toFixed(1)} MB`);
    const report = await ctl.report();
    assert.ok(report.evicted > 0 && report.exchanges.length <= 1000, `${report.exchanges.length} kept, ${report.evicted} evicted`);
    const snapshot = await saved();
    const bytes = await sw(async () => (await chrome.storage.session.get('session')).session.length);
    t.diagnostic(`snapshot after the flood: ${(bytes / MB).toFixed(2)} MB`);
    assert.ok(bytes < 8 * MB, `the snapshot fits storage.session: ${bytes} bytes`);
    assert.ok(snapshot.persistedSeq > 0);
    const url = u(server.api, `/hostile/after/${Date.now().toString(36)}`);
    await app.run({ url });
    await waitFor(async () => exchangesFor(await ctl.report(), (x) => x.url === url && x.verdict).length === 1, { what: 'a real failure after the flood' });
  });

  it('a trap inside the engine is survived: resumed from the snapshot, said once, capture goes on', async () => {
    await ctl.send({ type: 'clear' });
    const kept = u(server.api, `/hostile/kept/${Date.now().toString(36)}`);
    await app.run({ url: kept });
    await waitFor(async () => exchangesFor(await ctl.report(), (x) => x.url === kept).length === 1, { what: 'a failure before the trap' });
    await saved();
    assert.equal(await sw(() => self.__corsLens.trap()), 'trapped');
    const s = await stats();
    assert.equal(s.traps, 1);
    assert.equal(s.dropped, 1);
    const report = await ctl.send({ type: 'report' });
    assert.match(report.capture_notice, /restarted from the last saved state/);
    assert.equal(exchangesFor(report, (x) => x.url === kept).length, 1, 'what was saved is back');
    const after = u(server.api, `/hostile/after-trap/${Date.now().toString(36)}`);
    await app.run({ url: after });
    await waitFor(async () => exchangesFor(await ctl.report(), (x) => x.url === after && x.verdict).length === 1, { what: 'a failure after the trap' });
  });
});
