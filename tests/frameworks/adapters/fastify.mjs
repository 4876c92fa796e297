// Fastify 5 with @fastify/cors.
import path from 'node:path';

import { AUTH_VALUE, lit, REPO, requireNodePackages, startNodeServer } from '../lib.mjs';

export const id = 'fastify';

const TEMPLATE = `'use strict';
const Fastify = require('fastify');
const fastify = Fastify();
/*FIX*/
/*AUTH*/
/*BROKEN*/
for (const method of ['GET', 'PUT', 'DELETE', 'POST']) {
  fastify.route({ method, url: '/api/submit', handler: async () => ({ ok: true }) });
}
fastify.listen({ port: /*PORT*/, host: '127.0.0.1' }).catch((e) => { console.error(e); process.exit(1); });
`;

const AUTH = `fastify.addHook('onRequest', async (request, reply) => {
  if (request.headers.authorization !== ${lit(AUTH_VALUE)}) {
    reply.code(401).send({ error: 'unauthorized' });
    return reply;
  }
});`;

function broken(failure, app, other) {
  const o = lit(app);
  switch (failure) {
    case 'no-options-handler':
      // CORS headers set by hand for PUT only; no OPTIONS route, so the preflight gets Fastify's 404.
      return `fastify.addHook('onRequest', async (request, reply) => {
  if (request.method === 'PUT') reply.header('Access-Control-Allow-Origin', ${o});
});`;
    case 'options-auth':
      // Correct CORS, registered after the auth hook: the hook rejects the preflight first.
      return `fastify.register(require('@fastify/cors'), { origin: ${o}, methods: ['PUT'], allowedHeaders: ['Authorization', 'Content-Type'] });`;
    case 'missing-acao':
      return '';
    case 'wildcard-credentials':
      // The plugin's default origin is '*', whatever credentials says.
      return `fastify.register(require('@fastify/cors'), { credentials: true });`;
    case 'header-not-allowed':
      return `fastify.register(require('@fastify/cors'), { origin: ${o}, methods: ['GET', 'PUT'], allowedHeaders: ['Content-Type'] });`;
    case 'method-not-allowed':
      return `fastify.register(require('@fastify/cors'), { origin: ${o}, methods: ['GET', 'POST'] });`;
    case 'no-max-age':
      return `fastify.register(require('@fastify/cors'), { origin: ${o}, methods: ['PUT'], allowedHeaders: ['Content-Type'] });`;
    case 'any-origin-header':
      // The plugin's default origin is '*'.
      return `fastify.register(require('@fastify/cors'), { methods: ['GET', 'PUT'], allowedHeaders: ['Content-Type'] });`;
    case 'second-origin':
      // A single origin string is sent as it is, whoever asks (the default methods lack PUT).
      return `fastify.register(require('@fastify/cors'), { origin: ${lit(other)}, methods: ['GET', 'POST', 'PUT', 'DELETE'] });`;
    default:
      throw new Error(`unknown failure ${failure}`);
  }
}

export async function setup() {
  requireNodePackages(['fastify', '@fastify/cors']);
}

export function start(cell) {
  return startNodeServer({ name: id, template: TEMPLATE, file: 'server.cjs', auth: AUTH, broken, env: { NODE_PATH: path.join(REPO, 'node_modules') } }, cell);
}
