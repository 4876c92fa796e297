// The preflight cost view: the engine's totals, findings and rows (preflight_stats) grouped by URL pattern
// (preflight_groups), every word from the engine (the rows' labels and messages, report.labels). A row's URL
// links to the first of its requests (the row's exchange_ids) in the Requests view.
import { select } from './detail/index.js';
import { $, el, fill } from './dom.js';
import { state } from './state.js';
import { setView } from './toolbar.js';

const ms = (v) => `${Math.round(v * 10) / 10} ms`;

function showRequest(event, id) {
  event.preventDefault();
  setView('failures');
  select(id);
}

function url(s, labels) {
  const first = s.exchange_ids?.[0];
  if (!first) return el('td', { class: 'url', text: s.url });
  return el('td', { class: 'url' },
    el('a', { href: '#', class: 'cost-link', title: labels.cost_link, dataset: { exchange: first }, text: s.url, onclick: (e) => showRequest(e, first) }));
}

function row(s, labels) {
  return el('tr', { class: 'cost-row' },
    el('td', { class: 'num', text: s.count }),
    el('td', { text: s.method }),
    url(s, labels),
    el('td', { class: 'mono', text: s.request_headers }),
    el('td', { class: 'mono', text: s.max_age_header ?? labels.cost_no_header }),
    el('td', { class: 'num', text: `${s.max_age_seconds} s` }),
    el('td', { class: 'num', text: ms(s.total_ms) }),
    el('td', null, el('span', { class: `finding ${s.bad ? 'warn' : 'ok'}`, text: s.label }), ' ', el('span', { text: s.message })),
  );
}

function group(g, stats, labels) {
  const columns = labels.cost_columns.length;
  return el('tbody', { class: 'cost-group', dataset: { pattern: g.pattern } },
    el('tr', { class: `group${g.bad ? ' bad' : ''}` },
      el('td', { class: 'num', text: g.preflights }),
      el('td', { class: 'url', colspan: columns - 3 }, el('span', { text: g.pattern }), ' ', el('span', { class: 'dim', text: g.text })),
      el('td', { class: 'num', text: ms(g.total_ms) }),
      el('td')),
    g.rows.map((i) => row(stats[i], labels)));
}

export function renderCost() {
  const r = state.report || {};
  const labels = r.labels || {};
  const stats = r.preflight_stats || [];
  fill($('cost-view'),
    labels.cost_intro ? el('p', { class: 'note', text: labels.cost_intro }) : null,
    stats.length ? el('p', { class: 'cost-totals', text: r.preflight_totals.text }) : null,
    (r.findings || []).length ? el('ul', { class: 'findings' }, r.findings.map((f) => el('li', { text: f.message }))) : null,
    stats.length
      ? el('table', null,
        el('thead', null, el('tr', null, labels.cost_columns.map((h) => el('th', { text: h })))),
        r.preflight_groups.map((g) => group(g, stats, labels)))
      : el('p', { class: 'note', text: labels.cost_empty ?? '' }),
  );
}
