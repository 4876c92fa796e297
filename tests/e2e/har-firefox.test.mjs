// `cors-lens har` on a HAR Firefox wrote in this run: its netmonitor's automatic HAR export
// (tests/e2e/lib/firefox-har.mjs) over every console-parity scenario and those where the browsers' rules differ.
// Firefox's HAR marks neither preflights nor failures: the engine pairs preflights by their headers and judges
// each request by Firefox's rules (the file says Firefox wrote it). Every failure must be listed with the line
// Firefox printed, byte for byte; every allowed request as allowed. Nothing here is written by hand.
// Env: FIREFOX_BIN (default /usr/bin/firefox-esr). Artifacts: tests/artifacts/firefox.har, har-firefox.json.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { harListing } from './lib/engine.mjs';
import { ARTIFACTS } from './lib/extension.mjs';
import { recordFirefoxHar } from './lib/firefox-har.mjs';
import { firefoxAvailable } from './lib/firefox.mjs';
import { BROWSER_DIFFERENCES, SCENARIOS } from './lib/scenarios.mjs';
import { startServerProcess } from './lib/server-process.mjs';

const HAR = path.join(ARTIFACTS, 'firefox.har');
const ALL = [...SCENARIOS.map((s) => ({ ...s, firefox: undefined })),
  ...BROWSER_DIFFERENCES.map((s) => ({ ...s, intent: s.intents.firefox, firefox: s.intents.firefox }))];

describe('cors-lens har on a HAR Firefox exported', { skip: !firefoxAvailable() && 'firefox-esr is not installed (scripts/install-deps.sh)' }, () => {
  let server;
  let runs = [];
  let lines = [];
  let text = '';

  before(async () => {
    server = await startServerProcess();
    const recorded = await recordFirefoxHar(server, ALL);
    runs = recorded.runs;
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(HAR, `${JSON.stringify(recorded.har, null, 2)}\n`);
    ({ lines, text } = harListing(HAR));
    fs.writeFileSync(path.join(ARTIFACTS, 'har-firefox.json'), `${JSON.stringify({ firefox: recorded.version, scenarios: runs.map((r) => ({ ...r,
      listed: lines.filter((l) => l.url === r.spec.url).map(({ verdict, ...rest }) => rest) })) }, null, 2)}\n`);
  });

  after(async () => {
    if (server) await server.stop();
  });

  it('reads the file as Firefox\'s and pairs its unmarked preflights', () => {
    assert.match(text, /written by Firefox .*Firefox's rules/);
    assert.match(text, /does not mark preflights/);
    assert.ok(lines.some((l) => l.failed && l.preflight?.observed && l.preflight.status === 404), 'a preflight 404 tied to its request');
    // Masking a credential (the Authorization scenario, a user:pass@ redirect) re-checks by the same rules.
    const judges = new Set(lines.filter((l) => l.verdict).map((l) => l.verdict.browser));
    assert.deepEqual([...judges], ['firefox']);
  });

  for (const sc of ALL) {
    it(sc.id, () => {
      const r = runs.find((x) => x.id === sc.id);
      assert.ok(r, 'scenario did not run');
      const listed = lines.filter((l) => l.url === r.spec.url);
      if (sc.unseen) {
        // Rejected before any request existed, or its mode is in no record: a HAR cannot show this failure.
        assert.ok(listed.every((l) => !l.console), `a line was invented for ${sc.id}: ${JSON.stringify(listed)}`);
        return;
      }
      if (r.result.ok) {
        assert.ok(listed.every((l) => !l.failed), `Firefox allowed ${sc.id}, listed as failed: ${JSON.stringify(listed)}`);
        return;
      }
      assert.ok(r.firefox_line, `Firefox printed no line for ${sc.id}`);
      assert.equal(listed.length, 1, `${sc.id} listed once`);
      const [l] = listed;
      assert.equal(l.failed, true);
      assert.equal(l.verdict.browser, 'firefox');
      assert.equal(l.console, r.firefox_line, "Firefox's console line");
      if (sc.firefox) assert.equal(l.error, sc.firefox, 'where the browsers differ, Firefox\'s error');
      assert.ok(text.includes(`Console: ${r.firefox_line}`), `the text output shows ${sc.id}'s line`);
    });
  }
});
