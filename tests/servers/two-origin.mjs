#!/usr/bin/env node
// Two-origin (plus one) loopback test server for CORS experiments. Node `http` only, no dependencies.
//
//   app    http://127.0.0.1:<appPort>    serves the test page `/` with `window.run(spec)`; any other path
//                                        is answered by the configurable handler below (same-origin requests).
//   api    http://127.0.0.1:<apiPort>    the configurable cross-origin endpoint (any path).
//   other  http://127.0.0.1:<otherPort>  a third origin with the same handler (redirect targets, tainted origins);
//                                        it serves the test page `/` too, for requests made from a second origin.
//
// Standalone:  node tests/servers/two-origin.mjs [--app-port N] [--api-port N] [--other-port N]
//              (or env APP_PORT / API_PORT / OTHER_PORT; 0 or unset = random port). When listening it prints one
//              JSON line on stdout: {"app":"http://127.0.0.1:P1","api":"http://127.0.0.1:P2","other":"...","pid":N}
//              and runs until SIGTERM/SIGINT.
// In-process:  import { start } from './two-origin.mjs'; const s = await start({ appPort, apiPort, otherPort });
//              s.app, s.api, s.other, s.log(), s.reset(), await s.close().
//
// Option pages (in-process: { pages: { '/demo.html': html } }; CLI: --page /demo.html=FILE, repeatable): extra
// pages served by the app origin for GET; `{{app}}`, `{{api}}` and `{{other}}` in them become the origins.
//
// Every origin also answers GET /__log (JSON array of log entries, oldest first; `?since=SEQ` for newer ones
// only) and GET|POST /__reset (clears the log). Those two and /favicon.ico are not logged.
//
// ---- How the configurable handler answers (all from the query string; repeatable params send one header
// line per occurrence; the value `none` sends nothing; unset = header not sent) ----
// Actual request (any method, or OPTIONS without Access-Control-Request-Method):
//   status=N (200)        acao=echo|*|null|<literal>  (echo = the request's Origin value, omitted if absent)
//   acac=true|<literal>   aceh=<value>   vary=<value>   hdr=Name:value (any extra header)
//   body=<text> ('ok')    ctype=<Content-Type> (text/plain;charset=utf-8)   cache=<Cache-Control> (no-store)
//   setcookie=<Set-Cookie value>   delay=<ms>
//   rawhdr=Name:<hex bytes> (a header whose value is exactly these bytes, not UTF-8: the response is then
//                            written by hand on the socket, with Connection: close)
// Actual request redirected instead, when location=<URL> (Location is sent verbatim):
//   rstatus=N (302)   racao=...   racac=...   rvary=...   rhdr=Name:value
// Preflight (OPTIONS carrying Access-Control-Request-Method):
//   pstatus=N (204)   pacao=... (defaults to the acao list)   pacac=... (defaults to the acac list)
//   acam=echo|<value> (echo = the request's ACRM)   acah=echo|<value> (echo = the request's ACRH)
//   maxage=<value>    pvary=... (defaults to vary)  phdr=Name:value   pbody=<text> ('')
//   plocation=<URL> + prstatus=N (302): answer the preflight with a redirect.
// Any other params (e.g. a unique tag to defeat the preflight cache) are ignored.
//
// Log entry: { seq, t, server: 'app'|'api'|'other', method, url (path + query), httpVersion,
//              headers: [[name, value], ...] (req.rawHeaders, wire order and case), body,
//              kind: 'preflight'|'redirect'|'actual'|'page',
//              response: { status, statusText, headers: [[name, value], ...] exactly as written on the wire,
//                          each value's bytes one code point per byte } }

import fs from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

const HOST = '127.0.0.1';

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>CORS Lens test app</title></head>
<body>
<h1>CORS Lens test app</h1>
<script>
// run(spec) performs one request and never throws.
// spec: { client: 'fetch'|'xhr', method, url, headers: [[name, value], ...] | {name: value},
//         credentials: 'omit'|'same-origin'|'include', mode, redirect, body, upload (xhr: add an upload listener),
//         timeout (ms, default 10000) }
// Returns { ok, status, error, type, url, redirected, headers, body }: ok = the request completed without a
// network error (for fetch: the promise resolved; for xhr: 'load' fired), status = HTTP status (0 when blocked).
window.run = async function run(spec) {
  spec = spec || {};
  const headers = Array.isArray(spec.headers) ? spec.headers : Object.entries(spec.headers || {});
  const timeout = spec.timeout || 10000;
  if (spec.client === 'xhr') {
    return new Promise((resolve) => {
      const x = new XMLHttpRequest();
      try {
        x.open(spec.method || 'GET', spec.url, true);
        x.timeout = timeout;
        if (spec.credentials === 'include') x.withCredentials = true;
        for (const [k, v] of headers) x.setRequestHeader(k, v);
        if (spec.upload) x.upload.addEventListener('progress', () => {});
        x.onload = () => resolve({ ok: true, status: x.status, url: x.responseURL,
          headers: x.getAllResponseHeaders(), body: x.responseText });
        x.onerror = () => resolve({ ok: false, status: x.status, error: 'XMLHttpRequest error event' });
        x.ontimeout = () => resolve({ ok: false, status: x.status, error: 'XMLHttpRequest timeout' });
        x.send(spec.body === undefined ? null : spec.body);
      } catch (e) {
        resolve({ ok: false, status: 0, error: String(e) });
      }
    });
  }
  const init = { method: spec.method || 'GET', headers };
  for (const k of ['credentials', 'mode', 'redirect', 'body', 'cache', 'referrerPolicy']) {
    if (spec[k] !== undefined) init[k] = spec[k];
  }
  const ac = new AbortController();
  init.signal = ac.signal;
  const timer = setTimeout(() => ac.abort(), timeout);
  try {
    const r = await fetch(spec.url, init);
    let body = '';
    try { body = await r.text(); } catch (e) { body = ''; }
    return { ok: true, status: r.status, type: r.type, url: r.url, redirected: r.redirected,
      headers: [...r.headers], body };
  } catch (e) {
    return { ok: false, status: 0, error: String(e) };
  } finally {
    clearTimeout(timer);
  }
};
window.ready = true;
</script>
</body></html>
`;

function parseWireHeaders(raw) {
  // `raw` is the exact header block Node wrote (status line, header lines, blank line) as text that Node sends
  // as UTF-8. The log holds the bytes on the wire, one code point per byte, as the engine reads header values.
  const lines = Buffer.from(String(raw), 'utf8').toString('latin1').split('\r\n');
  const m = /^HTTP\/\d\.\d (\d{3}) ?(.*)$/.exec(lines[0] || '');
  const headers = [];
  for (const line of lines.slice(1)) {
    if (!line) continue;
    const i = line.indexOf(':');
    headers.push([line.slice(0, i), line.slice(i + 1).replace(/^[ \t]+/, '')]);
  }
  return { status: m ? Number(m[1]) : undefined, statusText: m ? m[2] : undefined, headers };
}

function getAll(q, name) {
  return q.getAll(name);
}

function reqHeader(req, name) {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}

// Expand a repeatable header param into header values. `none` means nothing; `echo` takes `echoValue`.
function values(list, echoValue) {
  const out = [];
  for (const v of list) {
    if (v === 'none') continue;
    if (v === 'echo') {
      if (echoValue !== undefined) out.push(echoValue);
      continue;
    }
    out.push(v);
  }
  return out;
}

function extraHeaders(list) {
  const out = [];
  for (const h of list) {
    const i = h.indexOf(':');
    if (i <= 0) continue;
    out.push([h.slice(0, i).trim(), h.slice(i + 1).replace(/^[ \t]+/, '')]);
  }
  return out;
}

/** `Name:hex` -> [name, value as a Buffer of exactly those bytes]. */
function rawHeaders(list) {
  return extraHeaders(list).map(([name, hex]) => [name, Buffer.from(hex, 'hex')]);
}

/** Writes a whole response by hand (Node writes header values as UTF-8): values may be Buffers. */
function sendRaw(socket, status, headers, body) {
  const lines = [`HTTP/1.1 ${status} ${http.STATUS_CODES[status] || ''}`];
  const all = [...headers, ['Content-Length', String(Buffer.byteLength(body))], ['Connection', 'close']];
  const head = Buffer.concat([
    ...all.flatMap(([n, v], i) => [Buffer.from(`${i === 0 ? `${lines[0]}\r\n` : ''}${n}: `), Buffer.isBuffer(v) ? v : Buffer.from(String(v)), Buffer.from('\r\n')]),
    Buffer.from('\r\n'),
  ]);
  socket.end(Buffer.concat([head, Buffer.from(body)]));
  return { status, statusText: http.STATUS_CODES[status] || '', headers: all.map(([n, v]) => [n, Buffer.isBuffer(v) ? v.toString('latin1') : String(v)]) };
}

// Build [status, [[name, value], ...], body, kind] for one request of the configurable handler.
function plan(req, q) {
  const origin = reqHeader(req, 'origin');
  const isPreflight = req.method === 'OPTIONS' && reqHeader(req, 'access-control-request-method') !== undefined;
  const h = [];
  const add = (name, vals) => { for (const v of vals) h.push([name, v]); };
  if (isPreflight) {
    if (q.has('plocation')) {
      add('Location', [q.get('plocation')]);
      add('Access-Control-Allow-Origin', values(q.has('pacao') ? getAll(q, 'pacao') : getAll(q, 'acao'), origin));
      add('Access-Control-Allow-Credentials', values(q.has('pacac') ? getAll(q, 'pacac') : getAll(q, 'acac')));
      h.push(...extraHeaders(getAll(q, 'phdr')));
      return [Number(q.get('prstatus') || 302), h, '', 'preflight'];
    }
    add('Access-Control-Allow-Origin', values(q.has('pacao') ? getAll(q, 'pacao') : getAll(q, 'acao'), origin));
    add('Access-Control-Allow-Credentials', values(q.has('pacac') ? getAll(q, 'pacac') : getAll(q, 'acac')));
    add('Access-Control-Allow-Methods', values(getAll(q, 'acam'), reqHeader(req, 'access-control-request-method')));
    add('Access-Control-Allow-Headers', values(getAll(q, 'acah'), reqHeader(req, 'access-control-request-headers')));
    add('Access-Control-Max-Age', values(getAll(q, 'maxage')));
    add('Vary', values(q.has('pvary') ? getAll(q, 'pvary') : getAll(q, 'vary')));
    h.push(...extraHeaders(getAll(q, 'phdr')));
    const body = q.get('pbody') || '';
    if (body) h.unshift(['Content-Type', 'text/plain;charset=utf-8']);
    return [Number(q.get('pstatus') || 204), h, body, 'preflight'];
  }
  if (q.has('location')) {
    add('Location', [q.get('location')]);
    add('Access-Control-Allow-Origin', values(getAll(q, 'racao'), origin));
    add('Access-Control-Allow-Credentials', values(getAll(q, 'racac')));
    add('Vary', values(getAll(q, 'rvary')));
    add('Cache-Control', ['no-store']);
    h.push(...extraHeaders(getAll(q, 'rhdr')));
    return [Number(q.get('rstatus') || 302), h, '', 'redirect'];
  }
  add('Content-Type', [q.get('ctype') || 'text/plain;charset=utf-8']);
  add('Cache-Control', values([q.has('cache') ? q.get('cache') : 'no-store']));
  add('Access-Control-Allow-Origin', values(getAll(q, 'acao'), origin));
  add('Access-Control-Allow-Credentials', values(getAll(q, 'acac')));
  add('Access-Control-Expose-Headers', values(getAll(q, 'aceh')));
  add('Vary', values(getAll(q, 'vary')));
  add('Set-Cookie', values(getAll(q, 'setcookie')));
  h.push(...extraHeaders(getAll(q, 'hdr')));
  return [Number(q.get('status') || 200), h, q.has('body') ? q.get('body') : 'ok', 'actual'];
}

/**
 * Start the servers. Options: { appPort, apiPort, otherPort } (0/undefined = random), { quiet }.
 * Resolves to { app, api, other, log(), reset(), close() }.
 */
export async function start(opts = {}) {
  const log = [];
  let seq = 0;
  const t0 = Date.now();
  const pages = opts.pages || {};
  const origins = {};

  const handler = (name) => (req, res) => {
    const chunks = [];
    req.on('data', (c) => { if (chunks.reduce((n, b) => n + b.length, 0) < 65536) chunks.push(c); });
    req.on('end', () => {
      const u = new URL(req.url, `http://${HOST}`);
      if (u.pathname === '/__log') {
        const since = Number(u.searchParams.get('since') || 0);
        const body = JSON.stringify(log.filter((e) => e.seq > since));
        res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store',
          'Access-Control-Allow-Origin': '*' });
        res.end(body);
        return;
      }
      if (u.pathname === '/__reset') {
        log.length = 0;
        res.writeHead(204, { 'Cache-Control': 'no-store', 'Access-Control-Allow-Origin': '*' });
        res.end();
        return;
      }
      if (u.pathname === '/favicon.ico') {
        res.writeHead(204, { 'Cache-Control': 'max-age=3600' });
        res.end();
        return;
      }
      const entry = {
        seq: ++seq,
        t: Date.now() - t0,
        server: name,
        method: req.method,
        url: req.url,
        httpVersion: req.httpVersion,
        headers: pairs(req.rawHeaders),
        body: Buffer.concat(chunks).toString('utf8'),
        kind: undefined,
        response: undefined,
      };
      let status; let headers; let body; let kind;
      if (name !== 'api' && req.method === 'GET' && (u.pathname === '/' || u.pathname === '/index.html')) {
        [status, headers, body, kind] = [200, [['Content-Type', 'text/html;charset=utf-8'],
          ['Cache-Control', 'no-store']], PAGE, 'page'];
      } else if (name === 'app' && req.method === 'GET' && Object.hasOwn(pages, u.pathname)) {
        const html = String(pages[u.pathname]).replace(/\{\{(app|api|other)\}\}/g, (m, k) => origins[k]);
        [status, headers, body, kind] = [200, [['Content-Type', 'text/html;charset=utf-8'],
          ['Cache-Control', 'no-store']], html, 'page'];
      } else {
        [status, headers, body, kind] = plan(req, u.searchParams);
      }
      entry.kind = kind;
      const delay = Number(u.searchParams.get('delay') || 0);
      const send = () => {
        if (u.searchParams.has('rawhdr')) {
          entry.response = sendRaw(req.socket, status, [...headers, ...rawHeaders(getAll(u.searchParams, 'rawhdr'))], body);
          log.push(entry);
          return;
        }
        res.statusCode = status;
        // Group repeated names into arrays so Node writes one line per value, names in first-seen order.
        const grouped = new Map();
        for (const [k, v] of headers) {
          const key = k.toLowerCase();
          if (!grouped.has(key)) grouped.set(key, [k, []]);
          grouped.get(key)[1].push(v);
        }
        for (const [k, vs] of grouped.values()) res.setHeader(k, vs.length === 1 ? vs[0] : vs);
        res.end(req.method === 'HEAD' ? undefined : body);
        // res._header is the exact header block written on the wire (Node adds Date, Connection, ...).
        const wire = res._header ? parseWireHeaders(res._header) : null;
        entry.response = wire && wire.status
          ? wire
          : { status, statusText: http.STATUS_CODES[status] || '', headers };
        log.push(entry);
      };
      if (delay > 0) setTimeout(send, delay); else send();
    });
  };

  const listen = (name, port) => new Promise((resolve, reject) => {
    const srv = http.createServer(handler(name));
    srv.keepAliveTimeout = 2000;
    srv.once('error', reject);
    srv.listen(Number(port) || 0, HOST, () => resolve(srv));
  });

  const servers = {};
  servers.app = await listen('app', opts.appPort);
  servers.api = await listen('api', opts.apiPort);
  servers.other = await listen('other', opts.otherPort);
  const url = (s) => `http://${HOST}:${s.address().port}`;
  for (const k of Object.keys(servers)) origins[k] = url(servers[k]);
  return {
    app: url(servers.app),
    api: url(servers.api),
    other: url(servers.other),
    log: () => log.slice(),
    reset: () => { log.length = 0; },
    close: () => Promise.all(Object.values(servers).map((s) => new Promise((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    }))),
  };
}

function pairs(raw) {
  const out = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i], raw[i + 1]]);
  return out;
}

function argValue(args, name) {
  const i = args.indexOf(name);
  if (i >= 0 && i + 1 < args.length) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`${name}=`));
  return eq ? eq.slice(name.length + 1) : undefined;
}

// --page /path=FILE (repeatable) -> { '/path': contents of FILE }
function pageArgs(args) {
  const pages = {};
  args.forEach((a, i) => {
    const v = a === '--page' ? args[i + 1] : a.startsWith('--page=') ? a.slice(7) : null;
    if (!v) return;
    const eq = v.indexOf('=');
    if (eq > 0) pages[v.slice(0, eq)] = fs.readFileSync(v.slice(eq + 1), 'utf8');
  });
  return pages;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const s = await start({
    appPort: argValue(args, '--app-port') ?? process.env.APP_PORT,
    apiPort: argValue(args, '--api-port') ?? process.env.API_PORT,
    otherPort: argValue(args, '--other-port') ?? process.env.OTHER_PORT,
    pages: pageArgs(args),
  });
  process.stdout.write(`${JSON.stringify({ app: s.app, api: s.api, other: s.other, pid: process.pid })}\n`);
  const stop = async () => { await s.close(); process.exit(0); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
