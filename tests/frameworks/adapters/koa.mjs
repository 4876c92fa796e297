// Koa 3 with @koa/cors.

import { AUTH_VALUE, lit, startNodeServer } from '../lib.mjs';
import { linkModules, requireStackPackages } from './_node-stacks.mjs';

export const id = 'koa';

const TEMPLATE = `'use strict';
const Koa = require('koa');
const app = new Koa();
/*FIX*/
/*AUTH*/
/*BROKEN*/
// The route: GET, PUT, DELETE, POST on /api/submit; anything else falls through to Koa's 404.
app.use(async (ctx, next) => {
  if (ctx.path === '/api/submit' && ['GET', 'PUT', 'DELETE', 'POST'].includes(ctx.method)) ctx.body = { ok: true };
  else await next();
});
app.listen(/*PORT*/, '127.0.0.1');
`;

const AUTH = `app.use(async (ctx, next) => {
  if (ctx.get('Authorization') !== ${lit(AUTH_VALUE)}) { ctx.status = 401; ctx.body = { error: 'unauthorized' }; return; }
  await next();
});`;

function broken(failure, app, other) {
  const o = lit(app);
  const cors = (options) => `const cors = require('@koa/cors');\napp.use(cors(${options}));`;
  switch (failure) {
    case 'no-options-handler':
      // The header on PUT's answer only; OPTIONS gets Koa's 404.
      return `app.use(async (ctx, next) => {
  if (ctx.method === 'PUT') ctx.set('Access-Control-Allow-Origin', ${o});
  await next();
});`;
    case 'options-auth':
      return cors(`{ origin: ${o}, allowMethods: ['PUT'], allowHeaders: ['Authorization', 'Content-Type'] }`);
    case 'missing-acao':
      return '';
    case 'wildcard-credentials':
      // By hand: @koa/cors echoes the request's origin instead of '*' when credentials is on.
      return `app.use(async (ctx, next) => {
  ctx.set('Access-Control-Allow-Origin', '*');
  ctx.set('Access-Control-Allow-Credentials', 'true');
  await next();
});`;
    case 'header-not-allowed':
      return cors(`{ origin: ${o}, allowMethods: ['GET', 'PUT'], allowHeaders: ['Content-Type'] }`);
    case 'method-not-allowed':
      return cors(`{ origin: ${o}, allowMethods: ['GET', 'POST'] }`);
    case 'no-max-age':
      return cors(`{ origin: ${o}, allowMethods: ['PUT'], allowHeaders: ['Content-Type'] }`);
    case 'any-origin-header':
      // The package's default origin is '*'.
      return cors(`{ allowMethods: ['GET', 'PUT'], allowHeaders: ['Content-Type'] }`);
    case 'second-origin':
      // A string origin is sent as it is, whoever asks.
      return cors(`{ origin: ${lit(other)} }`);
    default:
      throw new Error(`unknown failure ${failure}`);
  }
}

export async function setup() {
  requireStackPackages(['koa', '@koa/cors']);
}

export function start(cell) {
  return startNodeServer({ name: id, template: TEMPLATE, file: 'server.cjs', auth: AUTH, broken, prepare: linkModules }, cell);
}
