#!/usr/bin/env node
// Writes examples/chromium.har: a HAR Chromium's DevTools recorded (chrome.devtools.network.getHAR(), as in
// har-chromium.test.mjs) over a few console-parity scenarios, and beside it examples/chromium.har.expected.json:
// per request URL, the CORS error CDP reported and the console line Chromium printed in the same run.
// crate/tests/har_file_test.rs holds `cors-lens har` to that without a browser.   node tests/e2e/record-har-example.mjs
import fs from 'node:fs';
import path from 'node:path';

import { recordChromiumHar } from './lib/chromium-har.mjs';
import { REPO } from './lib/extension.mjs';
import { SCENARIOS } from './lib/scenarios.mjs';
import { startServerProcess } from './lib/server-process.mjs';

const IDS = ['ok-preflight-put', 'missing-acao', 'preflight-status-404-with-acao', 'header-not-allowed', 'xhr-preflight-status-404',
  'redirect-tainted-origin-mismatch', 'acac-missing'];

const server = await startServerProcess();
try {
  const { har, runs } = await recordChromiumHar(server, SCENARIOS.filter((s) => IDS.includes(s.id)));
  const dir = path.join(REPO, 'examples');
  fs.writeFileSync(path.join(dir, 'chromium.har'), `${JSON.stringify(har, null, 2)}\n`);
  const expected = runs.map((r) => ({ id: r.id, url: r.spec.url, blocked: !r.result.ok, cors_error: r.cors_error, console: r.chromium_line }));
  fs.writeFileSync(path.join(dir, 'chromium.har.expected.json'), `${JSON.stringify(expected, null, 2)}\n`);
  console.log(`examples/chromium.har: ${har.log.entries.length} entries (${har.log.creator.name} ${har.log.creator.version})`);
} finally {
  await server.stop();
}
