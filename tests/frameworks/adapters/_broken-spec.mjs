// What each failure's broken CORS configuration allows, in framework-neutral terms, for the adapters
// that render it into a configuration language (nginx, apache, caddy, rack). Everything not named by
// the failure is generous, so the failure is the only thing wrong.
//
//   origin:      Access-Control-Allow-Origin ('*' for wildcard-credentials and any-origin-header, the other origin for
//                second-origin: sent as it is, whoever asks)
//   credentials: Access-Control-Allow-Credentials: true
//   methods, headers: the Allow-Methods / Allow-Headers lists
//   maxAge:      Access-Control-Max-Age, or null for none
//   preflight:   false = headers on actual responses only, nothing answers OPTIONS (no-options-handler)
//   afterAuth:   the CORS configuration sits behind the auth check (options-auth)
// brokenSpec() returns null for missing-acao (no CORS at all).

export const GENEROUS_METHODS = ['GET', 'POST', 'PUT', 'DELETE'];
export const GENEROUS_HEADERS = ['Content-Type', 'Authorization', 'X-Api-Key'];

export function brokenSpec(failure, appOrigin, otherOrigin) {
  const base = { origin: appOrigin, credentials: true, methods: GENEROUS_METHODS, headers: GENEROUS_HEADERS,
    maxAge: 7200, preflight: true, afterAuth: false };
  switch (failure) {
    case 'no-options-handler': return { ...base, preflight: false };
    case 'options-auth': return { ...base, afterAuth: true };
    case 'missing-acao': return null;
    case 'wildcard-credentials': return { ...base, origin: '*' };
    case 'header-not-allowed': return { ...base, headers: ['Content-Type'] };
    case 'method-not-allowed': return { ...base, methods: ['GET', 'POST'] };
    case 'no-max-age': return { ...base, maxAge: null };
    case 'any-origin-header': return { ...base, origin: '*', credentials: false, headers: ['Content-Type'] };
    case 'second-origin': return { ...base, origin: otherOrigin };
    default: throw new Error(`unknown failure ${failure}`);
  }
}

/** The response headers a spec sends, as [name, value] pairs (preflight-only ones included). */
export function specHeaders(spec) {
  const h = [['Access-Control-Allow-Origin', spec.origin]];
  if (spec.origin !== '*') h.push(['Vary', 'Origin']);
  if (spec.credentials) h.push(['Access-Control-Allow-Credentials', 'true']);
  h.push(['Access-Control-Allow-Methods', spec.methods.join(', ')]);
  h.push(['Access-Control-Allow-Headers', spec.headers.join(', ')]);
  if (spec.maxAge !== null) h.push(['Access-Control-Max-Age', String(spec.maxAge)]);
  return h;
}

/** Values the harness controls (an origin, a port) must be plain before they go into a config file. */
export function plain(value) {
  const s = String(value);
  if (!/^[A-Za-z0-9:/.\-*\[\] ,]*$/.test(s)) throw new Error(`refusing to write ${JSON.stringify(s)} into a config file`);
  return s;
}
