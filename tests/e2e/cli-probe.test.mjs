// `cors-lens probe` against live local servers. Parity: every console-parity scenario a command line can
// express (a method, headers, credentials) runs in headless Chromium and through the probe, on the same URL in
// the same run, and the probe's verdict, error, failed parameter and console line must equal what Chromium
// decided. Transport: TLS with a self-signed certificate made here by openssl (refused without --cacert,
// accepted with it or --insecure), HTTP/2 (a node:http2 server that speaks nothing else), a server that never
// answers (timeout named, exit 2), a closed port (refused named, exit 2).
//
//   node --test tests/e2e/cli-probe.test.mjs
// Env: CORS_LENS_BIN, CHROMIUM_BIN (as console-parity.test.mjs).
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { cdpSummary, isCorsLine, launch } from './lib/browser.mjs';
import { locateEngine } from './lib/engine.mjs';
import { SCENARIOS } from './lib/scenarios.mjs';
import { startServerProcess } from './lib/server-process.mjs';

/** Runs the CLI without blocking the event loop (the servers below live in this process). */
function cli(bin, args, timeoutMs = 30000) {
  return new Promise((resolve) => {
    const started = Date.now();
    execFile(bin, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      resolve({ status: error ? error.code : 0, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** The probe's command line for a scenario's request: what a developer would type for the same call. */
function probeArgs(spec, origin) {
  const args = ['probe', spec.url, '--origin', origin, '--method', spec.method ?? 'GET', '--actual', '--json'];
  for (const [name, value] of spec.headers ?? []) args.push('-H', `${name}: ${value}`);
  if (spec.credentials === 'include') args.push('--credentials');
  return args;
}

/** CDP's failedParameter is the UTF-8 text of the header bytes (empty when not UTF-8); the engine holds bytes. */
function asCdpText(bytes) {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(bytes, 'latin1'));
  } catch {
    return '';
  }
}

// What a command line cannot say: a request mode, a redirect mode, an upload listener.
const expressible = SCENARIOS.filter((sc) => {
  const spec = sc.spec({ app: 'http://a', api: 'http://b', other: 'http://c', tag: 't' });
  return !spec.mode && !spec.redirect && !spec.upload;
});

describe('cors-lens probe: the same verdict as Chromium for the same request', () => {
  let server;
  let browser;
  let bin;
  const runs = [];

  before(async () => {
    const loc = locateEngine();
    assert.equal(loc.error, undefined, loc.error);
    bin = loc.bin;
    server = await startServerProcess();
    browser = await launch(server.app);
    const runTag = `probe-${Date.now().toString(36)}`;
    for (const sc of expressible) {
      const spec = { client: 'fetch', ...sc.spec({ app: server.app, api: server.api, other: server.other, tag: `${runTag}-${sc.id}` }) };
      const obs = await browser.run(spec);
      const line = obs.console.filter((m) => m.type === 'error').map((m) => m.text).find(isCorsLine) ?? null;
      const probed = await cli(bin, probeArgs(spec, browser.origin));
      runs.push({ sc, spec, ok: obs.result.ok, cdp: cdpSummary(obs.cdp), line, probed });
    }
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('covers the console-parity scenarios a command line can express', () => {
    assert.ok(expressible.length >= 40, `only ${expressible.length} scenarios`);
    assert.ok(expressible.some((sc) => sc.id.startsWith('redirect-')) && expressible.some((sc) => sc.id.startsWith('preflight-')));
  });

  it('each verdict equals Chromium\'s', () => {
    const differ = [];
    for (const r of runs) {
      const what = `${r.sc.id}: Chromium ${r.ok ? 'allowed' : `${r.cdp.corsError}(${r.cdp.failedParameter})`}`;
      let v;
      try {
        v = JSON.parse(r.probed.stdout);
      } catch {
        differ.push(`${what}; probe printed no JSON (exit ${r.probed.status}): ${r.probed.stderr}`);
        continue;
      }
      const got = `probe ${v.allowed ? 'allowed' : `${v.error}(${v.failed_parameter})`}`;
      if (v.allowed !== r.ok) differ.push(`${what}; ${got}`);
      else if (r.cdp.corsError && v.error !== r.cdp.corsError) differ.push(`${what}; ${got}`);
      else if (r.cdp.corsError && asCdpText(v.failed_parameter ?? '') !== (r.cdp.failedParameter ?? '')) differ.push(`${what}; ${got}`);
      // The probe is a fetch(): an XMLHttpRequest's console line names its API and so differs in words only.
      else if (r.spec.client !== 'xhr' && (v.console?.chromium ?? null) !== r.line) differ.push(`${what}; console line ${JSON.stringify(v.console?.chromium)} vs ${JSON.stringify(r.line)}`);
      else if (r.probed.status !== (r.ok ? 0 : 1)) differ.push(`${what}; exit ${r.probed.status}`);
    }
    assert.deepEqual(differ, [], `${differ.length} of ${runs.length} differ`);
  });

  it('sends what the browser sends: a preflight only when Chromium sent one, its headers lower-cased and sorted', () => {
    for (const r of runs.filter((x) => x.sc.id === 'ok-preflight-put' || x.sc.id === 'ok-simple-get')) {
      const v = JSON.parse(r.probed.stdout);
      const kinds = v.probe.sent.map((s) => s.kind);
      if (r.sc.id === 'ok-simple-get') assert.deepEqual(kinds, ['actual']);
      else {
        assert.deepEqual(kinds, ['preflight', 'actual']);
        const acrh = v.probe.sent[0].headers.find(([n]) => n === 'Access-Control-Request-Headers');
        assert.deepEqual(acrh, ['Access-Control-Request-Headers', 'x-test']);
        assert.ok(!v.probe.sent[0].headers.some(([n]) => /^(cookie|authorization)$/i.test(n)));
      }
    }
  });
});

describe('cors-lens probe: transport', () => {
  let bin;
  let tmp;
  let cert;
  let key;
  const servers = [];
  const sockets = new Set();
  let connections = 0;

  /** Answers like a well-configured API: preflights 204 with the CORS headers, requests 200. */
  function answer(req, res) {
    const origin = req.headers.origin;
    const headers = { 'access-control-allow-origin': origin ?? '*', vary: 'Origin' };
    if (req.method === 'OPTIONS') {
      Object.assign(headers, { 'access-control-allow-methods': 'PUT', 'access-control-allow-headers': 'content-type', 'access-control-max-age': '600' });
      res.writeHead(req.url.includes('preflight404') ? 404 : 204, headers).end();
    } else res.writeHead(200, { ...headers, 'content-type': 'text/plain' }).end('ok');
  }

  function listen(srv) {
    servers.push(srv);
    srv.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
    return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv.address().port)));
  }

  before(() => {
    bin = locateEngine().bin;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lens-probe-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-addext', 'basicConstraints=critical,CA:FALSE', '-keyout', path.join(tmp, 'key.pem'), '-out', path.join(tmp, 'cert.pem')], { stdio: 'ignore' });
    cert = fs.readFileSync(path.join(tmp, 'cert.pem'));
    key = fs.readFileSync(path.join(tmp, 'key.pem'));
  });

  after(async () => {
    for (const s of sockets) s.destroy();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(() => r()))));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('TLS with a self-signed certificate: refused (named) without --cacert, checked with it or --insecure', async () => {
    const port = await listen(https.createServer({ cert, key }, answer));
    const url = `https://127.0.0.1:${port}/items`;
    const base = ['probe', url, '--origin', 'https://app.example.com', '-X', 'PUT', '-H', 'Content-Type: application/json', '--json'];
    const untrusted = await cli(bin, base);
    assert.equal(untrusted.status, 2, untrusted.stderr);
    assert.match(untrusted.stderr, /TLS failed.*net::ERR_CERT_AUTHORITY_INVALID/);
    assert.equal(JSON.parse(untrusted.stdout).network_failure, 'tls');
    for (const trust of [['--cacert', path.join(tmp, 'cert.pem')], ['--insecure']]) {
      const r = await cli(bin, [...base, ...trust]);
      assert.equal(r.status, 0, `${trust[0]}: ${r.stderr}${r.stdout}`);
      const v = JSON.parse(r.stdout);
      assert.equal(v.allowed, true);
      assert.equal(v.exchange.preflight.response.status, 204);
    }
  });

  it('HTTP/2: a server that speaks only h2 is probed over h2, and its answer judged', async () => {
    const port = await listen(http2.createSecureServer({ cert, key, allowHTTP1: false }, answer));
    const url = `https://127.0.0.1:${port}/items?preflight404`;
    const r = await cli(bin, ['probe', url, '--origin', 'https://app.example.com', '-X', 'PUT', '-H', 'Content-Type: application/json',
      '--cacert', path.join(tmp, 'cert.pem'), '--json']);
    assert.equal(r.status, 1, r.stderr);
    const v = JSON.parse(r.stdout);
    assert.equal(v.error, 'PreflightInvalidStatus');
    assert.deepEqual(v.probe.sent.map((s) => [s.kind, s.http_version]), [['preflight', 'HTTP/2.0']]);
  });

  it('a server that never answers: the timeout is named and the exit code is 2', async () => {
    const port = await listen(net.createServer(() => { /* accepts, then says nothing */ }));
    const r = await cli(bin, ['probe', `http://127.0.0.1:${port}/slow`, '--origin', 'http://app.example.com', '--timeout', '1']);
    assert.equal(r.status, 2, r.stdout);
    assert.match(r.stderr, /Timed out \(net::ERR_TIMED_OUT\)/);
    assert.match(r.stdout, /FAILED, NOT CORS \(Timed out\)/);
    assert.ok(r.ms < 8000, `took ${r.ms} ms`);
  });

  it('a closed port: connection refused, named, exit 2', async () => {
    const srv = net.createServer();
    const port = await new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv.address().port)));
    await new Promise((resolve) => srv.close(resolve));
    const r = await cli(bin, ['probe', `http://127.0.0.1:${port}/`, '--origin', 'http://app.example.com', '-X', 'DELETE']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Connection refused.*net::ERR_CONNECTION_REFUSED/);
  });

  it('bad usage exits 2 and says why, before sending anything', async () => {
    const port = await listen(net.createServer((s) => { connections += 1; s.destroy(); }));
    const url = `http://127.0.0.1:${port}/`;
    const cases = [
      [['probe', url], /--origin/],
      [['probe', 'not a url', '--origin', 'http://a.test'], /not a valid URL/],
      [['probe', url, '--origin', 'http://a.test', '-H', 'no colon'], /'no colon' is not 'Name: value'/],
      [['probe', url, '--origin', 'http://a.test', '-H', 'Cookie: a=1'], /cannot set Cookie \(a forbidden request header/],
      [['probe', url, '--origin', 'http://a.test', '-X', 'TRACE'], /refuses the method TRACE/],
    ];
    for (const [args, said] of cases) {
      const r = await cli(bin, args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}`);
      assert.match(r.stderr, said);
    }
    assert.equal(connections, 0, 'a refused request reached the server');
  });
});
