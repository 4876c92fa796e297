// Records a HAR the way a user gets one from Chrome: DevTools open on the app tab, the scenarios run in the page,
// then the extension's DevTools page asks `chrome.devtools.network.getHAR()` (what "Export HAR" writes, minus
// bodies). Beside it, what Chromium itself reported for each scenario in the same run: its CORS console line and
// CDP's `corsErrorStatus` (Network.loadingFailed), the expectations `cors-lens har` is held to.
import { connectCdp, evalUntil } from './cdp.mjs';
import { launchExtension, openApp, waitFor } from './extension.mjs';

/**
 * Runs `scenarios` (scenarios.mjs entries) against `server` in Chromium with DevTools open. Resolves to
 * { har: {log}, runs: [{ id, intent, unseen, spec, result, chromium_line, cors_error, failed_parameter }] }.
 * Tags are short (`h0`, `h1`, ...): a fresh server per run needs no more, and a long one looks like a token.
 */
export async function recordChromiumHar(server, scenarios) {
  const ext = await launchExtension({ devtools: true });
  let cdp = null;
  try {
    const app = await openApp(ext.ctx, server.app);
    cdp = await connectCdp(ext.cdpPort);
    const dtpT = await cdp.waitForTarget((t) => t.type === 'iframe' && t.url.endsWith('/extension/devtools.html'));
    const dtp = await cdp.attach(dtpT.targetId);
    const getHar = () => dtp.eval('new Promise((resolve) => chrome.devtools.network.getHAR(resolve))');
    // DevTools records the tab from when it attached: wait until one request of the page shows in its log.
    const probe = `${server.api}/__har_ready?acao=echo`;
    await waitFor(async () => {
      await app.run({ url: probe });
      return (await getHar()).entries.some((e) => e.request.url === probe);
    }, { timeout: 15000, interval: 200, what: "DevTools' network log" });

    // Chromium's own verdict per URL, from the page's CDP events.
    const page = await ext.ctx.newCDPSession(app.page);
    const urls = new Map();
    const corsErrors = new Map();
    page.on('Network.requestWillBeSent', (p) => { if (!urls.has(p.requestId)) urls.set(p.requestId, p.request.url); });
    page.on('Network.loadingFailed', (p) => {
      if (p.corsErrorStatus && urls.has(p.requestId)) corsErrors.set(urls.get(p.requestId), p.corsErrorStatus);
    });
    await page.send('Network.enable');

    const runs = [];
    for (const [i, sc] of scenarios.entries()) {
      const o = { app: server.app, api: server.api, other: server.other, tag: `h${i}` };
      const spec = { client: 'fetch', ...sc.spec(o) };
      const before = app.lines.length;
      const result = await app.run(spec);
      const line = sc.intent === null ? null
        : await waitFor(() => app.lines.slice(before).find((l) => l.includes(spec.url.slice(0, 60))), { timeout: 3000, what: `Chromium's line for ${sc.id}` })
          .catch(() => null);
      runs.push({ id: sc.id, intent: sc.intent, unseen: sc.unseen ?? null, spec, result, chromium_line: line });
    }
    // CDP's events come in their own time: the last loadingFailed may follow the page's result.
    await new Promise((r) => setTimeout(r, 300));
    for (const r of runs) {
      const status = corsErrors.get(r.spec.url);
      r.cors_error = status?.corsError ?? null;
      r.failed_parameter = status?.failedParameter ?? null;
    }
    const log = await getHar();
    return { har: { log }, runs };
  } finally {
    if (cdp) await cdp.close().catch(() => {});
    await ext.close();
  }
}
