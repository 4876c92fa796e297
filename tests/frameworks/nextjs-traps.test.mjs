// Next.js's trailingSlash trap, live: with `trailingSlash: true` Next.js answers the preflight of /api/submit with a 308
// to /api/submit/ before any proxy runs, and Chromium refuses a redirected preflight. The engine must print Chromium's
// line for it, its Next.js fix alone cannot help (the proxy never sees the preflight), and the fix's own note
// (`skipTrailingSlashRedirect: true`) applied with it makes the request succeed. The matrix's nine failures do not
// include a redirected preflight, hence this file.
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

const CELL = path.join(WORK, 'cells', 'nextjs-traps--trailing-slash');
const PUT_JSON = { client: 'fetch', method: 'PUT', headers: [['Content-Type', 'application/json']], body: '{"n":1}' };

function engine(bin, args, input) {
  const r = spawnSync(bin, args, { input, encoding: 'utf8' });
  assert.equal(r.status, 0, `${bin} ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('Next.js trailingSlash trap', () => {
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

  it('is diagnosed as Chromium says, survives the proxy fix alone, and is fixed by the fix with its note applied', { timeout: 300000 }, async () => {
    // 1. No CORS yet, trailingSlash on: the preflight is redirected.
    const broken = await run('broken', { config: '  trailingSlash: true,' });
    assert.equal(broken.obs.result.ok, false, 'the PUT is blocked');
    const exchange = exchangeFromCdp({ spec: broken.spec, origin: browser.origin, events: broken.obs.cdp, result: broken.obs.result });
    assert.equal(exchange.preflight?.response?.status, 308, JSON.stringify(exchange.preflight));
    const verdict = engine(bin, ['check', '-'], JSON.stringify(exchange));
    assert.equal(verdict.error, cdpError(broken.obs.cdp).corsError);
    assert.ok(broken.line, 'Chromium printed a CORS line');
    assert.equal(verdict.console.chromium, broken.line);

    // 2. The engine's Next.js fix, and the note that names the trap.
    const fix = engine(bin, ['fix', 'nextjs', '-'], JSON.stringify(exchange));
    const note = fix.notes.find((n) => n.includes('trailingSlash'));
    assert.ok(note && note.includes('skipTrailingSlashRedirect: true'), fix.notes.join('\n'));

    // 3. The proxy alone: Next.js still redirects before it runs.
    const proxyOnly = await run('proxy-only', { config: '  trailingSlash: true,', proxy: fix.snippet });
    assert.equal(proxyOnly.obs.result.ok, false, 'the proxy alone does not help');
    assert.equal(cdpError(proxyOnly.obs.cdp).corsError, verdict.error, proxyOnly.line);

    // 4. The proxy and the note's option: the preflight reaches the proxy, and the PUT succeeds.
    const fixed = await run('fixed', { config: '  trailingSlash: true,\n  skipTrailingSlashRedirect: true,', proxy: fix.snippet });
    assert.equal(fixed.line, null, `no CORS error: ${fixed.line}`);
    assert.equal(fixed.obs.result.ok, true, JSON.stringify(fixed.obs.result));
    assert.equal(fixed.obs.result.status, 200);
  });
});
