// Next.js's classic CORS traps the matrix's nine failures do not cover, live in real Chromium:
// - trailingSlash: with `trailingSlash: true` Next.js answers the preflight of /api/submit with a 308 to /api/submit/
//   before any proxy runs, and Chromium refuses a redirected preflight. The engine must print Chromium's line for it,
//   its Next.js fix alone cannot help (the proxy never sees the preflight), and the fix's own note
//   (`skipTrailingSlashRedirect: true`) applied with it makes the request succeed.
// - a Pages Router API route that answers every method it does not handle with 405, OPTIONS included (the App Router
//   answers OPTIONS itself, 204 without CORS headers, which the matrix's no-options-handler covers): the engine prints
//   Chromium's line, and its Next.js fix (a proxy, which runs before Pages Router routes too) makes the PUT succeed.
//
//   node --test tests/frameworks/nextjs-traps.test.mjs   (after tests/frameworks/install.sh)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { isCorsLine, launch } from '../e2e/lib/browser.mjs';
import { locateEngine } from '../e2e/lib/engine.mjs';
import { startServerProcess } from '../e2e/lib/server-process.mjs';
import { cdpError, exchangeFromCdp } from './harness.mjs';
import { setup, startApp } from './adapters/nextjs.mjs';
import { freePort, WORK } from './lib.mjs';

const CELL = path.join(WORK, 'cells', 'nextjs-traps');
const PUT_JSON = { client: 'fetch', method: 'PUT', headers: [['Content-Type', 'application/json']], body: '{"n":1}' };

function engine(bin, args, input) {
  const r = spawnSync(bin, args, { input, encoding: 'utf8' });
  assert.equal(r.status, 0, `${bin} ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('Next.js traps', () => {
  let twoOrigin = null;
  let browser = null;
  let bin = null;
  const servers = [];

  /** One app under its own workdir; the PUT from the page, with Chromium's CORS line and CDP's events. */
  const run = async (name, options) => {
    const workdir = path.join(CELL, name);
    fs.mkdirSync(workdir, { recursive: true });
    const server = await startApp({ ...options, port: await freePort(), workdir });
    servers.push(server);
    const spec = { ...PUT_JSON, url: `${server.baseUrl}/api/submit` };
    const obs = await browser.run(spec);
    await server.stop();
    const line = obs.console.filter((m) => m.type === 'error').map((m) => m.text).find(isCorsLine) ?? null;
    return { spec, obs, line };
  };

  before(async () => {
    const located = locateEngine();
    assert.equal(located.error ?? null, null, `engine unavailable: ${located.error}`);
    bin = located.bin;
    await setup();
    fs.rmSync(CELL, { recursive: true, force: true });
    twoOrigin = await startServerProcess();
    browser = await launch(twoOrigin.app);
  }, { timeout: 120000 });

  after(async () => {
    for (const s of servers) await s.stop();
    if (browser) await browser.close();
    if (twoOrigin) await twoOrigin.stop();
  });

  /** The engine's verdict on a run must be Chromium's: its error and its console line. */
  const diagnose = (r) => {
    const exchange = exchangeFromCdp({ spec: r.spec, origin: browser.origin, events: r.obs.cdp, result: r.obs.result });
    const verdict = engine(bin, ['check', '-'], JSON.stringify(exchange));
    assert.equal(verdict.error, cdpError(r.obs.cdp).corsError);
    assert.ok(r.line, 'Chromium printed a CORS line');
    assert.equal(verdict.console.chromium, r.line);
    return { exchange, verdict };
  };

  it('a Pages Router route that answers OPTIONS 405: diagnosed as Chromium says, fixed by the proxy', { timeout: 300000 }, async () => {
    const pagesApi = `export default function handler(req, res) {
  if (!['GET', 'PUT', 'DELETE', 'POST'].includes(req.method)) {
    res.setHeader('Allow', ['GET', 'PUT', 'DELETE', 'POST']);
    return res.status(405).end();
  }
  res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
  res.status(200).json({ ok: true });
}
`;
    const broken = await run('pages-405-broken', { pagesApi });
    assert.equal(broken.obs.result.ok, false, 'the PUT is blocked');
    const { exchange } = diagnose(broken);
    assert.equal(exchange.preflight?.response?.status, 405, JSON.stringify(exchange.preflight));
    const fix = engine(bin, ['fix', 'nextjs', '-'], JSON.stringify(exchange));
    // The route's own header stays: the proxy's answer replaces it on the way out.
    const fixed = await run('pages-405-fixed', { pagesApi, proxy: fix.snippet });
    assert.equal(fixed.line, null, `no CORS error: ${fixed.line}`);
    assert.equal(fixed.obs.result.status, 200, JSON.stringify(fixed.obs.result));
  });

  it('trailingSlash: diagnosed as Chromium says, survives the proxy fix alone, fixed by the fix with its note applied', { timeout: 300000 }, async () => {
    // 1. No CORS yet, trailingSlash on: the preflight is redirected.
    const broken = await run('slash-broken', { config: '  trailingSlash: true,' });
    assert.equal(broken.obs.result.ok, false, 'the PUT is blocked');
    const { exchange, verdict } = diagnose(broken);
    assert.equal(exchange.preflight?.response?.status, 308, JSON.stringify(exchange.preflight));

    // 2. The engine's Next.js fix, and the note that names the trap.
    const fix = engine(bin, ['fix', 'nextjs', '-'], JSON.stringify(exchange));
    const note = fix.notes.find((n) => n.includes('trailingSlash'));
    assert.ok(note && note.includes('skipTrailingSlashRedirect: true'), fix.notes.join('\n'));

    // 3. The proxy alone: Next.js still redirects before it runs.
    const proxyOnly = await run('slash-proxy-only', { config: '  trailingSlash: true,', proxy: fix.snippet });
    assert.equal(proxyOnly.obs.result.ok, false, 'the proxy alone does not help');
    assert.equal(cdpError(proxyOnly.obs.cdp).corsError, verdict.error, proxyOnly.line);

    // 4. The proxy and the note's option: the preflight reaches the proxy, and the PUT succeeds.
    const fixed = await run('slash-fixed', { config: '  trailingSlash: true,\n  skipTrailingSlashRedirect: true,', proxy: fix.snippet });
    assert.equal(fixed.line, null, `no CORS error: ${fixed.line}`);
    assert.equal(fixed.obs.result.ok, true, JSON.stringify(fixed.obs.result));
    assert.equal(fixed.obs.result.status, 200);
  });
});
