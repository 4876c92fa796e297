// Launch Debian's chromium headless with playwright-core on a fresh profile, open the app page, and run one
// request at a time through window.run(spec), recording what Chromium itself reported: console error lines,
// CDP Network events (incl. loadingFailed.corsErrorStatus) and Audits CORS issues.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
export const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * A CORS console line is the one Chromium prints for the blocked request (not the companion
 * "Failed to load resource: net::ERR_FAILED"): `Access to ...` (network service), `Fetch API cannot load ...`
 * (renderer-side fetch checks) or `Unsafe attempt to load URL ...` (Blink's check when a same-origin-mode
 * request is redirected cross-origin).
 */
export function isCorsLine(text) {
  return text.startsWith('Access to ') || text.startsWith('Fetch API cannot load')
    || text.startsWith('Unsafe attempt to load URL ');
}

/** CDP shows a preflight as its own request: type 'Other' with initiator.type 'preflight'. */
export function isPreflightEvent(params) {
  return params.type === 'Preflight' || params.initiator?.type === 'preflight';
}

export async function launch(appUrl) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lens-e2e-'));
  const ctx = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    executablePath: CHROMIUM, headless: true, args: FLAGS,
  });
  const page = ctx.pages()[0] || await ctx.newPage();
  let sink = null; // the current scenario's record
  page.on('console', (msg) => {
    if (sink) sink.console.push({ type: msg.type(), text: msg.text() });
  });
  const cdp = await page.context().newCDPSession(page);
  const record = (name) => (params) => { if (sink) sink.cdp.push({ event: name, params }); };
  for (const ev of ['Network.requestWillBeSent', 'Network.responseReceived', 'Network.loadingFailed',
    'Network.loadingFinished', 'Network.requestWillBeSentExtraInfo', 'Network.responseReceivedExtraInfo',
    'Audits.issueAdded', 'Log.entryAdded']) {
    cdp.on(ev, record(ev));
  }
  await cdp.send('Network.enable');
  await cdp.send('Audits.enable');
  await cdp.send('Log.enable');
  await page.goto(`${appUrl}/`);
  await page.waitForFunction(() => window.ready === true);
  const origin = await page.evaluate(() => location.origin);
  const version = ctx.browser() ? ctx.browser().version() : null;
  let sentinelSeq = 0;

  async function run(spec, { settleMs = 1500 } = {}) {
    const rec = { console: [], cdp: [] };
    sink = rec;
    const result = await page.evaluate((s) => window.run(s), spec);
    // Console messages are delivered in order: wait for a sentinel logged after the request finished.
    const sentinel = `__cors_lens_sentinel_${++sentinelSeq}__`;
    await page.evaluate((t) => console.error(t), sentinel);
    const deadline = Date.now() + settleMs;
    const done = () => {
      const sawSentinel = rec.console.some((m) => m.text === sentinel);
      if (!sawSentinel) return false;
      if (result.ok) return true;
      // A failed request: also wait for CDP's loadingFailed of the actual request (if one was issued)
      // and for its CORS console line.
      const actualIds = rec.cdp.filter((e) => e.event === 'Network.requestWillBeSent' && !isPreflightEvent(e.params))
        .map((e) => e.params.requestId);
      const failed = actualIds.length === 0 || rec.cdp.some((e) => e.event === 'Network.loadingFailed'
        && actualIds.includes(e.params.requestId));
      const line = rec.console.some((m) => isCorsLine(m.text));
      return failed && line;
    };
    while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    // A short grace period for late, unrelated events (e.g. a second console line).
    await new Promise((r) => setTimeout(r, 20));
    sink = null;
    rec.console = rec.console.filter((m) => m.text !== sentinel);
    return { result, ...rec };
  }

  async function close() {
    sink = null;
    await ctx.close().catch(() => {});
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  return { page, cdp, origin, version, run, close };
}

/**
 * Reduce the raw CDP events of one scenario to what the verdict is compared with:
 * { corsError, failedParameter, errorText, method, url, requestId, source } where source says which event gave it.
 */
export function cdpSummary(events) {
  const sent = events.filter((e) => e.event === 'Network.requestWillBeSent');
  const actual = sent.filter((e) => !isPreflightEvent(e.params));
  const actualIds = new Set(actual.map((e) => e.params.requestId));
  const first = actual[0]?.params;
  const out = { method: first?.request?.method ?? null, url: first?.request?.url ?? null, requestId: first?.requestId ?? null,
    corsError: null, failedParameter: null, errorText: null, source: null };
  const failed = events.filter((e) => e.event === 'Network.loadingFailed');
  const mine = failed.find((e) => actualIds.has(e.params.requestId)) || failed[0];
  if (mine) {
    out.errorText = mine.params.errorText ?? null;
    if (mine.params.corsErrorStatus) {
      out.corsError = mine.params.corsErrorStatus.corsError;
      out.failedParameter = mine.params.corsErrorStatus.failedParameter;
      out.source = 'Network.loadingFailed';
    }
  }
  if (!out.corsError) {
    const issue = events.find((e) => e.event === 'Audits.issueAdded' && e.params.issue?.code === 'CorsIssue');
    const st = issue?.params.issue.details?.corsIssueDetails?.corsErrorStatus;
    if (st) {
      out.corsError = st.corsError;
      out.failedParameter = st.failedParameter;
      out.source = 'Audits.issueAdded';
    }
  }
  return out;
}

/** A compact, readable form of one scenario's CDP events (for the artifact). */
export function cdpCompact(events) {
  return events.filter((e) => e.event !== 'Log.entryAdded').map(({ event, params: p }) => {
    const out = { event, requestId: p.requestId ?? p.issue?.details?.corsIssueDetails?.request?.requestId };
    if (p.type) out.type = p.type;
    if (p.initiator?.type) out.initiator = p.initiator.type;
    if (p.request) { out.method = p.request.method; out.url = p.request.url; }
    if (p.redirectResponse) out.redirectStatus = p.redirectResponse.status;
    if (p.response) out.status = p.response.status;
    if (p.statusCode !== undefined) out.status = p.statusCode;
    if (p.errorText !== undefined) out.errorText = p.errorText;
    if (p.corsErrorStatus) out.corsErrorStatus = p.corsErrorStatus;
    if (p.issue) { out.issue = p.issue.code; out.details = p.issue.details; }
    return out;
  });
}
