// Next.js 16 (App Router) with the engine's route handler form: the same apps and broken CORS as the nextjs adapter
// (nextjs.mjs), but the fix goes into app/api/submit/route.js, every handler exported through its cors(...), as its
// placement says. The auth here is the route's own (a wrapper around each export), since a route-level fix cannot
// answer a preflight that a proxy's auth has already refused.
import { AUTH_VALUE, lit } from '../lib.mjs';
import { brokenFiles, setup, startApp } from './nextjs.mjs';

export const id = 'nextjs-route';
export { setup };

const AUTHED = `const authed = (handler) => (request, context) =>
  request.headers.get('Authorization') === ${lit(AUTH_VALUE)} ? handler(request, context) : Response.json({ error: 'unauthorized' }, { status: 401 });`;

/** route.js: `head` (CORS code), then GET, PUT, DELETE, POST, each passed through `wrap` ('' for none). */
function route({ head = '', put = 'ok', wrap = '', auth = false }) {
  const handler = (h) => (auth ? `authed(${h})` : h);
  const exported = (h) => (wrap ? `${wrap}(${handler(h)})` : handler(h));
  return `${head}
const ok = () => Response.json({ ok: true });
${auth ? AUTHED : ''}
export const GET = ${exported('ok')};
export const PUT = ${exported(put)};
export const DELETE = ${exported('ok')};
export const POST = ${exported('ok')};
`;
}

export async function start({ failure, fixSnippet, port, appOrigin, otherOrigin, workdir }) {
  const auth = failure === 'options-auth';
  if (fixSnippet !== null) {
    return startApp({ route: route({ head: fixSnippet, wrap: 'cors', auth }), port, workdir });
  }
  const b = brokenFiles(failure, appOrigin, otherOrigin);
  // options-auth: correct CORS headers (next.config.js), but the route's own OPTIONS goes through its auth like
  // every other export, so the preflight gets 401.
  const head = auth ? 'export const OPTIONS = authed(() => new Response(null, { status: 204 }));' : '';
  return startApp({ config: b.headers, route: route({ head, put: b.put, auth }), port, workdir });
}
