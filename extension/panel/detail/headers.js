// The header tables of the preflight and the actual request, with the lines the engine's `marks` name
// (the headers and status the failing check read) highlighted, and the headers it required shown as missing.
import { el, section } from '../dom.js';
import { state } from '../state.js';

export function kvTable(rows, { statusLine, marks = [], markStatus = false, expectMissing = [] } = {}) {
  const set = new Set(marks);
  const body = [];
  if (statusLine) body.push(el('tr', { class: `status${markStatus ? ' mark' : ''}` }, el('td', { class: 'k', text: 'status' }), el('td', { class: 'v', text: statusLine })));
  const seen = new Set();
  for (const [k, v] of rows || []) {
    const lk = String(k).toLowerCase();
    seen.add(lk);
    body.push(el('tr', { class: set.has(lk) ? 'mark' : null, dataset: { header: lk } },
      el('td', { class: 'k', text: k }), el('td', { class: 'v', text: v })));
  }
  for (const name of expectMissing) {
    const lk = name.toLowerCase();
    if (seen.has(lk)) continue;
    body.push(el('tr', { class: 'mark missing', dataset: { header: lk, missing: '1' } },
      el('td', { class: 'k', text: name }), el('td', { class: 'v', text: '(missing)' })));
  }
  if (!body.length) body.push(el('tr', null, el('td', { class: 'k', text: '(none captured)' }), el('td')));
  return el('table', { class: 'kv' }, el('tbody', null, body));
}

/** The table options for one part: marks apply only to the part the failing check read. */
function marked(m, part, { request = false } = {}) {
  if (m?.part !== part) return {};
  if (request) return { marks: m.request };
  return { marks: m.response, markStatus: m.status, expectMissing: m.expect_missing };
}

const column = (title, content) => el('div', { class: 'col' }, el('div', { class: 'title', text: title }), content);

export function renderHeaders(x) {
  const ex = x.exchange || {};
  const req = ex.request || {};
  const m = x.marks;
  const labels = state.report?.labels || {};
  const blocks = [];
  const pf = ex.preflight;
  if (pf) {
    const resp = pf.response;
    blocks.push(el('div', { class: 'headers', dataset: { part: 'preflight' } },
      column(labels.preflight_request ?? '', kvTable(pf.request_headers, marked(m, 'preflight', { request: true }))),
      column(labels.preflight_response ?? '', resp
        ? kvTable(resp.headers, { statusLine: String(resp.status), ...marked(m, 'preflight') })
        : el('p', { class: 'note', text: pf.net_error ? `No response: ${pf.net_error}` : 'No response captured.' }))));
  }
  const resp = ex.response;
  const lastRedirect = (ex.redirects || []).at(-1);
  blocks.push(el('div', { class: 'headers', dataset: { part: 'actual' } },
    column(`Request (${req.method || x.method})`,
      kvTable([...(x.view?.added_request_headers || []), ...(req.headers || [])], marked(m, 'actual', { request: true }))),
    column('Response', resp
      ? kvTable(resp.headers, { statusLine: String(resp.status), ...marked(m, 'actual') })
      : lastRedirect
        ? kvTable(lastRedirect.headers, { statusLine: `${lastRedirect.status} (redirect)`, ...marked(m, 'actual') })
        : el('p', { class: 'note', text: x.view?.response_note || 'No response captured.' }))));
  return section('Headers', ...blocks);
}
