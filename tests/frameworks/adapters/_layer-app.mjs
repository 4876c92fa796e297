// The app behind the proxy of the two-layer adapters (nginx-express, haproxy-express): Express 4 with
// the cors package configured correctly for the page's origin, so every failure is the proxy's.
import path from 'node:path';

import { fill, freePort, lit, REPO, requireNodePackages, spawnServer, writeFiles } from '../lib.mjs';

const APP = `'use strict';
const express = require('express');
const cors = require('cors');
const app = express();
const corsOptions = { origin: /*ORIGIN*/, methods: ['GET', 'POST', 'PUT', 'DELETE'], allowedHeaders: ['Content-Type'], maxAge: 7200 };
app.options('*', cors(corsOptions));
app.use(cors(corsOptions));
const submit = (req, res) => res.json({ ok: true });
app.get('/api/submit', submit);
app.put('/api/submit', submit);
app.delete('/api/submit', submit);
app.post('/api/submit', submit);
app.listen(/*PORT*/, '127.0.0.1');
`;

export function requireLayerApp() {
  requireNodePackages(['express', 'cors']);
}

/**
 * A free port for the app other than the proxy's: the proxy's port is only chosen, not yet bound, so
 * freePort() can hand it out again (the app would then take it and the page would reach the app directly).
 */
export async function appPortBeside(proxyPort) {
  for (;;) {
    const port = await freePort();
    if (port !== proxyPort) return port;
  }
}

/** Starts the app on 127.0.0.1:port; resolves once it accepts connections. */
export function startLayerApp({ workdir, port, appOrigin }) {
  writeFiles(workdir, { 'app.cjs': fill(APP, { '/*ORIGIN*/': lit(appOrigin), '/*PORT*/': String(port) }) });
  return spawnServer({ name: 'express', cmd: process.execPath, args: [path.join(workdir, 'app.cjs')], cwd: workdir, port,
    env: { NODE_PATH: path.join(REPO, 'node_modules') } });
}

/**
 * Starts the app (none for proxy-error-page: the proxy then reaches nothing) and then the proxy from
 * `startProxy(appPort)`; stop() stops both by PID.
 */
export async function startBehindProxy({ failure, workdir, appOrigin, appPort, startProxy }) {
  const app = failure === 'proxy-error-page' ? null : await startLayerApp({ workdir, port: appPort, appOrigin });
  let proxy;
  try {
    proxy = await startProxy();
  } catch (e) {
    if (app) await app.stop();
    throw e;
  }
  return { ...proxy, stop: async () => { await proxy.stop(); if (app) await app.stop(); } };
}
