// `cors-lens probe` against the framework matrix's broken servers (tests/frameworks/: Express and Fastify with
// each of the matrix's failures as the framework itself produces it): the same request runs in headless
// Chromium and through the probe, and the probe must decide what Chromium decided (allowed, error, failed
// parameter, console line), with exit code 1 for a blocked request and 0 otherwise.
//
//   node --test tests/e2e/cli-probe-frameworks.test.mjs   (after tests/frameworks/install.sh)
// Env: CORS_LENS_BIN, CHROMIUM_BIN (as console-parity.test.mjs).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { cdpSummary, isCorsLine, launch } from './lib/browser.mjs';
import { locateEngine } from './lib/engine.mjs';
import { startServerProcess } from './lib/server-process.mjs';
import { FAILURES } from '../frameworks/harness.mjs';
import { freePort, WORK } from '../frameworks/lib.mjs';

const FRAMEWORKS = ['express', 'fastify'];

function probe(bin, spec, origin) {
  const args = ['probe', spec.url, '--origin', origin, '--method', spec.method ?? 'GET', '--actual', '--json'];
  for (const [name, value] of spec.headers ?? []) args.push('-H', `${name}: ${value}`);
  if (spec.credentials === 'include') args.push('--credentials');
  return new Promise((resolve) => {
    execFile(bin, args, { encoding: 'utf8', timeout: 30000 }, (error, stdout, stderr) => resolve({ status: error ? error.code : 0, stdout, stderr }));
  });
}

describe('cors-lens probe on the framework matrix\'s broken servers', () => {
  let pages;
  let browser;
  let bin;
  const cells = [];

  before(async () => {
    bin = locateEngine().bin;
    pages = await startServerProcess();
    browser = await launch(pages.app);
    for (const id of FRAMEWORKS) {
      const adapter = await import(`../frameworks/adapters/${id}.mjs`);
      await adapter.setup();
      for (const failure of FAILURES) {
        const workdir = path.join(WORK, 'probe-cells', `${id}--${failure.id}`);
        fs.mkdirSync(workdir, { recursive: true });
        const server = await adapter.start({ failure: failure.id, fixSnippet: null, port: await freePort(), appOrigin: browser.origin,
          otherOrigin: pages.other, workdir });
        try {
          const spec = { client: 'fetch', ...failure.request(`${server.baseUrl}/api/submit`) };
          const obs = await browser.run(spec);
          const line = obs.console.filter((m) => m.type === 'error').map((m) => m.text).find(isCorsLine) ?? null;
          cells.push({ id: `${id} x ${failure.id}`, ok: obs.result.ok, cdp: cdpSummary(obs.cdp), line, probed: await probe(bin, spec, browser.origin) });
        } finally {
          await server.stop();
          fs.rmSync(workdir, { recursive: true, force: true });
        }
      }
    }
  });

  after(async () => {
    if (browser) await browser.close();
    if (pages) await pages.stop();
  });

  it('every cell: the probe decides as Chromium did', () => {
    assert.equal(cells.length, FRAMEWORKS.length * FAILURES.length);
    const differ = [];
    for (const c of cells) {
      const v = JSON.parse(c.probed.stdout || 'null');
      const chromium = c.ok ? 'allowed' : `${c.cdp.corsError}(${c.cdp.failedParameter})`;
      const got = v ? (v.allowed ? 'allowed' : `${v.error}(${v.failed_parameter})`) : `no JSON: ${c.probed.stderr}`;
      const same = v && v.allowed === c.ok && (c.ok || (v.error === c.cdp.corsError && (v.failed_parameter ?? '') === (c.cdp.failedParameter ?? '')))
        && (v.console?.chromium ?? null) === c.line && c.probed.status === (c.ok ? 0 : 1);
      if (!same) differ.push(`${c.id}: Chromium ${chromium}, probe ${got} (exit ${c.probed.status})`);
    }
    assert.deepEqual(differ, []);
    assert.ok(cells.some((c) => !c.ok) && cells.some((c) => c.ok), 'both outcomes are covered');
  });
});
