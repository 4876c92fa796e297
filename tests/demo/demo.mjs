#!/usr/bin/env node
// ./build.sh demo: the two-origin server with the classic CORS failures and a page that calls them, Chromium
// with CORS Lens (headless when there is no DISPLAY), what the CORS tab shows for each failure (from the
// export), and a screenshot of the panel in tests/artifacts/demo-panel.png. Stops everything at the end
// (with --keep and a DISPLAY, it waits until you close the browser).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ARTIFACTS, launchExtension, missingBuild, openApp, openPanel, waitFor, waitForCaptureReady } from '../e2e/lib/extension.mjs';
import { startServerProcess } from '../e2e/lib/server-process.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const keep = process.argv.includes('--keep');
const headless = !process.env.DISPLAY;

const missing = missingBuild();
if (missing) {
  console.error(`demo: ${missing}`);
  process.exit(1);
}

const server = await startServerProcess({ args: ['--page', `/demo.html=${path.join(here, 'page.html')}`] });
let ext = null;
let code = 0;
try {
  console.log(`server: page ${server.app}/demo.html, API ${server.api}`);
  ext = await launchExtension({ headless, windowSize: '1400,900' });
  console.log(`chromium: ${headless ? 'headless' : 'headed'}, extension ${ext.extensionId}`);
  // The readiness probe uses the server's plain test page; then the demo page runs the scenarios.
  const app = await openApp(ext.ctx, server.app);
  const ctl = await openPanel(ext, server.app);
  await waitForCaptureReady(app, ctl.send, server.api);
  await app.page.goto(`${server.app}/demo.html`);
  await app.page.waitForFunction(() => window.ready === true);
  const results = await app.page.evaluate(() => window.runAll());
  const failed = results.filter((r) => !r.ok);
  const report = await waitFor(async () => {
    const r = await ctl.report();
    const done = failed.every((f) => (r.exchanges || []).some((x) => x.url === f.url && x.verdict));
    return done ? r : null;
  }, { what: 'every failure in the report', timeout: 10000 });

  console.log(`\nWhat the CORS tab shows (${report.exchanges.filter((x) => x.failed).length} failed cross-origin requests):\n`);
  for (const r of results) {
    const x = report.exchanges.find((e) => e.url === r.url);
    console.log(`■ ${r.title}`);
    if (!x) { console.log('   (not captured)\n'); continue; }
    const v = x.verdict || {};
    console.log(`   ${x.method} ${x.url}`);
    console.log(`   status ${x.status ?? '-'}${x.preflight ? `, preflight OPTIONS ${x.preflight.status}` : ''} → ${v.allowed ? 'allowed' : `blocked: ${v.error ?? 'undetermined'}${v.failed_parameter ? ` (${v.failed_parameter})` : ''}`}`);
    if (v.console?.chromium) console.log(`   console: ${v.console.chromium}`);
    if (v.explanation?.summary) console.log(`   why:     ${v.explanation.summary}`);
    console.log('');
  }
  const lines = app.lines.length;
  console.log(`Chromium printed ${lines} CORS console lines; ${report.exchanges.filter((x) => x.failed && app.lines.includes(x.verdict?.console?.chromium)).length} match the engine's lines exactly.`);

  // The panel, with the first failure opened.
  await ctl.panel.setViewportSize({ width: 1400, height: 900 });
  await ctl.panel.bringToFront();
  await ctl.panel.evaluate(() => window.__corsLens.refresh());
  const first = report.exchanges.filter((x) => x.failed).at(-1);
  if (first) {
    await ctl.panel.evaluate((id) => window.__corsLens.select(id), first.id);
    await ctl.panel.waitForSelector('#detail:not([hidden])');
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const shot = path.join(ARTIFACTS, 'demo-panel.png');
  await ctl.panel.screenshot({ path: shot });
  console.log(`\nscreenshot: ${path.relative(process.cwd(), shot)}`);
  if (keep && !headless) {
    console.log('--keep: close the browser window to finish.');
    await new Promise((resolve) => ext.ctx.once('close', resolve));
  }
} catch (e) {
  console.error(`demo failed: ${e.stack || e}`);
  code = 1;
} finally {
  if (ext) await ext.close();
  await server.stop();
}
process.exit(code);
