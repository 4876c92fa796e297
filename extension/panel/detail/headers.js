// The header tables of the preflight and the actual request, with the lines the engine's `marks` name
// (the headers and status the failing check read) highlighted, and the headers it required shown as missing.
import { el, section } from '../dom.js';
import { state } from '../state.js';

/**
 * What the engine masked and kept aside (`x.kept_aside`: {header, shown, value}) for `shown` (a header's value,
 * or with `header` null a URL): a masked value that shows the captured one on a click, or the text as it is.
 */
export function revealable(kept, header, shown) {
  const lower = header?.toLowerCase();
  const k = (kept || []).find((e) => e.shown === shown && (e.header == null ? header == null : e.header.toLowerCase() === lower));
  if (!k) return shown;
  const span = el('span', { class: 'masked', role: 'button', tabindex: '0', title: 'Masked: click to reveal', text: shown });
  const reveal = () => {
    span.textContent = k.value;
    span.className = 'revealed';
    span.removeAttribute('role');
    span.removeAttribute('tabindex');
    span.title = 'Shown here only: exports and copies keep it masked';
  };
  span.addEventListener('click', reveal, { once: true });
  span.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); reveal(); } }, { once: true });
  return span;
}

export function kvTable(rows, { statusLine, marks = [], markStatus = false, expectMissing = [], kept = [] } = {}) {
  const set = new Set(marks);
  const body = [];
  if (statusLine) body.push(el('tr', { class: `status${markStatus ? ' mark' : ''}` }, el('td', { class: 'k', text: 'status' }), el('td', { class: 'v', text: statusLine })));
  const seen = new Set();
  for (const [k, v] of rows || []) {
    const lk = String(k).toLowerCase();
    seen.add(lk);
    body.push(el('tr', { class: set.has(lk) ? 'mark' : null, dataset: { header: lk } },
      el('td', { class: 'k', text: k }), el('td', { class: 'v' }, revealable(kept, String(k), String(v)))));
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
function marked(x, part, { request = false } = {}) {
  const m = x.marks;
  const kept = x.kept_aside;
  if (m?.part !== part) return { kept };
  if (request) return { marks: m.request, kept };
  return { marks: m.response, markStatus: m.status, expectMissing: m.expect_missing, kept };
}

const column = (title, content) => el('div', { class: 'col' }, el('div', { class: 'title', text: title }), content);

export function renderHeaders(x) {
  const ex = x.exchange || {};
  const req = ex.request || {};
  const labels = state.report?.labels || {};
  const blocks = [];
  const pf = ex.preflight;
  if (pf) {
    const resp = pf.response;
    blocks.push(el('div', { class: 'headers', dataset: { part: 'preflight' } },
      column(labels.preflight_request ?? '', kvTable(pf.request_headers, marked(x, 'preflight', { request: true }))),
      column(labels.preflight_response ?? '', resp
        ? kvTable(resp.headers, { statusLine: String(resp.status), ...marked(x, 'preflight') })
        : el('p', { class: 'note', text: pf.net_error ? `No response: ${pf.net_error}` : 'No response captured.' }))));
  }
  const resp = ex.response;
  const lastRedirect = (ex.redirects || []).at(-1);
  blocks.push(el('div', { class: 'headers', dataset: { part: 'actual' } },
    column(`Request (${req.method || x.method})`,
      kvTable([...(x.view?.added_request_headers || []), ...(req.headers || [])], marked(x, 'actual', { request: true }))),
    column('Response', resp
      ? kvTable(resp.headers, { statusLine: String(resp.status), ...marked(x, 'actual') })
      : lastRedirect
        ? kvTable(lastRedirect.headers, { statusLine: `${lastRedirect.status} (redirect)`, ...marked(x, 'actual') })
        : el('p', { class: 'note', text: x.view?.response_note || 'No response captured.' }))));
  return section('Headers', ...blocks);
}
