// Console parity through the extension, as a user has it: DevTools open on the app tab and its CORS tab shown (so
// the devtools page forwards DevTools' own records, the tab's capture), every failure of tests/e2e/lib/scenarios.mjs provoked
// in the page, and the console line the CORS tab shows for it must equal, byte for byte, the line Chromium
// printed in this run: fetch and XMLHttpRequest alike, the safelisted names with unsafe values, header bytes.
// Artifact: tests/artifacts/extension-console-parity.json (per scenario: Chromium's line and the extension's).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { connectCdp, evalUntil, openCorsPanel } from './lib/cdp.mjs';
import { ARTIFACTS, exchangesFor, launchExtension, missingBuild, openApp, waitFor, waitForCaptureReady } from './lib/extension.mjs';
import { SCENARIOS } from './lib/scenarios.mjs';
import { startServerProcess } from './lib/server-process.mjs';

const skip = missingBuild() || false;


const FAILURES = SCENARIOS.filter((s) => s.intent !== null);

describe('extension: console parity with DevTools open', { skip }, () => {
  let server;
  let ext;
  let cdp;
  const runs = new Map();

  before(async () => {
    server = await startServerProcess();
    ext = await launchExtension({ devtools: true });
    const app = await openApp(ext.ctx, server.app);
    cdp = await connectCdp(ext.cdpPort);
    const dtpT = await cdp.waitForTarget((t) => t.type === 'iframe' && t.url.endsWith('/extension/devtools.html'));
    const tabId = await evalUntil(await cdp.attach(dtpT.targetId), 'chrome.devtools.inspectedWindow.tabId');
    await openCorsPanel(cdp, ext.extensionId); // the user clicks CORS: DevTools' records flow while it is shown
    const send = (msg) => ext.sw.evaluate((m) => self.__corsLens.handle(m), { tabId, ...msg });
    await waitForCaptureReady(app, send, server.api);
    // Short tags (a fresh profile and server per run need no more): a long one mixing letters and digits looks
    // like a token, and the report masks it.
    for (const [i, sc] of FAILURES.entries()) {
      const o = { app: server.app, api: server.api, other: server.other, tag: `p${i}` };
      const spec = { client: 'fetch', ...sc.spec(o) };
      const before = app.lines.length;
      const t0 = Date.now() - 50;
      await app.run(spec);
      const line = await waitFor(() => app.lines.slice(before).find((l) => l.includes(spec.url.slice(0, 60))), { what: `Chromium's line for ${sc.id}` })
        .catch(() => null);
      // The extension's exchange, once DevTools' record of it has arrived (its type is then fetch or xhr).
      const x = await waitFor(async () => exchangesFor(await send({ type: 'export' }), (e) => e.started >= t0 && e.url === spec.url && e.verdict && ['fetch', 'xhr'].includes(e.type))[0],
        { timeout: 5000, what: `the exchange for ${sc.id}` }).catch(() => null);
      runs.set(sc.id, { id: sc.id, client: spec.client, chromium_line: line, extension_line: x?.verdict?.console?.chromium ?? null,
        type: x?.type ?? null, error: x?.verdict?.error ?? null, source: x?.source ?? null });
    }
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(path.join(ARTIFACTS, 'extension-console-parity.json'), `${JSON.stringify([...runs.values()], null, 2)}\n`);
  });

  after(async () => {
    if (cdp) await cdp.close().catch(() => {});
    if (ext) await ext.close();
    if (server) await server.stop();
  });

  for (const sc of FAILURES) {
    it(sc.id, () => {
      const r = runs.get(sc.id);
      if (sc.unseen) {
        assert.equal(r.extension_line, null, `a capture cannot see this failure (${sc.unseen}), so no line may be invented`);
        return;
      }
      assert.ok(r.chromium_line, `Chromium printed no line for ${sc.id}`);
      assert.ok(r.extension_line, `the CORS tab has no line for ${sc.id}: ${JSON.stringify(r)}`);
      assert.equal(r.type, r.client === 'xhr' ? 'xhr' : 'fetch', 'the API DevTools recorded');
      assert.equal(r.extension_line, r.chromium_line);
    });
  }
});
