// Build the engine's Exchange JSON (crate/src/exchange.rs) from what one scenario actually produced:
// the request the script made, the two-origin server's log (OPTIONS and actual hops, headers as received
// and as answered) and CDP's view of the request.

const UPPERCASED = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

/** Fetch's method normalization: only these six are upper-cased. */
export function normalizeMethod(m) {
  return UPPERCASED.has(String(m).toUpperCase()) ? String(m).toUpperCase() : String(m);
}

function headerPairs(h) {
  if (!h) return [];
  return (Array.isArray(h) ? h : Object.entries(h)).map(([k, v]) => [String(k), String(v)]);
}

function getHeader(pairs, name) {
  const vals = pairs.filter(([k]) => k.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
  return vals.length ? vals.join(', ') : undefined;
}

function entryUrl(e) {
  const host = getHeader(e.headers, 'host');
  return `http://${host}${e.url}`;
}

function toResponse(e) {
  return { status: e.response.status, headers: e.response.headers };
}

function toPreflight(e) {
  return e ? { request_headers: e.headers, response: toResponse(e) } : null;
}

/**
 * Group the server log (one scenario, oldest first) into hops: each hop is the actual request to one URL,
 * preceded by its preflight if one was sent. A trailing preflight with no actual request is the last hop.
 */
export function hopsFromLog(log) {
  const entries = log.filter((e) => e.kind !== 'page').sort((a, b) => a.seq - b.seq);
  const hops = [];
  let pending = null;
  for (const e of entries) {
    if (e.kind === 'preflight') {
      if (pending) hops.push({ preflight: pending, entry: null });
      pending = e;
    } else {
      hops.push({ preflight: pending, entry: e });
      pending = null;
    }
  }
  if (pending) hops.push({ preflight: pending, entry: null });
  return hops;
}

/**
 * spec: the window.run spec; origin: the page's origin; cdp: cdpSummary(); log: server log entries of this
 * scenario; result: window.run's result.
 */
export function buildExchange({ spec, origin, cdp, log, result }) {
  const client = spec.client === 'xhr' ? 'xhr' : 'fetch';
  const headers = headerPairs(spec.headers);
  let credentials;
  let mode;
  if (client === 'xhr') {
    credentials = spec.credentials === 'include' ? 'include' : 'same-origin';
    mode = spec.upload ? 'cors-with-forced-preflight' : 'cors';
  } else {
    credentials = spec.credentials || 'same-origin';
    mode = spec.mode || 'cors';
  }
  const hops = hopsFromLog(log);
  const redirects = [];
  let response = null;
  hops.forEach((hop, i) => {
    const e = hop.entry;
    if (!e) return;
    if (e.kind === 'redirect') {
      const nextHop = hops[i + 1];
      let next = null;
      if (nextHop) {
        const seen = nextHop.entry || nextHop.preflight;
        next = {
          url: entryUrl(seen),
          method: nextHop.entry ? nextHop.entry.method
            : getHeader(nextHop.preflight.headers, 'access-control-request-method') ?? null,
          origin_header: getHeader(seen.headers, 'origin') ?? null,
          preflight: toPreflight(nextHop.preflight),
        };
      }
      redirects.push({
        status: e.response.status,
        headers: e.response.headers,
        location: getHeader(e.response.headers, 'location') ?? '',
        next,
      });
    } else if (i === hops.length - 1) {
      response = toResponse(e);
    }
  });
  return {
    request: {
      method: cdp.method || normalizeMethod(spec.method || 'GET'),
      url: cdp.url || spec.url,
      origin,
      credentials_mode: credentials,
      headers,
      mode,
      redirect_mode: spec.redirect || 'follow',
      client,
    },
    preflight: hops.length ? toPreflight(hops[0].preflight) : null,
    redirects,
    response,
    outcome: result.ok ? 'succeeded' : 'failed',
  };
}
