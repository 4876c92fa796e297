// The npm packages of the JavaScript stacks beyond Express and Fastify (Next.js, Hono, NestJS, Koa, workerd), installed
// into the matrix cache by install.d/node-stacks.sh. Shared by their adapters.
import fs from 'node:fs';
import path from 'node:path';

import { WORK } from '../lib.mjs';

export const NODE_STACKS = path.join(WORK, 'node-stacks');
export const NODE_MODULES = path.join(NODE_STACKS, 'node_modules');

/** Throws unless every package resolves from the install (clear message naming the installer). */
export function requireStackPackages(names) {
  // Their package.json, not require.resolve: some packages' `exports` hide it, others have no CommonJS entry.
  const missing = names.filter((n) => !fs.existsSync(path.join(NODE_MODULES, n, 'package.json')));
  if (missing.length) {
    throw new Error(`missing npm packages ${missing.join(', ')} in ${NODE_STACKS}: run tests/frameworks/install.sh (install.d/node-stacks.sh)`);
  }
}

/** The installed packages, visible to an app in `workdir` (ES modules resolve bare names by walking up, not NODE_PATH). */
export function linkModules(workdir) {
  fs.symlinkSync(NODE_MODULES, path.join(workdir, 'node_modules'), 'dir');
}

/** A package's command (node_modules/.bin). */
export const bin = (name) => path.join(NODE_MODULES, '.bin', name);
