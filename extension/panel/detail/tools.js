// The detail's tools: copy the preflight or the request as curl (the engine's `replay`, from the redacted
// exchange), send a live preflight, and "Verify with Chrome" (the optional debugger permission).
import { copyText, el, fill, toast } from '../dom.js';
import { curl } from '../requestText.js';
import { consoleLine, state } from '../state.js';
import { api, send } from '../transport.js';
import { kvTable } from './headers.js';

function copyCurl(x, which) {
  const request = x.replay?.[which === 'preflight' ? 'preflight' : 'actual'];
  if (!request) { toast('Cannot build curl: nothing to replay'); return; }
  copyText(curl(request), `the ${which} as curl`);
}

const ms = (v) => (v == null ? '' : `${Math.round(v * 10) / 10} ms`);

function renderProbe(r, box) {
  const raw = r.raw || {};
  const v = r.verdict;
  const verdictBox = v
    ? el('div', { class: `verdict ${v.allowed ? 'good' : v.error ? 'bad' : 'unknown'}`, dataset: { probeVerdict: '1' } },
      `The live preflight, today: ${v.summary}`)
    : el('div', { class: 'verdict unknown', text: `No verdict: ${r.verdict_error || 'unknown'}` });
  fill(box,
    verdictBox,
    consoleLine(v) ? el('pre', { class: 'console', text: consoleLine(v) }) : null,
    // The engine's words on the probe's verdict (they say when the page would still fail where the probe passed).
    v?.error ? el('p', { class: 'note', dataset: { probeDetails: '1' }, text: v.explanation?.details || '' }) : null,
    el('div', { class: 'headers' },
      el('div', { class: 'col' }, el('div', { class: 'title', text: 'Sent (OPTIONS)' }), kvTable(raw.request_headers || [])),
      el('div', { class: 'col' }, el('div', { class: 'title', text: `Received${raw.duration_ms != null ? ` in ${ms(raw.duration_ms)}` : ''}` }),
        raw.status == null
          ? el('p', { class: 'note', text: raw.error ? `No response: ${raw.error}` : raw.redirected ? 'Redirected (status hidden)' : 'No response' })
          : kvTable(raw.headers || [], { statusLine: raw.status_line || String(raw.status) }))),
    el('p', { class: 'note', text: 'Only the OPTIONS was sent, with the page\u2019s Origin; the actual request was not.' }),
  );
}

async function liveProbe(x, box, button) {
  button.disabled = true;
  fill(box, el('p', { class: 'note', text: `Sending OPTIONS ${x.url} …` }));
  try {
    // The id lets the background re-send to the URL as captured (the panel's copy is redacted).
    const r = await send({ type: 'probe', id: x.id, exchange: x.exchange, unsafe_header_names: x.verdict?.unsafe_header_names || [] });
    state.lastProbe = { id: x.id, ...r };
    renderProbe(r, box);
  } catch (e) {
    state.lastProbe = { id: x.id, error: String(e.message || e) };
    fill(box, el('p', { class: 'verdict bad', text: `Probe failed: ${e.message || e}` }));
  } finally {
    button.disabled = false;
  }
}

const TONE_CLASS = { good: 'good', bad: 'bad', unknown: 'unknown' };

/** Chrome's answer as the engine reads it (`reading`: {headline, tone, details}). */
function renderVerify(r, box) {
  const reading = r.reading || {};
  fill(box,
    el('div', { class: `verdict ${TONE_CLASS[reading.tone] || 'unknown'}`, dataset: { verifyOutcome: r.chrome?.outcome || '' } }, reading.headline || ''),
    r.chrome?.console ? el('pre', { class: 'console', text: r.chrome.console }) : null,
    (reading.details || []).map((t) => el('p', { class: 'note', text: t })),
    el('p', { class: 'note', text: 'Chrome shows a "started debugging this browser" bar while it verifies; close it when you like.' }),
    giveBackButton(),
  );
}

// The debugger permission is only needed for the moment of a verification: the user can hand it back at once.
function giveBackButton() {
  const button = el('button', { type: 'button', id: 'give-back-debugger', text: 'Give back the debugger permission' });
  button.addEventListener('click', async () => {
    const removed = await api.permissions.remove({ permissions: ['debugger'] }).catch(() => false);
    button.replaceWith(el('p', { class: 'note', text: removed ? 'The debugger permission was given back; Verify with Chrome asks again next time.' : 'Chrome kept the debugger permission.' }));
  });
  return button;
}

// "Verify with Chrome": the optional debugger permission is asked for here, in the click's user gesture.
async function verifyWithChrome(x, box, button) {
  button.disabled = true;
  try {
    const granted = await api.permissions.request({ permissions: ['debugger'] });
    if (!granted) {
      fill(box, el('p', { class: 'note', text: 'Not verified: the debugger permission was declined.' }));
      return;
    }
    fill(box, el('p', { class: 'note', text: `Chrome is sending ${x.method} ${x.url} from the page (only its preflight can reach the server) …` }));
    const r = await send({ type: 'verify', id: x.id }, { timeout: 30000 });
    state.lastVerify = { id: x.id, ...r };
    renderVerify(r, box);
  } catch (e) {
    state.lastVerify = { id: x.id, error: String(e.message || e) };
    fill(box, el('p', { class: 'verdict bad', text: `Could not verify: ${e.message || e}` }));
  } finally {
    button.disabled = false;
  }
}

/**
 * The Tools section's buttons; `probeBox` (kept across re-renders of the same exchange) receives the answers.
 * `exportReport(format, ids)` exports this exchange.
 */
export function toolButtons(x, probeBox, exportReport) {
  const v = x.verdict || {};
  const probe = el('button', { type: 'button', id: 'probe', text: 'Send a live preflight', disabled: !v.preflight_required,
    title: v.preflight_required ? 'Send one OPTIONS with this page\u2019s Origin, method and headers (not the actual request) and check the answer' : 'This request needs no preflight' });
  probe.addEventListener('click', () => liveProbe(x, probeBox, probe));
  // Chromium only: Firefox has no debugger API (runtime.getBrowserInfo is Firefox's own).
  const verify = el('button', { type: 'button', id: 'verify', text: 'Verify with Chrome', hidden: !api.permissions || !!api.runtime.getBrowserInfo,
    title: 'Chrome itself sends this request from the page under its debugger, stopping the actual request before it leaves: its own CORS verdict, no side effect. Asks for the debugger permission.' });
  verify.addEventListener('click', () => verifyWithChrome(x, probeBox, verify));
  return el('div', { class: 'actions' },
    el('button', { type: 'button', id: 'curl-preflight', text: 'Copy preflight as curl', disabled: !x.replay?.preflight, onclick: () => copyCurl(x, 'preflight') }),
    el('button', { type: 'button', id: 'curl-actual', text: 'Copy request as curl', disabled: !x.replay, onclick: () => copyCurl(x, 'request') }),
    probe,
    verify,
    el('button', { type: 'button', text: 'Export JSON', onclick: () => exportReport('json', [x.id]) }),
    el('button', { type: 'button', text: 'Export Markdown', onclick: () => exportReport('markdown', [x.id]) }));
}
