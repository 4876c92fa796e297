// Shared by the express (Express 4) and express5 adapters: the same app, the package differs.
// Files starting with '_' in adapters/ are not adapters.
import path from 'node:path';

import { AUTH_VALUE, fill, lit, REPO, requireNodePackages, spawnServer, writeFiles } from '../lib.mjs';

const TEMPLATE = `'use strict';
const express = require(/*PKG*/);
const app = express();
/*FIX*/
/*AUTH*/
/*BROKEN*/
const submit = (req, res) => res.json({ ok: true });
app.get('/api/submit', submit);
app.put('/api/submit', submit);
app.delete('/api/submit', submit);
app.post('/api/submit', submit);
app.listen(/*PORT*/, '127.0.0.1');
`;

const AUTH = `app.use((req, res, next) => {
  if (req.get('Authorization') !== ${lit(AUTH_VALUE)}) return res.status(401).json({ error: 'unauthorized' });
  next();
});`;

/** The broken CORS configuration of each failure (replaced by the fix). */
function broken(failure, app, other) {
  const o = lit(app);
  switch (failure) {
    case 'no-options-handler':
      // CORS on the PUT route only: nothing answers the preflight with CORS headers.
      return `const cors = require('cors');\napp.put('/api/submit', cors({ origin: ${o} }));`;
    case 'options-auth':
      // Correct CORS, registered after the auth middleware.
      return `const cors = require('cors');\napp.use(cors({ origin: ${o}, methods: ['PUT'], allowedHeaders: ['Authorization', 'Content-Type'] }));`;
    case 'missing-acao':
      return '';
    case 'wildcard-credentials':
      // The cors package's default origin is '*', whatever credentials says.
      return `const cors = require('cors');\napp.use(cors({ credentials: true }));`;
    case 'header-not-allowed':
      return `const cors = require('cors');\napp.use(cors({ origin: ${o}, methods: ['GET', 'PUT'], allowedHeaders: ['Content-Type'] }));`;
    case 'method-not-allowed':
      return `const cors = require('cors');\napp.use(cors({ origin: ${o}, methods: ['GET', 'POST'] }));`;
    case 'no-max-age':
      return `const cors = require('cors');\napp.use(cors({ origin: ${o}, methods: ['PUT'], allowedHeaders: ['Content-Type'] }));`;
    case 'any-origin-header':
      // The package's default origin is '*'.
      return `const cors = require('cors');\napp.use(cors({ methods: ['GET', 'PUT'], allowedHeaders: ['Content-Type'] }));`;
    case 'second-origin':
      // A single origin string is sent as it is, whoever asks.
      return `const cors = require('cors');\napp.use(cors({ origin: ${lit(other)} }));`;
    default:
      throw new Error(`unknown failure ${failure}`);
  }
}

export function expressAdapter(pkg) {
  return {
    async setup() {
      requireNodePackages([pkg, 'cors']);
    },
    async start({ failure, fixSnippet, port, appOrigin, otherOrigin, workdir }) {
      const src = fill(TEMPLATE, {
        '/*PKG*/': lit(pkg),
        '/*FIX*/': fixSnippet ?? '',
        '/*AUTH*/': failure === 'options-auth' ? AUTH : '',
        '/*BROKEN*/': fixSnippet === null ? broken(failure, appOrigin, otherOrigin) : '',
        '/*PORT*/': String(port),
      });
      writeFiles(workdir, { 'server.cjs': src });
      return spawnServer({ name: pkg, cmd: process.execPath, args: [path.join(workdir, 'server.cjs')], cwd: workdir, port,
        env: { NODE_PATH: path.join(REPO, 'node_modules') } });
    },
  };
}
