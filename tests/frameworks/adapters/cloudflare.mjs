// Cloudflare Workers, run locally and offline by workerd (the runtime Cloudflare open-sourced, from npm `workerd`),
// a module Worker behind a socket on 127.0.0.1. The engine's template replaces the Worker's `export default` and calls
// the existing fetch code as handleRequest(request, env, ctx), as its placement says.
import path from 'node:path';

import { AUTH_VALUE, fill, lit, spawnServer, writeFiles } from '../lib.mjs';
import { brokenSpec, specHeaders } from './_broken-spec.mjs';
import { bin, requireStackPackages } from './_node-stacks.mjs';

export const id = 'cloudflare';

// The app: the Worker's own fetch code (auth, routes), as handleRequest.
const TEMPLATE = `/*FIX*/
async function handleRequest(request, env, ctx) {
/*AUTH*/
  const url = new URL(request.url);
  if (url.pathname === '/api/submit' && ['GET', 'PUT', 'DELETE', 'POST'].includes(request.method)) {
    return Response.json({ ok: true });
  }
  return new Response('not found', { status: 404 });
}
/*BROKEN*/
`;

const AUTH = `  if (request.headers.get('Authorization') !== ${lit(AUTH_VALUE)}) return Response.json({ error: 'unauthorized' }, { status: 401 });`;

/** The broken Worker: hand-written CORS from the failure's spec, in the Worker's own terms. */
function broken(failure, appOrigin, otherOrigin) {
  const spec = brokenSpec(failure, appOrigin, otherOrigin);
  if (!spec) return 'export default { fetch: handleRequest };';
  const headers = JSON.stringify(specHeaders(spec));
  const actual = JSON.stringify(specHeaders(spec).filter(([name]) => !/^Access-Control-(Allow-(Methods|Headers)|Max-Age)$/.test(name)));
  // no-options-handler: the headers on PUT's answer only, and OPTIONS goes to the app (its 404).
  const answersPreflight = spec.preflight ? `request.method === 'OPTIONS' && request.headers.has('Access-Control-Request-Method')` : 'false';
  const onlyFor = spec.preflight ? 'true' : `request.method === 'PUT'`;
  return `export default {
  async fetch(request, env, ctx) {
${spec.afterAuth ? `  ${AUTH}\n` : ''}    if (${answersPreflight}) return new Response(null, { status: 204, headers: ${headers} });
    const response = await handleRequest(request, env, ctx);
    if (!(${onlyFor})) return response;
    const r = new Response(response.body, response);
    for (const [name, value] of ${actual}) r.headers.set(name, value);
    return r;
  },
};`;
}

function config(port) {
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);

const worker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = "2025-09-01",
);
`;
}

export async function setup() {
  requireStackPackages(['workerd']);
}

export async function start({ failure, fixSnippet, port, appOrigin, otherOrigin, workdir }) {
  // The auth is the Worker's own code: in handleRequest, or before the broken CORS (options-auth's mistake).
  const authInApp = failure === 'options-auth' && fixSnippet !== null;
  const src = fill(TEMPLATE, {
    '/*FIX*/': fixSnippet ?? '',
    '/*AUTH*/': authInApp ? AUTH : '',
    '/*BROKEN*/': fixSnippet === null ? broken(failure, appOrigin, otherOrigin) : '',
  });
  writeFiles(workdir, { 'worker.js': src, 'config.capnp': config(port) });
  return spawnServer({ name: id, cmd: bin('workerd'), args: ['serve', path.join(workdir, 'config.capnp')], cwd: workdir, port });
}
