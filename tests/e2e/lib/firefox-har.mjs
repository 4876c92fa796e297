// Records a HAR the way Firefox itself writes one: its netmonitor's automatic export
// (devtools.netmonitor.har.enableAutoExportToFile), which saves the HAR of a page's requests into
// devtools.netmonitor.har.defaultLogDir once they settle, while the toolbox is open on the tab. The toolbox is opened
// by a chrome-scope script over WebDriver BiDi (as firefox-extension.test.mjs does), the page reloaded so the export
// covers it from its start, and the scenarios run in it with no pause longer than the export's settle time. Beside
// it, the line Firefox printed for each scenario in the same run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { waitFor } from './extension.mjs';
import { isFirefoxCorsLine, launchFirefox, openRunner } from './firefox.mjs';

// The export waits this long after the last request; each scenario waits at most 1.5 s for its console lines.
const SETTLE_MS = 8000;

/**
 * Runs `scenarios` against `server` in Firefox with its toolbox open. Resolves to
 * { har: {log}, version, runs: [{ id, intent, unseen, spec, result, firefox_line }] }.
 */
export async function recordFirefoxHar(server, scenarios) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lens-ff-har-'));
  const ff = await launchFirefox({ prefs: {
    'devtools.netmonitor.har.enableAutoExportToFile': true,
    'devtools.netmonitor.har.defaultLogDir': dir,
    'devtools.netmonitor.har.defaultFileName': 'recording',
    'devtools.netmonitor.har.pageLoadedTimeout': SETTLE_MS,
    'devtools.netmonitor.har.includeResponseBodies': false,
  } });
  try {
    const page = `${server.app}/?har`;
    const runner = await openRunner(ff, page);
    // A session cookie on the page's host (cookies ignore ports), as a signed-in user has: Firefox's HAR marks no
    // failure, and a request sent with credentials shows it only by the cookie it carried.
    await runner.page.evaluate(() => { document.cookie = 'session=1; path=/'; });
    const tree = await ff.bidi('browsingContext.getTree', { 'moz:scope': 'chrome' });
    const chrome = tree.contexts.find((c) => c.url === 'chrome://browser/content/browser.xhtml');
    const shown = await ff.bidi('script.evaluate', { expression: `(async () => {
      const { require } = ChromeUtils.importESModule('resource://devtools/shared/loader/Loader.sys.mjs');
      const { gDevTools } = require('devtools/client/framework/devtools');
      const tab = [...gBrowser.tabs].find((t) => t.linkedBrowser.currentURI.spec === ${JSON.stringify(page)});
      const toolbox = await gDevTools.showToolboxForTab(tab, { toolId: 'netmonitor' });
      return toolbox.currentToolId;
    })()`, target: { context: chrome.context }, awaitPromise: true });
    if (shown.result?.value !== 'netmonitor') throw new Error(`the network monitor did not open: ${JSON.stringify(shown)}`);
    // The export covers a page from its load: reload it with the monitor open.
    await runner.page.reload();
    await waitFor(() => runner.page.evaluate(() => window.ready === true), { what: 'the reloaded page' });

    const runs = [];
    for (const [i, sc] of scenarios.entries()) {
      const spec = { client: 'fetch', ...sc.spec({ app: server.app, api: server.api, other: server.other, tag: `f${i}` }) };
      const r = await runner.run(spec);
      runs.push({ id: sc.id, intent: sc.intent, unseen: sc.unseen ?? null, spec, result: r.result, firefox_line: r.errors.find(isFirefoxCorsLine) ?? null });
    }
    const file = path.join(dir, 'recording.har');
    await waitFor(() => fs.existsSync(file) && fs.statSync(file).size > 0, { timeout: SETTLE_MS + 20000, interval: 200, what: "Firefox's HAR export" });
    // Written in one go, but give a slow disk a moment to finish.
    const har = await waitFor(() => { try { return JSON.parse(fs.readFileSync(file, 'utf8')); } catch { return null; } }, { what: 'a complete HAR file' });
    return { har, version: ff.version, runs };
  } finally {
    await ff.browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
