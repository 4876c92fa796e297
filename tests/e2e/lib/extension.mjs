// Launch Debian's chromium headless with the CORS Lens extension (the repo root, unpacked) via playwright-core,
// and small helpers the extension-*.test.mjs files share: talk to the background from an extension page,
// capture Chromium's CORS console lines, wait for capture to be live (readiness probe), wait for conditions.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { CHROMIUM, FLAGS, isCorsLine } from './browser.mjs';
import { startServerProcess } from './server-process.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '../../..');
export const ARTIFACTS = path.join(REPO, 'tests', 'artifacts');

/** Skip reason when the extension cannot be loaded (the wasm package has not been built). */
export function missingBuild() {
  for (const f of ['manifest.json', 'extension/pkg/cors_lens.js', 'extension/pkg/cors_lens_bg.wasm']) {
    if (!fs.existsSync(path.join(REPO, f))) return `${f} is missing: run ./build.sh first`;
  }
  return null;
}

/** Poll `fn` until it returns a truthy value (returned) or the timeout passes (throws with `what`). */
export async function waitFor(fn, { timeout = 10000, interval = 25, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/**
 * Options: { devtools: open DevTools for every tab, undocked (raw CDP needed to reach it: cdpPort is set),
 *            windowSize: "1400,900", headless: true, extraArgs: [],
 *            grantOptional: load a copy whose optional permissions are granted up front (a headless browser
 *            cannot answer the permission prompt) }.
 * Resolves to { ctx, extensionId, sw, udd, cdpPort (devtools only), close() }.
 */
export async function launchExtension({ devtools = false, windowSize = '1400,900', extraArgs = [], headless = true, grantOptional = false } = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lens-ext-'));
  const udd = path.join(tmp, 'profile');
  const tmpdir = path.join(tmp, 'tmp');
  fs.mkdirSync(tmpdir, { recursive: true });
  const root = grantOptional ? copyWithOptionalGranted(path.join(tmp, 'extension-root')) : REPO;
  const args = [...FLAGS, `--disable-extensions-except=${root}`, `--load-extension=${root}`, `--window-size=${windowSize}`, ...extraArgs];
  if (devtools) {
    // Undocked DevTools: docked-right puts the extension tab in the overflow menu.
    fs.mkdirSync(path.join(udd, 'Default'), { recursive: true });
    fs.writeFileSync(path.join(udd, 'Default', 'Preferences'),
      JSON.stringify({ devtools: { preferences: { currentDockState: '"undocked"' } } }));
    args.push('--auto-open-devtools-for-tabs', '--remote-debugging-port=0');
  }
  const ctx = await chromium.launchPersistentContext(udd, {
    executablePath: CHROMIUM,
    headless,
    args,
    viewport: null,
    env: { ...process.env, TMPDIR: tmpdir },
  });
  const sw = ctx.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'))
    || await ctx.waitForEvent('serviceworker', { timeout: 10000 });
  const extensionId = new URL(sw.url()).host;
  let cdpPort = null;
  if (devtools) {
    const file = path.join(udd, 'DevToolsActivePort');
    await waitFor(() => fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes('\n'), { what: 'DevToolsActivePort' });
    cdpPort = Number(fs.readFileSync(file, 'utf8').split('\n')[0]);
  }
  return {
    ctx,
    sw,
    extensionId,
    udd,
    cdpPort,
    url: (p) => `chrome-extension://${extensionId}/${p.replace(/^\//, '')}`,
    async close() {
      await ctx.close().catch(() => {});
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** The extension's runtime files (manifest.json and extension/) copied to `dir`, optional permissions made required. */
function copyWithOptionalGranted(dir) {
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(path.join(REPO, 'extension'), path.join(dir, 'extension'), { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'manifest.json'), 'utf8'));
  manifest.permissions = [...manifest.permissions, ...(manifest.optional_permissions ?? [])];
  delete manifest.optional_permissions;
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

/** The app page: navigates to `${appUrl}/` and records Chromium's CORS console lines. */
export async function openApp(ctx, appUrl, page = null) {
  const p = page || ctx.pages().find((x) => x.url() === 'about:blank') || await ctx.newPage();
  const lines = [];
  p.on('console', (msg) => {
    if (msg.type() === 'error' && isCorsLine(msg.text())) lines.push(msg.text());
  });
  await p.goto(`${appUrl}/`);
  await p.waitForFunction(() => window.ready === true);
  return { page: p, lines, run: (spec) => p.evaluate((s) => window.run(s), spec) };
}

/** The id of the tab showing `urlPrefix`, asked from an extension page. */
export async function tabIdOf(extPage, urlPrefix) {
  return waitFor(() => extPage.evaluate(async (prefix) => {
    const tabs = await chrome.tabs.query({});
    const t = tabs.find((x) => x.url && x.url.startsWith(prefix));
    return t ? t.id : null;
  }, urlPrefix), { what: `a tab at ${urlPrefix}` });
}

/**
 * Opens the standalone panel for the app tab: panel.html?tabId=N in a new tab. Resolves to
 * { panel, tabId, send(msg), report() }.
 */
export async function openPanel(ext, appUrl, { query = '' } = {}) {
  const panel = await ext.ctx.newPage();
  await panel.goto(ext.url('extension/panel.html?tabId=-1'));
  const tabId = await tabIdOf(panel, appUrl);
  await panel.goto(ext.url(`extension/panel.html?tabId=${tabId}${query}`));
  await panel.waitForFunction(() => document.body.dataset.ready === '1');
  const send = (msg) => sendFrom(panel, { tabId, ...msg });
  return { panel, tabId, send, report: () => send({ type: 'export' }) };
}

/** chrome.runtime.sendMessage from an extension page; rejects on `{error}`. */
export async function sendFrom(extPage, msg) {
  const r = await extPage.evaluate((m) => chrome.runtime.sendMessage(m), msg);
  if (r && r.error) throw new Error(`background: ${r.error}`);
  return r;
}

/**
 * Readiness probe (docs/capture.md): webRequest listeners take effect some time after the
 * worker starts. Send preflighted requests until one shows up in the session with its preflight, then clear.
 */
export async function waitForCaptureReady(app, send, apiUrl, { timeout = 15000 } = {}) {
  const deadline = Date.now() + timeout;
  for (let n = 1; Date.now() < deadline; n++) {
    const url = `${apiUrl}/__ready?acao=echo&acam=PUT&acah=x-probe&maxage=0&probe=${Date.now().toString(36)}-${n}`;
    await app.run({ method: 'PUT', url, headers: [['X-Probe', '1']] });
    const seen = await waitFor(async () => {
      const r = await send({ type: 'export' });
      return (r.exchanges || []).some((x) => x.url === url && x.preflight && x.status === 200 && x.verdict);
    }, { timeout: 1000, what: 'probe' }).catch(() => false);
    if (seen) {
      await send({ type: 'clear' });
      return n;
    }
  }
  throw new Error('capture never became ready');
}

/** Exchanges of a report whose URL starts with `prefix` (or satisfies a predicate). */
export function exchangesFor(report, match) {
  const f = typeof match === 'function' ? match : (x) => x.url.startsWith(match);
  return (report.exchanges || []).filter(f);
}

export function u(base, p, params = []) {
  const q = new URLSearchParams(params).toString();
  return `${base}${p}${q ? `?${q}` : ''}`;
}

/**
 * The usual set-up: the test server, Chromium with the extension (`launchOptions` as launchExtension's), the app
 * page, and its panel open as a tab (which records the app's tab) with capture live. Resolves to
 * { server, ext, app, ctl }; whatever started is stopped again if a later step fails.
 */
export async function startRecordedApp(launchOptions = {}) {
  const server = await startServerProcess();
  let ext = null;
  try {
    ext = await launchExtension(launchOptions);
    const app = await openApp(ext.ctx, server.app);
    const ctl = await openPanel(ext, server.app);
    await waitForCaptureReady(app, ctl.send, server.api);
    return { server, ext, app, ctl };
  } catch (e) {
    if (ext) await ext.close();
    await server.stop();
    throw e;
  }
}
