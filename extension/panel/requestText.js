// A request to send again by hand, as text: the engine's `replay` ({method, url, headers}, redacted) written as a
// curl command or a fetch() call, as DevTools' "Copy as cURL" / "Copy as fetch" write them.

function shellQuote(s) { return `'${String(s).replace(/'/g, "'\\''")}'`; }

export function curl({ method, url, headers }) {
  const parts = ['curl', '-i'];
  if (method !== 'GET') parts.push('-X', shellQuote(method));
  parts.push(shellQuote(url));
  for (const [k, v] of headers || []) parts.push('-H', shellQuote(`${k}: ${v}`));
  return parts.join(' ');
}

export function fetchCall({ method, url, headers }) {
  const init = { method, headers: Object.fromEntries(headers || []) };
  return `fetch(${JSON.stringify(url)}, ${JSON.stringify(init, null, 2)});`;
}
