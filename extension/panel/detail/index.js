// The detail of one exchange, fix first: the verdict in one sentence, the fix with Copy, the actions that check
// it (live preflight, Verify, curl), then the evidence in sub-tabs (console line and explanation, timeline,
// headers, why a preflight). Rebuilt only when what it shows changed (keeps the scroll position and a probe result).
import { $, copyText, el, fill, section } from '../dom.js';
import { scheduleRows } from '../list.js';
import { consoleLine, state } from '../state.js';
import { exportReport } from '../toolbar.js';
import { renderExplanation, renderPreflightHttp } from './explanation.js';
import { renderFixSlot } from './fix.js';
import { renderHeaders, revealable } from './headers.js';
import { evidenceTabs } from './evidence.js';
import { renderTimeline } from './timeline.js';
import { toolButtons } from './tools.js';

let shownSig = null;

function detailSig(x) {
  const v = x.verdict || {};
  return JSON.stringify([x.id, x.status, x.failed, x.preflight, x.truncated, x.source, v.error, v.console, v.explanation,
    x.exchange?.response, x.exchange?.preflight?.response, x.exchange?.redirects?.length]);
}

export function closeDetail() {
  state.selectedId = null;
  shownSig = null;
  $('detail').hidden = true;
  fill($('detail'));
  $('requests-view').classList.remove('with-detail');
  scheduleRows();
}

export function select(id) {
  const x = (state.report?.exchanges || []).find((e) => e.id === id);
  if (!x) return;
  state.selectedId = id;
  renderDetail(x, { keepProbe: false });
  scheduleRows();
}

/** After a new report: close the detail if its exchange is gone, re-render it if it changed. */
export function syncDetail() {
  const sel = state.selectedId && (state.report?.exchanges || []).find((x) => x.id === state.selectedId);
  if (!sel) closeDetail();
  else if (detailSig(sel) !== shownSig) renderDetail(sel, { keepProbe: true });
}

/** What the capture could not keep whole, or saw only through DevTools. */
function captureNotes(x) {
  const notes = [];
  if (x.truncated) notes.push(el('p', { class: 'note capture-note' }, el('span', { class: 'badge cut', text: 'truncated' }), ' A URL or header value was cut at 8 KiB when captured.'));
  const mark = x.view?.source_mark;
  if (mark) notes.push(el('p', { class: 'note capture-note' }, el('span', { class: 'badge imported', text: mark.badge }), ` ${mark.text}`));
  if (x.source === 'devtools') notes.push(el('p', { class: 'note capture-note' }, el('span', { class: 'badge', text: 'DevTools' }), ' From DevTools\u2019 Network panel records (its HAR entry): what DevTools showed for this request.'));
  return notes;
}

const BROWSERS = [['chromium', 'Chromium'], ['firefox', 'Firefox'], ['safari', 'Safari']];

/**
 * The line of the browser whose rules made the verdict first (the one this panel runs in), then the others'.
 * `copies`: the engine's lines as the Copy button puts them on the clipboard (masked as an export is).
 */
function consoleLines(v, copies) {
  const mine = v.browser ?? 'chromium';
  const [, title] = BROWSERS.find(([key]) => key === mine) ?? BROWSERS[0];
  const line = consoleLine(v);
  const others = BROWSERS.filter(([key]) => key !== mine).map(([key, name]) => [name, v.console?.[key]]).filter(([, t]) => t);
  return [
    line ? section(`Console (${title})`, el('pre', { class: 'console', id: 'console-line', text: line }),
      el('div', { class: 'actions' }, el('button', { type: 'button', text: 'Copy console line', onclick: () => copyText(consoleLine({ ...v, console: copies?.console }), 'the console line') }))) : null,
    others.length ? el('details', null, el('summary', { text: 'Other browsers' }), others.map(([b, t]) => el('div', null, el('div', { class: 'note', text: b }), el('pre', { text: t })))) : null,
  ];
}

function whyPreflight(v) {
  if (!v.preflight_required || !(v.preflight_reasons || []).length) return null;
  return [
    section('Why a preflight', el('ul', { class: 'reasons' }, v.preflight_reasons.map((r) => el('li', { text: r }))),
      v.explanation?.avoid_preflight ? el('p', { class: 'note', text: v.explanation.avoid_preflight }) : null),
    renderPreflightHttp(v.explanation),
  ];
}

/** Fix first (what the user came for), then the actions that check it, then the evidence in sub-tabs. */
function renderDetail(x, { keepProbe }) {
  const d = $('detail');
  const oldProbe = keepProbe ? d.querySelector('.probe-result') : null;
  const v = x.verdict || {};
  const probeBox = oldProbe || el('div', { class: 'probe-result' });
  const fixBox = el('div', { class: 'fix' });
  const warnings = (v.warnings || []).length ? section('Warnings', el('ul', { class: 'reasons' }, v.warnings.map((w) => el('li', { text: w })))) : null;
  const explanation = [...consoleLines(v, x.copies), renderExplanation(v.explanation), warnings].filter(Boolean);

  fill(d,
    el('div', { class: 'top' },
      el('h2', null, `${x.method} `, revealable(x.kept_aside, null, x.url)),
      el('button', { type: 'button', id: 'close-detail', text: '✕', title: 'Close (Esc)', 'aria-label': 'Close detail', onclick: () => closeDetail() })),
    el('div', { class: 'meta', text: [x.view?.status || null, x.view?.type || null, x.initiator ? `from ${x.initiator}` : null, x.started ? new Date(x.started).toLocaleTimeString() : null].filter(Boolean).join(' · ') }),
    captureNotes(x),
    el('div', { class: `verdict ${v.allowed ? 'good' : v.error ? 'bad' : 'unknown'}`, id: 'verdict', text: x.view?.headline ?? '' }),
    x.failed ? section('Fix', fixBox) : el('p', { class: 'note', text: x.view?.fix_note ?? '' }),
    el('div', { class: 'check' }, toolButtons(x, probeBox, exportReport), probeBox),
    evidenceTabs([
      { id: 'explanation', title: 'Explanation', content: explanation.length ? explanation : null },
      { id: 'timeline', title: 'Timeline', content: renderTimeline(x) },
      { id: 'headers', title: 'Headers', content: renderHeaders(x) },
      { id: 'preflight', title: 'Why a preflight', content: whyPreflight(v) },
    ]),
  );
  if (x.failed) renderFixSlot(x, fixBox);
  shownSig = detailSig(x);
  d.hidden = false;
  $('requests-view').classList.add('with-detail');
}
