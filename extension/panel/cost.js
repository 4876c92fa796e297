// The preflight cost view: the engine's preflight_stats (one row per request shape the preflight cache keys on)
// and findings, with the engine's words.
import { $, el, fill } from './dom.js';
import { state } from './state.js';

const COLUMNS = ['Preflights', 'Method', 'URL', 'Request headers', 'Max-Age header', 'Cached for', 'Time spent', 'Finding'];

export function renderCost() {
  const r = state.report || {};
  const stats = r.preflight_stats || [];
  const rows = stats.map((s) => el('tr', null,
    el('td', { class: 'num', text: s.count }),
    el('td', { text: s.method }),
    el('td', { class: 'url', text: s.url }),
    el('td', { class: 'mono', text: s.request_headers || '' }),
    el('td', { class: 'mono', text: s.max_age_header ?? '(none)' }),
    el('td', { class: 'num', text: s.max_age_seconds == null ? '' : `${s.max_age_seconds} s` }),
    el('td', { class: 'num', text: s.total_ms == null ? '' : `${Math.round(s.total_ms * 10) / 10} ms` }),
    el('td', null, el('span', { class: `finding ${s.finding === 'ok' ? 'ok' : 'warn'}`, text: s.finding }), ' ', el('span', { text: s.message || '' })),
  ));
  fill($('cost-view'),
    r.labels?.cost_intro ? el('p', { class: 'note', text: r.labels.cost_intro }) : null,
    (r.findings || []).length ? el('ul', { class: 'findings' }, r.findings.map((f) => el('li', { text: f.message || f.kind }))) : null,
    stats.length
      ? el('table', null,
        el('thead', null, el('tr', null, COLUMNS.map((h) => el('th', { text: h })))),
        el('tbody', null, rows))
      : el('p', { class: 'note', text: r.labels?.cost_empty ?? '' }),
  );
}
