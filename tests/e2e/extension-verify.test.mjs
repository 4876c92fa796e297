// "Verify with Chrome" (optional debugger permission, granted up front in a copy of the extension since a
// headless browser cannot answer the prompt): the panel's button has the page issue the captured request again
// under chrome.debugger. Chrome's own corsErrorStatus must match the engine's verdict, and the server must see
// only the OPTIONS: the actual request is stopped before it is sent, whether the preflight fails or passes.
// The re-sent request and its preflight are the extension's: the list and the preflight counts stay as they
// were, with DevTools open too (its records of the same request must not bring it back); so does the live
// probe with every tab recorded.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { connectCdp } from './lib/cdp.mjs';
import { exchangesFor, missingBuild, startRecordedApp, u, waitFor } from './lib/extension.mjs';

const skip = missingBuild() || false;
const SETTLE = '/verify-settle/';
const BEARER = 'sk-verify-0123456789abcdef';

/** Clicks "Verify with Chrome" (`button` #verify) or "Send a live preflight" (#probe) on the exchange at `target`
 *  in the panel of `ctl`; resolves to the exchange, the answer and the server's log since. */
async function clickTool({ ctl, server }, target, button = 'verify') {
  const { panel } = ctl;
  const path = new URL(target).pathname;
  const x = exchangesFor(await ctl.report(), (e) => e.url.includes(path))[0];
  assert.ok(x, `an entry for ${path}`);
  const since = (await server.log()).at(-1)?.seq ?? 0;
  await panel.waitForFunction((i) => window.__corsLens.report()?.exchanges?.some((e) => e.id === i), x.id);
  await panel.evaluate((i) => window.__corsLens.select(i), x.id);
  await panel.waitForSelector(`#detail:not([hidden]) #${button}`);
  await panel.click(`#${button}`);
  const last = button === 'verify' ? 'lastVerify' : 'lastProbe';
  await panel.waitForFunction(([i, k]) => window.__corsLens.state()[k]?.id === i, [x.id, last], { timeout: 20000 });
  const answer = await panel.evaluate((k) => window.__corsLens.state()[k], last);
  const log = (await server.log(since)).filter((e) => e.url.startsWith(path));
  return { x, answer, methods: log.map((e) => e.method), shown: await panel.textContent('.probe-result') };
}

/** Resolves once everything the tab sent so far reached the session: a request sent after it is listed (with
 *  DevTools' record of it, when DevTools is open, as DevTools reports requests in the order they finish). */
async function settle({ app, ctl, server }, devtools) {
  const mark = u(`${server.api}${SETTLE}${Date.now().toString(36)}`, '', [['acao', 'echo']]);
  await app.run({ url: mark });
  await waitFor(async () => exchangesFor(await ctl.report(), (x) => x.url === mark && (!devtools || x.type === 'fetch')).length === 1,
    { what: 'the settle request' });
}

/** What the page's list and cost view hold, the settle requests aside: exchange ids and preflight counts. */
async function pageView(ctl) {
  await ctl.panel.evaluate(() => window.__corsLens.refresh());
  const report = await ctl.panel.evaluate(() => window.__corsLens.report());
  return {
    exchanges: report.exchanges.filter((x) => !x.url.includes(SETTLE)).map((x) => `${x.id} ${x.method} ${x.url}`),
    preflights: report.preflight_stats.map((s) => `${s.count} × ${s.method} ${s.url} [${s.request_headers}]`).sort(),
  };
}

/** Runs `act` and checks that the page's list and preflight counts are what they were before it. */
async function leavesNoTrace(t, devtools, act) {
  await settle(t, devtools);
  const before = await pageView(t.ctl);
  assert.ok(before.exchanges.length > 0 && before.preflights.length > 0, JSON.stringify(before));
  await act();
  await settle(t, devtools);
  assert.deepEqual(await pageView(t.ctl), before);
}

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
    // A fragment and a bearer token: CDP reports the fragment apart, so a comparison with it would let the PUT go.
    url.fragment = `${u(`${server.api}/verify/fragment/${tag}`, '', [['acao', 'echo'], ['acam', 'PUT'], ['acah', 'authorization,x-test']])}#section-2`;
    await app.run({ method: 'PUT', headers: [['X-Test', '1'], ['Authorization', `Bearer ${BEARER}`]], url: url.fragment });
    await waitFor(async () => exchangesFor(await ctl.report(), (x) => x.url.includes('/verify/') && x.verdict).length === 4, { what: '4 exchanges' });
  });

  after(async () => {
    if (ext) await ext.close();
    if (server) await server.stop();
  });

  const verify = (target) => clickTool({ ctl, server }, target);

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

  it('a URL with a #fragment and a bearer token: only the OPTIONS reaches the server, never the token', async () => {
    const since = (await server.log()).at(-1)?.seq ?? 0;
    const { x, answer, methods } = await verify(url.fragment);
    assert.match(x.url, /#section-2$/, 'the capture kept the fragment');
    assert.equal(answer.error, undefined, JSON.stringify(answer));
    assert.equal(answer.chrome.outcome, 'passed', JSON.stringify(answer));
    assert.deepEqual(methods, ['OPTIONS'], 'the PUT never reached the server');
    const sent = JSON.stringify(await server.log(since));
    assert.ok(!sent.includes(BEARER), 'the bearer token never reached the server');
  });

  it('a verification offers to give the debugger permission back', async () => {
    // This copy holds the permission as a required one (a headless browser cannot answer the prompt), so
    // Chrome keeps it: the click must say so rather than claim it was given back.
    await ctl.panel.click('#give-back-debugger');
    await ctl.panel.waitForFunction(() => !document.querySelector('#give-back-debugger'));
    assert.match(await ctl.panel.textContent('.probe-result'), /Chrome kept the debugger permission/);
  });

  it('an OPTIONS request is never re-sent', async () => {
    const target = u(`${server.api}/verify/options/${tag}`, '', [['acao', 'echo'], ['acam', 'OPTIONS'], ['acah', 'x-test']]);
    await app.run({ method: 'OPTIONS', headers: [['X-Test', '1']], url: target });
    await waitFor(async () => exchangesFor(await ctl.report(), (x) => x.url === target && x.verdict).length === 1, { what: 'the OPTIONS' });
    const { answer, methods } = await verify(target);
    assert.match(answer.error ?? '', /cannot re-send an OPTIONS/, JSON.stringify(answer));
    assert.deepEqual(methods, []);
  });

  it('the re-sent requests and their preflights are not listed or counted as the page\'s', async () => {
    await leavesNoTrace({ app, ctl, server }, false, async () => {
      for (const target of [url.blocked, url.passes]) assert.equal((await verify(target)).answer.error, undefined);
    });
  });

  it('the live probe, with every tab recorded, is not the page\'s either', async () => {
    await ctl.send({ type: 'settings', record_every_tab: true });
    try {
      await leavesNoTrace({ app, ctl, server }, false, async () => {
        const { answer, methods } = await clickTool({ ctl, server }, url.blocked, 'probe');
        assert.equal(answer.error, undefined, JSON.stringify(answer));
        assert.deepEqual(methods, ['OPTIONS'], 'the probe reached the server');
      });
    } finally {
      await ctl.send({ type: 'settings', record_every_tab: false });
    }
  });
});

describe('extension: Verify with Chrome, DevTools open', { skip }, () => {
  let server;
  let ext;
  let app;
  let ctl;
  let cdp;
  const tag = Date.now().toString(36);

  before(async () => {
    ({ server, ext, app, ctl } = await startRecordedApp({ grantOptional: true, devtools: true }));
    // Headless DevTools windows load their extension pages once a CDP client is connected.
    cdp = await connectCdp(ext.cdpPort);
    await cdp.waitForTarget((t) => t.type === 'iframe' && t.url.endsWith('/extension/devtools.html'));
  });

  after(async () => {
    if (cdp) await cdp.close().catch(() => {});
    if (ext) await ext.close();
    if (server) await server.stop();
  });

  it('DevTools\' records of the re-sent request do not bring it back', async () => {
    const target = u(`${server.api}/verify/devtools/${tag}`, '', [['acao', 'echo'], ['acam', 'PUT'], ['acah', 'x-test'], ['pstatus', '404']]);
    await app.run({ method: 'PUT', headers: [['X-Test', '1']], url: target });
    await waitFor(async () => exchangesFor(await ctl.report(), (x) => x.url === target && x.type === 'fetch').length === 1,
      { what: 'the PUT, with DevTools\' record of it' });
    await leavesNoTrace({ app, ctl, server }, true, async () => {
      const { answer, methods } = await clickTool({ ctl, server }, target);
      assert.equal(answer.chrome?.outcome, 'blocked', JSON.stringify(answer));
      assert.deepEqual(methods, ['OPTIONS']);
    });
  });
});
