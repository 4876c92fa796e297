// Hono 4 on Node (@hono/node-server) with its built-in hono/cors middleware. The app is an ES module, as Hono's
// examples are.

import { AUTH_VALUE, lit, startNodeServer } from '../lib.mjs';
import { linkModules, requireStackPackages } from './_node-stacks.mjs';

export const id = 'hono';

const TEMPLATE = `import { serve } from '@hono/node-server';
import { Hono } from 'hono';
const app = new Hono();
/*FIX*/
/*AUTH*/
/*BROKEN*/
const submit = (c) => c.json({ ok: true });
app.get('/api/submit', submit);
app.put('/api/submit', submit);
app.delete('/api/submit', submit);
app.post('/api/submit', submit);
serve({ fetch: app.fetch, port: /*PORT*/, hostname: '127.0.0.1' });
`;

const AUTH = `app.use('*', async (c, next) => {
  if (c.req.header('Authorization') !== ${lit(AUTH_VALUE)}) return c.json({ error: 'unauthorized' }, 401);
  await next();
});`;

function broken(failure, app, other) {
  const o = lit(app);
  const cors = (options) => `import { cors } from 'hono/cors';\napp.use('*', cors(${options}));`;
  switch (failure) {
    case 'no-options-handler':
      // The header on PUT's answer only; nothing routes OPTIONS, so the preflight gets Hono's 404.
      return `app.use('/api/submit', async (c, next) => {
  await next();
  if (c.req.method === 'PUT') c.header('Access-Control-Allow-Origin', ${o});
});`;
    case 'options-auth':
      // Correct CORS, added after the auth middleware: the auth answers the preflight first.
      return cors(`{ origin: ${o}, allowMethods: ['PUT'], allowHeaders: ['Authorization', 'Content-Type'] }`);
    case 'missing-acao':
      return '';
    case 'wildcard-credentials':
      // The middleware's default origin is '*', sent beside credentials: true.
      return cors('{ credentials: true }');
    case 'header-not-allowed':
      return cors(`{ origin: ${o}, allowMethods: ['GET', 'PUT'], allowHeaders: ['Content-Type'] }`);
    case 'method-not-allowed':
      return cors(`{ origin: ${o}, allowMethods: ['GET', 'POST'] }`);
    case 'no-max-age':
      return cors(`{ origin: ${o}, allowMethods: ['PUT'], allowHeaders: ['Content-Type'] }`);
    case 'any-origin-header':
      return cors(`{ allowMethods: ['GET', 'PUT'], allowHeaders: ['Content-Type'] }`);
    case 'second-origin':
      // A function answering one fixed origin, whoever asks (a string origin is compared with the request's).
      return cors(`{ origin: () => ${lit(other)} }`);
    default:
      throw new Error(`unknown failure ${failure}`);
  }
}

export async function setup() {
  requireStackPackages(['hono', '@hono/node-server']);
}

export function start(cell) {
  return startNodeServer({ name: id, template: TEMPLATE, file: 'server.mjs', auth: AUTH, broken, prepare: linkModules }, cell);
}
