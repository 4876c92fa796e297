// NestJS 12 on platform-express, CORS by app.enableCors(). Plain JavaScript (no TypeScript build step): the
// decorators are applied as the functions they are.

import { AUTH_VALUE, lit, startNodeServer } from '../lib.mjs';
import { linkModules, requireStackPackages } from './_node-stacks.mjs';

export const id = 'nestjs';

const TEMPLATE = `'use strict';
require('reflect-metadata');
const { NestFactory } = require('@nestjs/core');
const { Controller, Delete, Get, HttpCode, Module, Post, Put } = require('@nestjs/common');

class SubmitController {
  get() { return { ok: true }; }
  put() { return { ok: true }; }
  remove() { return { ok: true }; }
  post() { return { ok: true }; }
}
for (const [decorator, method] of [[Get, 'get'], [Put, 'put'], [Delete, 'remove'], [Post, 'post']]) {
  decorator('submit')(SubmitController.prototype, method, Object.getOwnPropertyDescriptor(SubmitController.prototype, method));
}
// Nest answers POST with 201 unless told; the route answers 200 to every method.
HttpCode(200)(SubmitController.prototype, 'post', Object.getOwnPropertyDescriptor(SubmitController.prototype, 'post'));
Controller('api')(SubmitController);
class AppModule {}
Module({ controllers: [SubmitController] })(AppModule);

(async () => {
  const app = await NestFactory.create(AppModule, { logger: ['error'] });
  /*FIX*/
  /*AUTH*/
  /*BROKEN*/
  await app.listen(/*PORT*/, '127.0.0.1');
})().catch((e) => { console.error(e); process.exit(1); });
`;

const AUTH = `app.use((req, res, next) => {
    if (req.headers.authorization !== ${lit(AUTH_VALUE)}) return res.status(401).json({ error: 'unauthorized' });
    next();
  });`;

function broken(failure, app, other) {
  const o = lit(app);
  const enable = (options) => `app.enableCors(${options});`;
  switch (failure) {
    case 'no-options-handler':
      // The header on PUT's answer only; no route answers OPTIONS, so the preflight gets Nest's 404.
      return `app.use((req, res, next) => {
    if (req.method === 'PUT') res.setHeader('Access-Control-Allow-Origin', ${o});
    next();
  });`;
    case 'options-auth':
      // Correct CORS, enabled after app.use(auth): the auth middleware answers the preflight first.
      return enable(`{ origin: ${o}, methods: ['PUT'], allowedHeaders: ['Authorization', 'Content-Type'] }`);
    case 'missing-acao':
      return '';
    case 'wildcard-credentials':
      // The cors package's default origin is '*', whatever credentials says.
      return enable('{ credentials: true }');
    case 'header-not-allowed':
      return enable(`{ origin: ${o}, methods: ['GET', 'PUT'], allowedHeaders: ['Content-Type'] }`);
    case 'method-not-allowed':
      return enable(`{ origin: ${o}, methods: ['GET', 'POST'] }`);
    case 'no-max-age':
      return enable(`{ origin: ${o}, methods: ['PUT'], allowedHeaders: ['Content-Type'] }`);
    case 'any-origin-header':
      return enable(`{ methods: ['GET', 'PUT'], allowedHeaders: ['Content-Type'] }`);
    case 'second-origin':
      // A single origin string is sent as it is, whoever asks.
      return enable(`{ origin: ${lit(other)} }`);
    default:
      throw new Error(`unknown failure ${failure}`);
  }
}

export async function setup() {
  requireStackPackages(['@nestjs/core', '@nestjs/common', '@nestjs/platform-express', 'reflect-metadata', 'rxjs']);
}

export function start(cell) {
  return startNodeServer({ name: id, template: TEMPLATE, file: 'server.cjs', auth: AUTH, broken, prepare: linkModules }, cell);
}
