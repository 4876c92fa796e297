// `cors-lens har` on a HAR Chromium recorded in this run: DevTools open on the app tab, every console-parity
// scenario (tests/e2e/lib/scenarios.mjs) run in the page, the HAR taken from the extension's DevTools page with
// chrome.devtools.network.getHAR(). Every failure must be listed with the CORS error CDP reported
// (Network.loadingFailed's corsErrorStatus) and the console line Chromium printed, byte for byte; every allowed
// request as allowed. Nothing here is written by hand: the expectations are what Chromium said in the same run.
// Artifacts: tests/artifacts/chromium.har (the recording), tests/artifacts/har-chromium.json (per scenario).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { recordChromiumHar } from './lib/chromium-har.mjs';
import { harListing } from './lib/engine.mjs';
import { ARTIFACTS, missingBuild } from './lib/extension.mjs';
import { SCENARIOS } from './lib/scenarios.mjs';
import { startServerProcess } from './lib/server-process.mjs';

const skip = missingBuild() || false;
const HAR = path.join(ARTIFACTS, 'chromium.har');

/** CDP sends a failedParameter as the UTF-8 text of the header's bytes (the engine holds one code point per byte). */
function asCdpText(bytes) {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(bytes, 'latin1'));
  } catch {
    return '';
  }
}

describe('cors-lens har on a HAR Chromium recorded', { skip }, () => {
  let server;
  let runs = [];
  let lines = [];
  let text = '';

  before(async () => {
    server = await startServerProcess();
    const recorded = await recordChromiumHar(server, SCENARIOS);
    runs = recorded.runs;
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(HAR, `${JSON.stringify(recorded.har, null, 2)}\n`);
    ({ lines, text } = harListing(HAR));
    fs.writeFileSync(path.join(ARTIFACTS, 'har-chromium.json'), `${JSON.stringify(runs.map((r) => ({ ...r,
      listed: lines.filter((l) => l.url === r.spec.url).map(({ verdict, ...rest }) => rest) })), null, 2)}\n`);
  });

  after(async () => {
    if (server) await server.stop();
  });

  for (const sc of SCENARIOS) {
    it(sc.id, () => {
      const r = runs.find((x) => x.id === sc.id);
      assert.ok(r, 'scenario did not run');
      const listed = lines.filter((l) => l.url === r.spec.url);
      if (sc.unseen) {
        // Rejected before any request existed, or its mode is in no record: a HAR cannot show this failure.
        assert.ok(listed.every((l) => !l.console), `a line was invented for ${sc.id}: ${JSON.stringify(listed)}`);
        return;
      }
      if (sc.intent === null) {
        assert.equal(r.result.ok, true, `Chromium allowed ${sc.id}`);
        assert.ok(listed.every((l) => !l.failed), `listed as failed: ${JSON.stringify(listed)}`);
        return;
      }
      assert.equal(r.result.ok, false, `Chromium blocked ${sc.id}`);
      assert.ok(r.chromium_line, `Chromium printed no line for ${sc.id}`);
      assert.equal(listed.length, 1, `${sc.id} listed once`);
      const [l] = listed;
      assert.equal(l.failed, true);
      if (r.cors_error) {
        assert.equal(l.error, r.cors_error, 'the CORS error CDP reported');
        assert.equal(asCdpText(l.failed_parameter ?? ''), r.failed_parameter ?? '', 'its failed parameter');
      }
      assert.equal(l.console, r.chromium_line, "Chromium's console line");
      // The text for people lists the same failure with the same line.
      assert.ok(text.includes(`Console: ${r.chromium_line.trimEnd()}`), `the text output shows ${sc.id}'s line`);
    });
  }

  it('states the preflight cost of the recording', () => {
    const preflights = JSON.parse(fs.readFileSync(HAR, 'utf8')).log.entries.filter((e) => e._resourceType === 'preflight').length;
    assert.match(text, new RegExp(`Preflight cost: ${preflights} preflights`));
  });
});
