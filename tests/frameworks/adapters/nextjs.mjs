// Next.js 16 (App Router) under `next dev` with Turbopack: a route handler app/api/submit/route.js, the broken CORS in the
// places people put it (headers on the handler's answer, next.config.js `headers()`, auth in proxy.js), the engine's
// fix as proxy.js. `next dev` rather than `next build` + `next start`: here a build took 32 s and the start 3.5 s more,
// where a whole cell (two dev servers, each compiled on its warm-up request) took 18 to 36 s.
import fs from 'node:fs';
import path from 'node:path';

import { AUTH_VALUE, fill, lit, spawnServer, WORK, writeFiles } from '../lib.mjs';
import { brokenSpec, specHeaders } from './_broken-spec.mjs';
import { bin, NODE_STACKS, requireStackPackages } from './_node-stacks.mjs';

export const id = 'nextjs';

// Each server is its own project under the install (Turbopack resolves `next` inside its root, which must hold both).
const APPS = path.join(NODE_STACKS, 'apps');

const ROUTE = `const ok = () => Response.json({ ok: true });
export const GET = ok;
export const PUT = /*PUT*/;
export const DELETE = ok;
export const POST = ok;
`;

const CONFIG = `module.exports = {
  turbopack: { root: ${lit(NODE_STACKS)} },
/*OPTIONS*/
};
`;

// The app's auth lives in proxy.js, the usual place in Next.js; the fix wraps it with withCors, as its comment says.
const AUTH = `function auth(request) {
  if (request.headers.get('Authorization') !== ${lit(AUTH_VALUE)}) return Response.json({ error: 'unauthorized' }, { status: 401 });
}`;

/** The broken CORS of a failure: next.config.js's `headers()` entry, and the PUT handler's expression. */
export function brokenFiles(failure, appOrigin, otherOrigin) {
  const spec = brokenSpec(failure, appOrigin, otherOrigin);
  if (!spec) return { headers: '', put: 'ok' };
  if (!spec.preflight) {
    // The classic trap: the handler sets the header on its own answer and exports no OPTIONS, so Next.js answers the
    // preflight itself (204 with Allow, no CORS headers).
    return { headers: '', put: `async () => { const r = ok(); r.headers.set('Access-Control-Allow-Origin', ${lit(spec.origin)}); return r; }` };
  }
  // next.config.js headers(): every answer under /api, Next.js's own OPTIONS answer included.
  const list = specHeaders(spec).map(([key, value]) => `{ key: ${lit(key)}, value: ${lit(value)} }`).join(', ');
  return { headers: `  async headers() { return [{ source: '/api/:path*', headers: [${list}] }]; },`, put: 'ok' };
}

export async function setup() {
  requireStackPackages(['next', 'react', 'react-dom']);
}

export async function start({ failure, fixSnippet, port, appOrigin, otherOrigin, workdir }) {
  const b = fixSnippet === null ? brokenFiles(failure, appOrigin, otherOrigin) : { headers: '', put: 'ok' };
  const auth = failure === 'options-auth';
  let proxy = null;
  if (fixSnippet !== null) {
    // The snippet says: with a proxy of your own, export it through withCors.
    proxy = auth ? `${fixSnippet.replace('withCors();', 'withCors(auth);')}\n${AUTH}\n` : fixSnippet;
  } else if (auth) {
    proxy = `${AUTH}\nexport function proxy(request) {\n  return auth(request);\n}\nexport const config = { matcher: '/api/:path*' };\n`;
  }
  return startApp({ config: b.headers, route: fill(ROUTE, { '/*PUT*/': b.put }), proxy, port, workdir });
}

/**
 * One Next.js app: `config` is spliced into next.config.js's object, `route` is app/api/submit/route.js, `proxy` the
 * proxy.js text (null for none); `pagesApi`, when given, is a Pages Router pages/api/submit.js serving the route in place
 * of the App Router's handler. Also used by the nextjs-route adapter and by nextjs-traps.test.mjs.
 */
export async function startApp({ config = '', route = fill(ROUTE, { '/*PUT*/': 'ok' }), proxy = null, pagesApi = null, port, workdir }) {
  const app = path.join(APPS, path.relative(path.join(WORK, 'cells'), workdir).replaceAll(path.sep, '--'));
  fs.rmSync(app, { recursive: true, force: true });
  const files = {
    'package.json': '{ "private": true }\n',
    'next.config.js': fill(CONFIG, { '/*OPTIONS*/': config }),
  };
  if (pagesApi === null) files['app/api/submit/route.js'] = route;
  else files['pages/api/submit.js'] = pagesApi;
  if (proxy !== null) files['proxy.js'] = proxy;
  writeFiles(app, files);
  writeFiles(workdir, { 'app-dir.txt': `${app}\n` });
  const server = await spawnServer({ name: id, cmd: bin('next'), args: ['dev', '--turbopack', '-H', '127.0.0.1', '-p', String(port)], cwd: app,
    port, env: { NEXT_TELEMETRY_DISABLED: '1' }, timeoutMs: 60000 });
  // `next dev` compiles the proxy and the route on their first request (seconds on a busy machine, past the page's
  // timeout): one plain GET first, without an Origin, so the browser's requests meet a compiled app.
  try {
    await fetch(`${server.baseUrl}/api/submit?warm-up`, { signal: AbortSignal.timeout(120000) });
  } catch (e) {
    await server.stop();
    throw new Error(`${id}: the warm-up request failed (${e.message}); output:\n${server.output()}`);
  }
  return server;
}
