// The framework matrix: nine real CORS failures, each provoked on a real framework server, observed
// in real Chromium (console line + CDP), diagnosed by the engine, fixed with the engine's snippet and
// checked again in Chromium, with the requests the broken server already allowed. One call of
// runCell() is one framework x failure.
//
// What Chromium saw is always the expectation: the engine must agree with CDP's corsError and with
// Chromium's console line byte for byte; nothing here hard-codes a console line.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { cdpCompact, isCorsLine, isPreflightEvent } from '../e2e/lib/browser.mjs';
import { AUTH_VALUE, freePort, WORK } from './lib.mjs';

const JSON_BODY = '{"n":1}';
const PUT_JSON = { method: 'PUT', headers: [['Content-Type', 'application/json']], body: JSON_BODY };
const GET = { name: 'a GET', request: (url) => ({ method: 'GET', url }) };

/** Seconds Chromium keeps a preflight without Max-Age; the no-max-age re-check waits longer than this. */
export const CHROMIUM_DEFAULT_MAX_AGE_S = 5;
export const RECHECK_AFTER_MS = 6000;

/**
 * The nine failures. `request(url)` is the page-side window.run spec (url = the server's /api/submit);
 * `broken` says what the adapter's broken configuration must do (adapters implement it in the
 * framework's own terms); `blocked` is whether Chromium blocks the broken request.
 * `worked`: requests the broken server already allows (each { name, request(url), from: 'app' | 'other'
 * page origin, default app }). Each must succeed against the broken server first and again against the
 * fixed one: a fix must not break them. Empty where nothing cross-origin could succeed before (every
 * request of those failures needs the missing preflight answer or the missing header).
 */
export const FAILURES = [
  { id: 'no-options-handler', blocked: true,
    broken: 'CORS headers only on the PUT route; nothing answers OPTIONS (404/405, or the framework\'s automatic OPTIONS reply without CORS headers)',
    request: (url) => ({ ...PUT_JSON, url }), worked: [] },
  { id: 'options-auth', blocked: true, auth: true,
    broken: 'correct CORS configuration, but authentication runs before it and rejects the preflight with 401 (preflights never carry credentials)',
    request: (url) => ({ method: 'PUT', headers: [['Authorization', AUTH_VALUE], ['Content-Type', 'application/json']], body: JSON_BODY, url }),
    worked: [] },
  { id: 'missing-acao', blocked: true,
    broken: 'no CORS support at all',
    request: (url) => ({ method: 'GET', url }), worked: [] },
  { id: 'wildcard-credentials', blocked: true,
    broken: 'Access-Control-Allow-Origin: * (with Access-Control-Allow-Credentials: true) on a credentialed request',
    request: (url) => ({ method: 'GET', credentials: 'include', url }),
    // `*` served every origin without credentials; the fix names origins (and says so in a note), so
    // other origins are not checked here.
    worked: [{ name: 'a GET without credentials', request: (url) => ({ method: 'GET', credentials: 'omit', url }) }] },
  { id: 'header-not-allowed', blocked: true,
    broken: 'CORS allows only Content-Type; the page sends X-Api-Key',
    request: (url) => ({ ...PUT_JSON, headers: [...PUT_JSON.headers, ['X-Api-Key', 'k']], url }),
    worked: [{ name: 'a PUT JSON without X-Api-Key', request: (url) => ({ ...PUT_JSON, url }) }, GET] },
  { id: 'method-not-allowed', blocked: true,
    broken: 'CORS allows GET, POST; the page sends DELETE',
    request: (url) => ({ method: 'DELETE', url }),
    worked: [{ name: 'a POST JSON (preflighted)', request: (url) => ({ ...PUT_JSON, method: 'POST', url }) }, GET] },
  { id: 'no-max-age', blocked: false,
    broken: 'correct CORS, but no Access-Control-Max-Age: Chromium re-sends the preflight after 5 s',
    request: (url) => ({ ...PUT_JSON, url }), worked: [GET] },
  { id: 'any-origin-header', blocked: true,
    broken: 'Access-Control-Allow-Origin: * without credentials, and CORS allows only Content-Type; the page sends X-Api-Key',
    request: (url) => ({ ...PUT_JSON, headers: [...PUT_JSON.headers, ['X-Api-Key', 'k']], url }),
    // `*` let every origin in: a fix that named the page's origin alone would lock the other one out.
    worked: [{ name: 'a PUT JSON without X-Api-Key', request: (url) => ({ ...PUT_JSON, url }) },
      { name: 'a PUT JSON without X-Api-Key from the other origin', from: 'other', request: (url) => ({ ...PUT_JSON, url }) }] },
  { id: 'second-origin', blocked: true,
    broken: 'correct CORS for the other origin only: Access-Control-Allow-Origin names it, whoever asks',
    request: (url) => ({ ...PUT_JSON, url }),
    worked: [{ name: 'the same PUT JSON from the other origin', from: 'other', request: (url) => ({ ...PUT_JSON, url }) }] },
];

export const FAILURE_IDS = FAILURES.map((f) => f.id);

// ---------------------------------------------------------------------------------------------
// The exchange, from what CDP reported (the framework servers keep no log of their own).

/** `HTTP/1.1 204 No Content\r\nName: value\r\n...` -> [[name, value], ...] in wire order. */
export function parseHeadersText(text) {
  const lines = String(text).split('\r\n');
  const out = [];
  for (const line of lines.slice(1)) {
    if (!line) continue;
    const i = line.indexOf(':');
    if (i <= 0) continue;
    out.push([line.slice(0, i), line.slice(i + 1).replace(/^[ \t]+/, '').replace(/[ \t]+$/, '')]);
  }
  return out;
}

/** CDP header objects join repeated names with '\n'. */
function objectPairs(obj) {
  const out = [];
  for (const [k, v] of Object.entries(obj || {})) for (const part of String(v).split('\n')) out.push([k, part]);
  return out;
}

function responseFrom(extra, received) {
  if (extra) {
    return { status: extra.statusCode, headers: extra.headersText ? parseHeadersText(extra.headersText) : objectPairs(extra.headers) };
  }
  if (received) return { status: received.response.status, headers: objectPairs(received.response.headers) };
  return null;
}

/**
 * Split one scenario's CDP events into the actual request and its preflight(s).
 * Returns { actualId, preflights: [{ id, request, requestExtra, responseExtra, response, failed }], ... }.
 */
export function cdpRequests(events) {
  const by = (name, id) => events.filter((e) => e.event === name && e.params.requestId === id).map((e) => e.params);
  const sent = events.filter((e) => e.event === 'Network.requestWillBeSent');
  const actual = sent.find((e) => !isPreflightEvent(e.params))?.params ?? null;
  const preflightIds = [...new Set(sent.filter((e) => isPreflightEvent(e.params)).map((e) => e.params.requestId))];
  const view = (id) => ({
    id,
    request: by('Network.requestWillBeSent', id)[0] ?? null,
    requestExtra: by('Network.requestWillBeSentExtraInfo', id)[0] ?? null,
    responseExtra: by('Network.responseReceivedExtraInfo', id).at(-1) ?? null,
    response: by('Network.responseReceived', id).at(-1) ?? null,
    failed: by('Network.loadingFailed', id)[0] ?? null,
  });
  return { actual: actual ? view(actual.requestId) : null, preflights: preflightIds.map(view) };
}

/** Fetch's method normalization: only these six are upper-cased. */
function normalizeMethod(m) {
  const up = String(m).toUpperCase();
  return ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'].includes(up) ? up : String(m);
}

/**
 * The engine's Exchange (crate/src/exchange.rs) for one fetch() made by the page: the request as the
 * script made it; the preflight and the response as CDP reported them on the wire (raw headers from
 * the ExtraInfo events, in wire order when CDP gives headersText).
 */
export function exchangeFromCdp({ spec, origin, events, result }) {
  const { actual, preflights } = cdpRequests(events);
  const pf = preflights[0] ?? null;
  const exchange = {
    request: {
      method: actual?.request?.request?.method ?? normalizeMethod(spec.method || 'GET'),
      url: actual?.request?.request?.url ?? spec.url,
      origin,
      credentials_mode: spec.credentials || 'same-origin',
      headers: (spec.headers || []).map(([k, v]) => [String(k), String(v)]),
      mode: spec.mode || 'cors',
      redirect_mode: spec.redirect || 'follow',
      client: 'fetch',
    },
    preflight: null,
    redirects: [],
    response: null,
    outcome: result.ok ? 'succeeded' : 'failed',
  };
  if (pf) {
    exchange.preflight = {
      request_headers: objectPairs(pf.requestExtra?.headers ?? pf.request?.request?.headers),
      response: responseFrom(pf.responseExtra, pf.response),
    };
    if (!exchange.preflight.response && pf.failed?.errorText && !pf.failed.corsErrorStatus) {
      exchange.preflight.net_error = pf.failed.errorText;
    }
  }
  if (actual) exchange.response = responseFrom(actual.responseExtra, actual.response);
  return exchange;
}

/** CDP's verdict on the actual request: { corsError, failedParameter, errorText }. */
export function cdpError(events) {
  const { actual } = cdpRequests(events);
  const failed = actual?.failed;
  return {
    corsError: failed?.corsErrorStatus?.corsError ?? null,
    failedParameter: failed?.corsErrorStatus?.failedParameter ?? null,
    errorText: failed?.errorText ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// The engine.

function engine(bin, args, input) {
  const r = spawnSync(bin, args, { input, encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.error) throw new Error(`${bin} ${args.join(' ')}: ${r.error}`);
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout);
}

// ---------------------------------------------------------------------------------------------
// One cell.

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function corsLine(obs) {
  return obs.console.filter((m) => m.type === 'error').map((m) => m.text).find(isCorsLine) ?? null;
}

function preflightCount(events) {
  return cdpRequests(events).preflights.length;
}

/**
 * One request from a page on another origin of the two-origin server (a second tab of the same
 * browser): { result, chromium_line }. The cell's CDP recording stays on its own page.
 */
async function runFromPage(browser, pageOrigin, spec) {
  const page = await browser.page.context().newPage();
  const lines = [];
  page.on('console', (m) => { if (m.type() === 'error' && isCorsLine(m.text())) lines.push(m.text()); });
  try {
    await page.goto(`${pageOrigin}/`);
    await page.waitForFunction(() => window.ready === true);
    const result = await page.evaluate((s) => window.run(s), spec);
    return { result, chromium_line: lines[0] ?? null };
  } finally {
    await page.close();
  }
}

/**
 * The URL a cell's requests go to on one of its servers: the cell and the server in the query, since the browsers
 * serve many cells and the OS hands out ports again, so a preflight Chromium cached for another server would
 * otherwise answer for this one (a run of 153 cells gave 5 ports to two servers each, and two no-max-age cells saw
 * no preflight).
 */
function submitUrl(server, adapter, failure, phase) {
  return `${server.baseUrl}/api/submit?cell=${adapter.id}--${failure.id}--${phase}`;
}

/**
 * The failure's `worked` requests against one server, each on a URL of its own (`&worked=N`) so that no
 * preflight cached from another request answers for it. Returns [{ name, from, spec, ok, status, error,
 * chromium_line }]; ok = the request completed with 200.
 */
async function runWorked({ failure, browser, url, otherOrigin }) {
  const out = [];
  for (const [i, w] of failure.worked.entries()) {
    const spec = { client: 'fetch', ...w.request(`${url}&worked=${i}`) };
    const from = w.from ?? 'app';
    let run;
    if (from === 'other') run = await runFromPage(browser, otherOrigin, spec);
    else { const obs = await browser.run(spec); run = { result: obs.result, chromium_line: corsLine(obs) }; }
    out.push({ name: w.name, from, spec, ok: run.result.ok === true && run.result.status === 200, status: run.result.status,
      error: run.result.error ?? null, chromium_line: run.chromium_line });
  }
  return out;
}

const describeRun = (r) => `${r.name} (from ${r.from}): ${r.chromium_line ?? r.error ?? `status ${r.status}`}`;

/** The part of a run worth keeping in the artifact. */
function runRecord(spec, obs) {
  return { spec, result: { ok: obs.result.ok, status: obs.result.status, error: obs.result.error ?? null },
    chromium_line: corsLine(obs), cdp: cdpError(obs.cdp), preflights: preflightCount(obs.cdp), cdp_events: cdpCompact(obs.cdp) };
}

/**
 * Run one framework x failure: broken server -> Chromium -> engine -> fix -> fixed server -> Chromium,
 * then the requests that worked before, on the fixed server.
 * browser: a launch() from tests/e2e/lib/browser.mjs whose page is on the two-origin app origin;
 * otherOrigin: the two-origin server's other origin (it serves the same test page).
 * Returns the cell record (never throws; errors are recorded in `error`). `kept` is true when every
 * request the broken server allowed still succeeds with the fixed one, null when there were none.
 */
export async function runCell({ adapter, failure, browser, otherOrigin, bin, log = () => {} }) {
  const cell = { framework: adapter.id, failure: failure.id, diagnosed: false, fixed: false, kept: false,
    diagnosis: null, fix: null, broken: null, fixed_run: null, recheck: null, worked_broken: null, worked_fixed: null,
    error: null, ms: 0 };
  const t0 = Date.now();
  const appOrigin = browser.origin;
  const cellDir = path.join(WORK, 'cells', `${adapter.id}--${failure.id}`);
  fs.rmSync(cellDir, { recursive: true, force: true });
  let server = null;
  const stop = async () => { if (server) { const s = server; server = null; await s.stop(); } };
  try {
    // 1. The broken server, and what Chromium makes of it.
    let port = await freePort();
    let workdir = path.join(cellDir, 'broken');
    fs.mkdirSync(workdir, { recursive: true });
    server = await adapter.start({ failure: failure.id, fixSnippet: null, port, appOrigin, otherOrigin, workdir });
    const spec = { client: 'fetch', ...failure.request(submitUrl(server, adapter, failure, 'broken')) };
    const obs = await browser.run(spec);
    // What worked before must really have worked, or the "still works" check below proves nothing.
    cell.worked_broken = await runWorked({ failure, browser, url: spec.url, otherOrigin });
    await stop();
    cell.broken = runRecord(spec, obs);
    const exchange = exchangeFromCdp({ spec, origin: appOrigin, events: obs.cdp, result: obs.result });
    cell.exchange = exchange;
    const shouldBlock = failure.blocked;
    if (obs.result.ok === shouldBlock) {
      throw new Error(`the broken ${adapter.id} server did not reproduce ${failure.id}: the request ${obs.result.ok ? 'succeeded' : 'was blocked'}`
        + ` (${cell.broken.chromium_line ?? 'no CORS console line'})`);
    }
    const notWorking = cell.worked_broken.filter((r) => !r.ok);
    if (notWorking.length) {
      throw new Error(`the broken ${adapter.id} server does not allow what ${failure.id} says worked before: ${notWorking.map(describeRun).join('; ')}`);
    }

    // 2. The engine's diagnosis.
    const verdict = engine(bin, ['check', '-'], JSON.stringify(exchange));
    cell.verdict = verdict;
    const d = { cdp_error: cell.broken.cdp.corsError, engine_error: verdict.error ?? null,
      chromium_line: cell.broken.chromium_line, engine_line: verdict.console?.chromium ?? null,
      max_age_reading: verdict.max_age?.chromium?.reading ?? null, problems: [] };
    if (shouldBlock) {
      if (!d.cdp_error) d.problems.push('CDP reported no corsError');
      if (!d.chromium_line) d.problems.push('Chromium printed no CORS console line');
      if (d.engine_error !== d.cdp_error) d.problems.push(`verdict.error ${d.engine_error} != CDP ${d.cdp_error}`);
      if (d.engine_line !== d.chromium_line) d.problems.push('verdict.console.chromium differs from Chromium\'s line');
    } else {
      if (verdict.allowed !== true) d.problems.push(`verdict.allowed is ${verdict.allowed}`);
      if (d.max_age_reading !== 'missing') d.problems.push(`max_age.chromium.reading is ${d.max_age_reading}, not missing`);
      if (cell.broken.preflights !== 1) d.problems.push(`expected 1 preflight, CDP saw ${cell.broken.preflights}`);
    }
    // Two layers (layers.mjs): the explanation names the layer the response proves wrote it.
    const author = failure.answeredBy ? adapter.layers?.[failure.answeredBy] : null;
    if (failure.answeredBy) {
      const named = verdict.explanation?.responder?.answered_by?.name ?? null;
      if (named !== author) d.problems.push(`the explanation names ${named ?? 'no layer'} as the author, not ${author}`);
      else if (!verdict.explanation.details.includes(named)) d.problems.push(`the explanation's details do not name ${named}`);
    }
    cell.diagnosis = d;
    cell.diagnosed = d.problems.length === 0;

    // 3. The fix (a two-layer adapter asks for the proxy's: `fixWith`).
    const fix = engine(bin, ['fix', adapter.fixWith ?? adapter.id, '-'], JSON.stringify(exchange));
    cell.fix = fix;

    // 4. The fixed server: same routes and auth, the snippet in place of the broken CORS configuration.
    port = await freePort();
    workdir = path.join(cellDir, 'fixed');
    fs.mkdirSync(workdir, { recursive: true });
    server = await adapter.start({ failure: failure.id, fixSnippet: fix.snippet, port, appOrigin, otherOrigin, workdir });
    const spec2 = { client: 'fetch', ...failure.request(submitUrl(server, adapter, failure, 'fixed')) };
    const obs2 = await browser.run(spec2);
    cell.fixed_run = runRecord(spec2, obs2);
    const problems = [];
    const fixedStatus = failure.fixedStatus === 'same' ? exchange.response?.status : (failure.fixedStatus ?? 200);
    if (!obs2.result.ok) problems.push(`the fixed request failed: ${cell.fixed_run.chromium_line ?? obs2.result.error}`);
    else if (obs2.result.status !== fixedStatus) problems.push(`the fixed request answered ${obs2.result.status}, not ${fixedStatus}`);
    if (author && !fix.layer_note?.includes(author)) problems.push(`the fix's layer note does not name ${author}`);
    if (failure.otherLayer && !fix.other_layer) problems.push('the fix does not say what the other layer must change');
    if (failure.id === 'no-max-age' && obs2.result.ok) {
      // Beyond Chromium's 5 s default, inside the new Max-Age: the cached preflight must be reused.
      await sleep(RECHECK_AFTER_MS);
      const obs3 = await browser.run(spec2);
      cell.recheck = runRecord(spec2, obs3);
      if (!obs3.result.ok) problems.push(`the repeated request failed: ${cell.recheck.chromium_line ?? obs3.result.error}`);
      if (cell.fixed_run.preflights !== 1) problems.push(`the first fixed request sent ${cell.fixed_run.preflights} preflights, expected 1`);
      if (cell.recheck.preflights !== 0) problems.push(`the request repeated after ${RECHECK_AFTER_MS / 1000} s sent ${cell.recheck.preflights} new OPTIONS`);
    }
    // 5. Nothing that worked before breaks.
    cell.worked_fixed = await runWorked({ failure, browser, url: spec2.url, otherOrigin });
    await stop();
    cell.fix_problems = problems;
    cell.fixed = problems.length === 0;
    cell.kept_problems = cell.worked_fixed.filter((r) => !r.ok).map((r) => `no longer works: ${describeRun(r)}`);
    cell.kept = failure.worked.length === 0 ? null : cell.kept_problems.length === 0;
  } catch (e) {
    cell.error = e && e.stack ? e.stack : String(e);
  } finally {
    await stop().catch(() => {});
    cell.ms = Date.now() - t0;
    const kept = cell.kept === null ? 'nothing to keep' : `kept ${cell.kept ? 'ok' : 'NO'}`;
    log(`${cell.framework} x ${cell.failure}: diagnosed ${cell.diagnosed ? 'ok' : 'NO'}, fixed ${cell.fixed ? 'ok' : 'NO'}, ${kept} (${cell.ms} ms)`);
  }
  return cell;
}
