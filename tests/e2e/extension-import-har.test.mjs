// The panel's "Import HAR": a HAR Chromium recorded in this run (tests/e2e/lib/chromium-har.mjs, a subset of the
// console-parity scenarios) is picked through the toolbar button's file chooser, as a user would, in a second
// browser that never saw those requests. Every failure must be listed, marked as imported, with the console line
// Chromium printed when it was recorded; its detail says it was imported. One browser at a time.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { recordChromiumHar } from './lib/chromium-har.mjs';
import { launchExtension, missingBuild, openApp, openPanel, waitFor } from './lib/extension.mjs';
import { SCENARIOS } from './lib/scenarios.mjs';
import { startServerProcess } from './lib/server-process.mjs';

const skip = missingBuild() || false;
// fetch and XHR, the response's check, a preflight's status and headers, a redirect; one allowed request.
const IDS = ['ok-preflight-put', 'missing-acao', 'preflight-status-404-with-acao', 'header-not-allowed', 'xhr-preflight-status-404',
  'redirect-tainted-origin-mismatch'];

describe('extension: Import HAR', { skip }, () => {
  let server;
  let ext;
  let panel;
  let ctl;
  let runs;
  let tmp;

  before(async () => {
    server = await startServerProcess();
    const recorded = await recordChromiumHar(server, SCENARIOS.filter((s) => IDS.includes(s.id)));
    runs = recorded.runs;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lens-har-'));
    const file = path.join(tmp, 'colleague.har');
    fs.writeFileSync(file, JSON.stringify(recorded.har));

    ext = await launchExtension({ windowSize: '1280,800' });
    await openApp(ext.ctx, server.app);
    ctl = await openPanel(ext, server.app);
    panel = ctl.panel;
    const [chooser] = await Promise.all([panel.waitForEvent('filechooser'), panel.click('#import-har')]);
    await chooser.setFiles(file);
  });

  after(async () => {
    if (ext) await ext.close();
    if (server) await server.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('lists every failure of the file, marked as imported, with the line Chromium printed', async () => {
    const failures = runs.filter((r) => r.intent !== null);
    await panel.waitForFunction((n) => window.__corsLens.state().shown >= n, failures.length);
    const report = await ctl.report();
    for (const r of failures) {
      assert.ok(r.chromium_line, `Chromium printed a line for ${r.id}`);
      const x = report.exchanges.find((e) => e.url === r.spec.url);
      assert.ok(x, `${r.id} is in the tab's report`);
      assert.equal(x.source, 'har_file');
      assert.equal(x.failed, true);
      assert.equal(x.verdict.console.chromium, r.chromium_line, r.id);
      const row = await panel.evaluate((url) => {
        const el = [...document.querySelectorAll('#viewport .row:not([hidden])')].find((e) => e.querySelector('.c-name').title === url);
        return el ? { imported: el.querySelector('.badge.imported')?.textContent ?? null } : null;
      }, r.spec.url);
      assert.ok(row, `${r.id} has a row`);
      assert.equal(row.imported, x.view.source_mark.badge, `${r.id}'s row is marked as imported`);
    }
    const allowed = runs.find((r) => r.intent === null);
    assert.equal(report.exchanges.find((e) => e.url === allowed.spec.url)?.failed, false, 'the allowed request is not a failure');
  });

  it('says in the detail that the request was imported', async () => {
    const r = runs.find((x) => x.id === 'preflight-status-404-with-acao');
    const id = await panel.evaluate((url) => window.__corsLens.report().exchanges.find((x) => x.url === url).id, r.spec.url);
    await panel.evaluate((i) => window.__corsLens.select(i), id);
    const shown = await waitFor(() => panel.evaluate(() => {
      const line = document.querySelector('#detail:not([hidden]) #console-line')?.textContent;
      const mark = document.querySelector('#detail:not([hidden]) .badge.imported')?.parentElement?.textContent;
      return line && mark ? { line, mark } : null;
    }), { what: 'the detail of the imported failure' });
    assert.equal(shown.line, r.chromium_line);
    assert.match(shown.mark, /Imported from a HAR file/);
  });

  it('names what is wrong with a file that is not HAR', async () => {
    const bad = path.join(tmp, 'not.har');
    fs.writeFileSync(bad, JSON.stringify({ log: { entries: 'none' } }));
    const [chooser] = await Promise.all([panel.waitForEvent('filechooser'), panel.click('#import-har')]);
    await chooser.setFiles(bad);
    const toast = await waitFor(() => panel.evaluate(() => [...document.querySelectorAll('.toast')].map((t) => t.textContent).find((t) => t.startsWith('Import failed'))),
      { what: 'the import error' });
    assert.match(toast, /not a HAR file.*log\.entries/);
  });
});
