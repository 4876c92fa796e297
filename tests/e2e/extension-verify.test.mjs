// "Verify with Chrome" (optional debugger permission, granted up front in a copy of the extension since a
// headless browser cannot answer the prompt): the panel's button has the page issue the captured request again
// under chrome.debugger. Chrome's own corsErrorStatus must match the engine's verdict, and the server must see
// only the OPTIONS: the actual request is stopped before it is sent, whether the preflight fails or passes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { exchangesFor, missingBuild, startRecordedApp, u, waitFor } from './lib/extension.mjs';

const skip = missingBuild() || false;

describe('extension: Verify with Chrome', { skip }, () => {
  let server;
  let ext;
  let app;
  let ctl;
  const tag = Date.now().toString(36);
  const url = {};

  before(async () => {
    ({ server, ext, app, ctl } = await startRecordedApp({ grantOptional: true }));
    url.blocked = u(`${server.api}/verify/blocked/${tag}`, '', [['acao', 'echo'], ['acam', 'PUT'], ['acah', 'x-test'], ['pstatus', '404']]);
    url.header = u(`${server.api}/verify/header/${tag}`, '', [['acao', 'echo'], ['acam', 'PUT'], ['acah', 'x-other']]);
    url.passes = u(`${server.api}/verify/passes/${tag}`, '', [['acao', 'echo'], ['acam', 'PUT'], ['acah', 'x-test']]);
    for (const target of Object.values(url)) await app.run({ method: 'PUT', headers: [['X-Test', '1']], url: target });
    await waitFor(async () => exchangesFor(await ctl.report(), (x) => x.url.includes('/verify/') && x.verdict).length === 3, { what: '3 exchanges' });
  });

  after(async () => {
    if (ext) await ext.close();
    if (server) await server.stop();
  });

  /** Clicks "Verify with Chrome" on the exchange at `target`; resolves to the answer and the server's log since. */
  async function verify(target) {
    const { panel } = ctl;
    const path = new URL(target).pathname;
    const x = exchangesFor(await ctl.report(), (e) => e.url.includes(path))[0];
    assert.ok(x, `an entry for ${path}`);
    const since = (await server.log()).at(-1)?.seq ?? 0;
    await panel.waitForFunction((i) => window.__corsLens.report()?.exchanges?.some((e) => e.id === i), x.id);
    await panel.evaluate((i) => window.__corsLens.select(i), x.id);
    await panel.waitForSelector('#detail:not([hidden]) #verify');
    await panel.click('#verify');
    await panel.waitForFunction((i) => window.__corsLens.state().lastVerify?.id === i, x.id, { timeout: 20000 });
    const answer = await panel.evaluate(() => window.__corsLens.state().lastVerify);
    const log = (await server.log(since)).filter((e) => e.url.startsWith(path));
    return { x, answer, methods: log.map((e) => e.method), shown: await panel.textContent('.probe-result') };
  }

  it('a failing preflight: Chrome\'s corsErrorStatus equals the engine\'s error, and only the OPTIONS is sent', async () => {
    const { x, answer, methods, shown } = await verify(url.blocked);
    assert.equal(answer.error, undefined, JSON.stringify(answer));
    assert.equal(answer.chrome.outcome, 'blocked');
    assert.equal(answer.chrome.cors_error, 'PreflightInvalidStatus');
    assert.equal(answer.chrome.cors_error, x.verdict.error);
    assert.equal(answer.chrome.preflight_status, 404);
    assert.equal(answer.chrome.console, x.verdict.console.chromium, 'Chrome printed the line the engine wrote');
    assert.deepEqual(methods, ['OPTIONS']);
    assert.match(shown, /The diagnosis of the captured request agrees/);
    assert.doesNotMatch(shown, /PreflightInvalidStatus|corsErrorStatus/, 'plain words, no enum names');
  });

  it('the failed parameter matches too (a header the preflight does not allow)', async () => {
    const { x, answer, methods } = await verify(url.header);
    assert.equal(answer.chrome.cors_error, 'HeaderDisallowedByPreflightResponse', JSON.stringify(answer));
    assert.equal(answer.chrome.failed_parameter, 'x-test');
    assert.equal(answer.chrome.failed_parameter, x.verdict.failed_parameter);
    assert.deepEqual(methods, ['OPTIONS']);
  });

  it('a passing preflight: Chrome says so, and the actual request is stopped before it leaves', async () => {
    const { x, answer, methods } = await verify(url.passes);
    assert.equal(x.verdict.allowed, true);
    assert.equal(answer.chrome.outcome, 'passed');
    assert.deepEqual(methods, ['OPTIONS'], 'the PUT never reached the server');
  });
});
