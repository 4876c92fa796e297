// The engine's explanation (crate/src/explain.rs): summary, details, preflight_http {request, response},
// avoid_preflight, findings [{kind, message}], browser_differences, client_fix.
import { el, section } from '../dom.js';

export function renderExplanation(ex) {
  if (!ex) return null;
  if (typeof ex === 'string') return section('Explanation', el('div', { class: 'explanation' }, el('p', { text: ex })));
  const parts = [];
  if (ex.summary) parts.push(el('p', { class: 'summary', text: ex.summary }));
  for (const p of [ex.details, ex.paragraph].filter(Boolean)) parts.push(el('p', { text: p }));
  for (const f of ex.findings || []) {
    parts.push(el('p', { class: 'finding-line' }, el('span', { class: 'finding warn', text: (f.kind || 'note').replaceAll('_', ' ') }), ' ', el('span', { text: f.message || String(f) })));
  }
  if (ex.client_fix) parts.push(el('p', null, el('strong', { text: 'On the client: ' }), el('span', { text: ex.client_fix })));
  const diffs = ex.browser_differences || [];
  if (diffs.length) parts.push(el('details', null, el('summary', { text: 'Browser differences' }), el('ul', { class: 'reasons' }, diffs.map((d) => el('li', { text: d })))));
  for (const s of ex.sections || []) {
    if (typeof s === 'string') { parts.push(el('p', { text: s })); continue; }
    const title = s.title || s.heading;
    if (title) parts.push(el('h4', { text: title }));
    const body = s.body ?? s.text;
    if (body) parts.push(el('p', { text: body }));
  }
  return parts.length ? section('Explanation', el('div', { class: 'explanation' }, parts)) : null;
}

export function renderPreflightHttp(ex) {
  const h = ex?.preflight_http;
  if (!h || !h.request) return null;
  return el('details', { class: 'preflight-http' }, el('summary', { text: 'The preflight as HTTP' }),
    el('pre', { text: h.response ? `${h.request}\n\n${h.response}` : h.request }));
}
