// The engine's explanation (crate/src/explain.rs): summary, details, preflight_http {request, response},
// avoid_preflight, findings [{kind, title, message, side}], browser_differences, client_fix.
import { el, section } from '../dom.js';

export function renderExplanation(ex) {
  if (!ex) return null;
  const parts = [];
  if (ex.summary) parts.push(el('p', { class: 'summary', text: ex.summary }));
  if (ex.details) parts.push(el('p', { text: ex.details }));
  // The findings about the cause first; the engine marks the others (caching, readable headers) as side notes.
  const finding = (f) => el('p', { class: `finding-line${f.side ? ' side' : ''}` },
    el('span', { class: `finding ${f.side ? 'note' : 'warn'}`, text: f.title || '' }), ' ', el('span', { text: f.message || '' }));
  const findings = ex.findings || [];
  parts.push(...findings.filter((f) => !f.side).map(finding));
  const side = findings.filter((f) => f.side);
  if (side.length) parts.push(el('div', { class: 'side-findings' }, el('div', { class: 'note', text: 'Also noticed' }), side.map(finding)));
  if (ex.client_fix) parts.push(el('p', null, el('strong', { text: 'On the client: ' }), el('span', { text: ex.client_fix })));
  const diffs = ex.browser_differences || [];
  if (diffs.length) parts.push(el('details', null, el('summary', { text: 'Browser differences' }), el('ul', { class: 'reasons' }, diffs.map((d) => el('li', { text: d })))));
  return parts.length ? section('Explanation', el('div', { class: 'explanation' }, parts)) : null;
}

export function renderPreflightHttp(ex) {
  const h = ex?.preflight_http;
  if (!h || !h.request) return null;
  return el('details', { class: 'preflight-http' }, el('summary', { text: 'The preflight as HTTP' }),
    el('pre', { text: h.response ? `${h.request}\n\n${h.response}` : h.request }));
}
