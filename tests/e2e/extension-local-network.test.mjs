// Local Network Access and the failures that only look like CORS, live in Chromium with the extension and DevTools
// open, as a user meets them. One launch: the app origin is declared public (--ip-address-space-overrides), so
// its calls to the loopback API meet LNA exactly as a public site calling localhost does; app.public.test maps to
// it as a page that is not a secure context. Each LNA failure's console line must equal Chromium's byte for byte
// and its error CDP's corsError; a loopback page (and the public page once CDP grants the permission) makes the
// same calls as controls, which succeed and are reported as nothing. Then an HTTPS page calling http:// (mixed
// content), a request a test extension's declarativeNetRequest rule blocks, a refused port and a CSP refusal:
// each explained as what it is, never as a CORS error.
// Artifacts: tests/artifacts/extension-local-network.json (per call: Chromium's line and error, the extension's) and
// panel-local-network.png (the CORS tab on the blocked PUT, after its live preflight).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ARTIFACTS, exchangesFor, launchExtension, missingBuild, openApp, REPO, waitFor, waitForCaptureReady } from './lib/extension.mjs';
import { startServerProcess } from './lib/server-process.mjs';

const skip = missingBuild() || false;

/** The three calls of each page: a simple GET, a preflighted PUT, a JSON POST (preflighted by its Content-Type). */
const CALLS = [
  { id: 'get', spec: (api, tag) => ({ url: `${api}/lna/get?acao=*&t=${tag}` }) },
  { id: 'put', spec: (api, tag) => ({ method: 'PUT', url: `${api}/lna/put?acao=*&acam=PUT&acah=x-a&maxage=0&t=${tag}`, headers: [['X-A', '1']] }) },
  { id: 'post', spec: (api, tag) => ({ method: 'POST', url: `${api}/lna/post?acao=*&acah=content-type&maxage=0&t=${tag}`,
    headers: [['Content-Type', 'application/json']], body: '{"a":1}' }) },
];

/** A throw-away extension whose declarativeNetRequest rule blocks URLs containing "blocked-by-client". */
function blockerExtension(dir) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
    manifest_version: 3, name: 'Test blocker', version: '1.0', permissions: ['declarativeNetRequest'], host_permissions: ['<all_urls>'],
    declarative_net_request: { rule_resources: [{ id: 'rules', enabled: true, path: 'rules.json' }] },
  }));
  fs.writeFileSync(path.join(dir, 'rules.json'), JSON.stringify([{ id: 1, priority: 1, action: { type: 'block' },
    condition: { urlFilter: 'blocked-by-client', resourceTypes: ['xmlhttprequest'] } }]));
  return dir;
}

/** An HTTPS server (self-signed certificate) serving the test app's page. */
async function startHttpsPage(dir, html) {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
  const srv = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return { url: `https://127.0.0.1:${srv.address().port}`, close: () => new Promise((r) => { srv.close(() => r()); srv.closeAllConnections(); }) };
}

/** A loopback port nothing listens on. */
async function closedPort() {
  const s = net.createServer();
  await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

describe('extension: Local Network Access and failures that are not CORS', { skip }, () => {
  let server;
  let ext;
  let httpsPage;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lens-lna-'));
  const runs = new Map(); // id -> what Chromium and the extension said
  let tabs; // page name -> { app, send, cdp }

  /** Every tab's session through the worker, and CDP on the page for Chromium's own corsErrorStatus. */
  async function page(name, url) {
    const app = await openApp(ext.ctx, url, await ext.ctx.newPage());
    const tabId = await waitFor(() => ext.sw.evaluate(async (u) => (await chrome.tabs.query({})).find((t) => t.url?.startsWith(u))?.id, url),
      { what: `the tab of ${url}` });
    const send = (msg) => ext.sw.evaluate((m) => self.__corsLens.handle(m), { tabId, ...msg });
    // The tab's CORS panel, opened as a page: DevTools (open on every tab here) sends its records while it is open.
    const viewer = await ext.ctx.newPage();
    await viewer.goto(ext.url(`extension/panel.html?tabId=${tabId}`));
    await viewer.waitForFunction(() => document.body.dataset.ready === '1');
    const cdp = await ext.ctx.newCDPSession(app.page);
    const requests = new Map();
    const failed = [];
    cdp.on('Network.requestWillBeSent', (p) => requests.set(p.requestId, { url: p.request.url, type: p.type }));
    cdp.on('Network.loadingFailed', (p) => failed.push({ ...requests.get(p.requestId), error: p.errorText, cors: p.corsErrorStatus ?? null }));
    await cdp.send('Network.enable');
    const all = [];
    app.page.on('console', (m) => all.push(m.text()));
    return { app, send, cdp, failed, all, tabId };
  }

  /** Runs one call and waits for the extension's exchange once DevTools' record of it arrived. */
  async function call(t, id, spec, { expectFailure = true } = {}) {
    const before = t.app.lines.length;
    const result = await t.app.run({ client: 'fetch', ...spec });
    const line = expectFailure
      ? await waitFor(() => t.app.lines.slice(before).find((l) => l.includes(spec.url)), { timeout: 5000, what: `Chromium's line for ${id}` }).catch(() => null)
      : null;
    const exchange = async () => exchangesFor(await t.send({ type: 'export' }), (e) => e.url === spec.url && e.verdict
      && e.type === 'fetch' && (!e.preflight?.observed || e.preflight.match === 'har'))[0];
    // DevTools' record and webRequest's error (which names the LNA check) reach the worker in either order: a
    // failure's line is complete once both have.
    const x = await waitFor(async () => {
      const e = await exchange();
      return e && (!expectFailure || e.verdict.console?.chromium) ? e : null;
    }, { timeout: 6000, what: `the exchange for ${id}` }).catch(exchange);
    const cdp = t.failed.find((f) => f.url === spec.url && f.type !== 'Preflight') ?? null;
    // When the exchange is missing, what the tab's list held instead (for the artifact).
    const listed = x ? undefined : exchangesFor(await t.send({ type: 'export' }), () => true)
      .map((e) => ({ url: e.url, type: e.type, source: e.source, error: e.verdict?.error ?? null, preflight: e.preflight ?? null }));
    const run = { id, ok: result.ok, chromium_line: line, cdp_error: cdp?.cors?.corsError ?? null, cdp_parameter: cdp?.cors?.failedParameter ?? null,
      net_error: cdp?.error ?? null, extension_line: x?.verdict?.console?.chromium ?? null, error: x?.verdict?.error ?? null,
      failed: x?.failed ?? null, summary: x?.verdict?.summary ?? null, reason: x?.view?.reason ?? null, network_failure: x?.verdict?.network_failure ?? null,
      server_fix: x?.verdict?.server_fix ?? null, client_fix: x?.verdict?.explanation?.client_fix ?? null, details: x?.verdict?.explanation?.details ?? null,
      exchange_id: x?.id ?? null, ...(listed ? { listed } : {}) };
    runs.set(id, run);
    return run;
  }

  before(async () => {
    server = await startServerProcess();
    const appPort = new URL(server.app).port;
    const blocker = blockerExtension(path.join(tmp, 'blocker'));
    ext = await launchExtension({ devtools: true, extraArgs: [
      `--ip-address-space-overrides=127.0.0.1:${appPort}=public`,
      '--host-resolver-rules=MAP app.public.test 127.0.0.1, MAP api.plain.test 127.0.0.1',
      '--ignore-certificate-errors',
      // The CORS Lens root again, with the blocker beside it (the last of a repeated switch wins).
      `--disable-extensions-except=${REPO},${blocker}`, `--load-extension=${REPO},${blocker}`,
    ] });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const html = await (await fetch(`${server.app}/`)).text();
    httpsPage = await startHttpsPage(tmp, html);
    tabs = {
      secure: await page('secure', server.app),
      insecure: await page('insecure', `http://app.public.test:${appPort}`),
      loopback: await page('loopback', server.other),
      https: await page('https', httpsPage.url),
    };
    // DevTools' records are a tab's capture once its devtools page is connected: until then a recorded tab has
    // webRequest's full set (its requests typed xmlhttprequest, not fetch). On a cold start DevTools can attach
    // seconds after the tab was opened and recorded, so wait until no tab has the full set (the panel pages'
    // own tabs, DevTools open on them too, have an errors-only set each as well).
    await waitFor(async () => {
      const s = await ext.sw.evaluate(() => self.__corsLens.stats());
      return s.listenerSets === 0 && s.errorListenerSets >= Object.keys(tabs).length;
    }, { timeout: 20000, what: 'DevTools attached to every tab' });
    // Capture is live once a probe from the loopback page (allowed) shows up.
    await waitForCaptureReady(tabs.loopback.app, tabs.loopback.send, server.api);
    for (const [name, expect] of [['secure', true], ['insecure', true], ['loopback', false]]) {
      for (const c of CALLS) await call(tabs[name], `${name}-${c.id}`, c.spec(server.api, `${name}${c.id}`), { expectFailure: expect });
    }
    // The CORS tab (the panel as a tab, for the secure page) on the blocked PUT, and its live preflight: the
    // extension's own OPTIONS is exempt from LNA and reaches the server, but must not say "fixed".
    const panel = await ext.ctx.newPage();
    await panel.goto(ext.url(`extension/panel.html?tabId=${tabs.secure.tabId}`));
    await panel.waitForFunction(() => document.body.dataset.ready === '1');
    const put = runs.get('secure-put');
    await panel.evaluate((i) => window.__corsLens.select(i), put.exchange_id);
    await panel.waitForSelector('#detail:not([hidden]) #console-line');
    const since = (await server.log()).at(-1)?.seq ?? 0;
    await panel.click('#probe');
    await panel.waitForFunction((i) => window.__corsLens.state().lastProbe?.id === i, put.exchange_id);
    const probe = await panel.evaluate(() => window.__corsLens.state().lastProbe);
    const text = (sel) => panel.evaluate((q) => document.querySelector(q)?.textContent ?? null, sel);
    runs.set('panel', { id: 'panel', verdict: await text('#verdict'), console_line: await text('#console-line'), fix: await text('#client-fix'),
      server_picker: await text('#framework'), explanation: await text('.explanation'), probe_box: await text('.probe-result'),
      probe_raw_status: probe?.raw?.status ?? null, probe_allowed: probe?.verdict?.allowed ?? null, probe_error: probe?.verdict?.error ?? null,
      server_saw: (await server.log(since)).filter((e) => e.url.startsWith('/lna/put')).map((e) => e.method) });
    await panel.screenshot({ path: path.join(ARTIFACTS, 'panel-local-network.png') });
    await panel.close();
    // The permission granted to the public page: the same calls succeed and nothing is reported.
    const browserCdp = await ext.ctx.browser()?.newBrowserCDPSession?.() ?? tabs.secure.cdp;
    let granted = null;
    for (const permissions of [['localNetwork', 'loopbackNetwork'], ['localNetworkAccess']]) {
      try {
        await browserCdp.send('Browser.grantPermissions', { origin: server.app, permissions });
        granted = permissions;
        break;
      } catch { /* another name in this version */ }
    }
    runs.set('granted-with', { id: 'granted-with', permissions: granted });
    for (const c of CALLS) await call(tabs.secure, `granted-${c.id}`, c.spec(server.api, `granted${c.id}`), { expectFailure: false });
    // Failures that are not CORS.
    const mixedUrl = `http://api.plain.test:${new URL(server.api).port}/mixed?acao=*`;
    await call(tabs.https, 'mixed-content', { url: mixedUrl }, { expectFailure: false });
    await call(tabs.loopback, 'blocked-by-client', { url: `${server.api}/blocked-by-client?acao=*` }, { expectFailure: false });
    await call(tabs.loopback, 'refused', { url: `http://127.0.0.1:${await closedPort()}/x` }, { expectFailure: false });
    await tabs.loopback.app.page.evaluate(() => {
      const m = document.createElement('meta');
      m.httpEquiv = 'Content-Security-Policy';
      m.content = "connect-src 'self'";
      document.head.append(m);
    });
    await call(tabs.loopback, 'csp', { url: `${server.api}/csp?acao=*` }, { expectFailure: false });
    runs.set('consoles', { id: 'consoles', mixed: tabs.https.all, loopback: tabs.loopback.all });
    fs.writeFileSync(path.join(ARTIFACTS, 'extension-local-network.json'), `${JSON.stringify([...runs.values()], null, 2)}\n`);
  });

  after(async () => {
    if (ext) await ext.close();
    if (httpsPage) await httpsPage.close();
    if (server) await server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  for (const [name, error] of [['secure', 'LocalNetworkAccessPermissionDenied'], ['insecure', 'InsecureLocalNetwork']]) {
    for (const c of CALLS) {
      it(`${name} public page → loopback, ${c.id}: ${error}, Chromium's line and CDP's error`, () => {
        const r = runs.get(`${name}-${c.id}`);
        assert.equal(r.ok, false, 'Chromium blocked the call');
        assert.equal(r.cdp_error, error, `CDP's corsError: ${JSON.stringify(r)}`);
        assert.ok(r.chromium_line, 'Chromium printed a line');
        assert.equal(r.extension_line, r.chromium_line);
        assert.equal(r.error, r.cdp_error);
        assert.equal(r.server_fix, false, 'no server snippet is offered');
        assert.match(r.details, /No response header fixes this/);
        assert.doesNotMatch(r.client_fix ?? '', /Access-Control-Allow/);
      });
    }
  }

  it('the secure page\'s fix is the permission and what the page can declare', () => {
    const r = runs.get('secure-put');
    assert.match(r.client_fix, /Site settings/);
    assert.match(r.client_fix, /targetAddressSpace: 'loopback'/);
    assert.match(r.client_fix, /allow="local-network-access"/);
    assert.match(runs.get('insecure-get').client_fix, /HTTPS/);
  });

  it('the CORS tab names LNA, shows Chromium\'s line, explains the permission and offers no server headers', () => {
    const r = runs.get('panel');
    assert.equal(r.verdict, 'Local Network Access: permission not granted');
    assert.equal(r.console_line, runs.get('secure-put').chromium_line);
    assert.match(r.fix, /Site settings/);
    assert.equal(r.server_picker, null, 'no server framework picker');
    assert.match(r.explanation, /No response header fixes this/);
  });

  it('the live preflight (exempt from LNA) reaches the server but never reports the problem fixed', () => {
    const r = runs.get('panel');
    assert.deepEqual(r.server_saw, ['OPTIONS'], 'only the extension\'s OPTIONS reached the server');
    assert.equal(r.probe_raw_status, 204, `the server answered it: ${JSON.stringify(r)}`);
    assert.equal(r.probe_allowed, false);
    assert.equal(r.probe_error, 'LocalNetworkAccessPermissionDenied');
    assert.match(r.probe_box, /exempt from Local Network Access/);
  });

  for (const c of CALLS) {
    it(`controls, ${c.id}: a loopback page, and the public page with the permission granted, succeed and nothing is reported`, () => {
      for (const id of [`loopback-${c.id}`, `granted-${c.id}`]) {
        const r = runs.get(id);
        assert.equal(r.ok, true, `${id}: ${JSON.stringify(r)}`);
        assert.equal(r.failed, false, `${id} is not reported as failed`);
        assert.equal(r.error, null);
      }
    });
  }

  for (const [id, kind] of [['blocked-by-client', 'blocked_by_client'], ['refused', 'connection_refused']]) {
    it(`${id}: explained as ${kind}, not as CORS`, () => {
      const r = runs.get(id);
      assert.equal(r.ok, false);
      assert.equal(r.network_failure, kind, JSON.stringify(r));
      assert.equal(r.error, null, 'no CORS error is invented');
      assert.equal(r.extension_line, null);
      assert.equal(r.server_fix, false);
      assert.match(r.details, /This is not CORS/);
    });
  }

  it('mixed content (recorded by DevTools only) is explained as such', () => {
    const r = runs.get('mixed-content');
    assert.equal(r.ok, false);
    assert.equal(r.network_failure, 'mixed_content', JSON.stringify(r));
    assert.equal(r.error, null, 'no CORS error is invented');
    assert.match(r.client_fix, /https:\/\//);
  });

  it('a CSP refusal creates no request a capture can see, and nothing is invented for it', () => {
    const r = runs.get('csp');
    assert.equal(r.ok, false);
    assert.equal(r.exchange_id, null, JSON.stringify(r));
  });
});
