// The search box's syntax, as in DevTools' Network panel: `status-code:404`, `method:PUT`, `domain:*.example.com`
// (`*` matches any characters), `-` before any term to negate it, and plain words matched as substrings of what a
// row shows. Terms combine with AND.
import { urlParts } from './columns.js';
import { consoleLine } from './state.js';

const wildcard = (pattern) => new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');

// Each key gets the term's value (lower-cased) and returns a test of one exchange.
const KEYS = {
  // The request's own status, or its preflight's: a request stopped by its preflight has none of its own.
  'status-code': (v) => (x) => String(x.status ?? '') === v || String(x.preflight?.status ?? '') === v,
  method: (v) => (x) => x.method.toLowerCase() === v,
  domain: (v) => {
    const re = wildcard(v);
    return (x) => { const h = urlParts(x).host; return re.test(h) || re.test(h.replace(/:\d+$/, '')); };
  },
};

function haystack(x) {
  if (!x.__hay) {
    x.__hay = `${x.method} ${x.url} ${x.status ?? ''} ${x.view?.status ?? ''} ${x.view?.reason ?? ''} ${x.verdict?.error || ''} ${consoleLine(x.verdict) || ''}`.toLowerCase();
  }
  return x.__hay;
}

function term(text) {
  const negate = text.length > 1 && text.startsWith('-');
  const body = negate ? text.slice(1) : text;
  const colon = body.indexOf(':');
  const key = colon > 0 ? KEYS[body.slice(0, colon)] : null;
  const test = key && colon < body.length - 1 ? key(body.slice(colon + 1)) : (x) => haystack(x).includes(body);
  return negate ? (x) => !test(x) : test;
}

/** A test of one exchange for the search box's text (everything passes an empty query). */
export function compileQuery(text) {
  const terms = text.trim().toLowerCase().split(/\s+/).filter(Boolean).map(term);
  return (x) => terms.every((t) => t(x));
}
