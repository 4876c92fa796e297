// Helpers for framework adapters (tests/frameworks/adapters/<id>.mjs): the cache directory, server
// processes started and stopped by PID, readiness by TCP connect, the shared Python venv, slot
// splicing. See tests/frameworks/README.md for the adapter interface.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const FRAMEWORKS_DIR = here;
export const REPO = path.resolve(here, '../..');
/** Cache for everything the adapters install or build (gitignored). */
export const WORK = process.env.CORS_LENS_MATRIX_WORK || path.join(here, '.work');
export const VENV = path.join(WORK, 'venv');
export const REQUIREMENTS = path.join(here, 'requirements.txt');

/** Header name the app routes use for auth, and the only value they accept. */
export const AUTH_VALUE = 'Bearer t';

/** A free TCP port on 127.0.0.1 (bound, read, closed). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    sock.once('connect', () => { sock.destroy(); resolve(true); });
    sock.once('error', () => resolve(false));
  });
}

/**
 * Start a server process and resolve once 127.0.0.1:port accepts connections.
 * The process gets its own process group, so stop() reaches the children it forks (worker processes)
 * through the PID of the process started here; it sends SIGTERM, waits, then SIGKILL.
 * Resolves to { pid, baseUrl, stop(), output() } (output: the last 8 KiB of stdout+stderr).
 */
export async function spawnServer({ name, cmd, args = [], cwd, env = {}, port, timeoutMs = 30000 }) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  const keep = (d) => { out = (out + d).slice(-8192); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => { exited = { code, signal }; resolve(); });
    child.once('error', (e) => { exited = { error: String(e) }; resolve(); });
  });
  const stop = async () => {
    if (exited) return;
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
    const killTimer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 3000);
    await exitPromise;
    clearTimeout(killTimer);
    // Workers of the group may outlive the leader for a moment; make sure none is left.
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* none left */ }
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      throw new Error(`${name}: server exited before listening (${JSON.stringify(exited)}); output:\n${out}`);
    }
    if (await canConnect(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name}: not listening on 127.0.0.1:${port} after ${timeoutMs} ms; output:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { pid: child.pid, baseUrl: `http://127.0.0.1:${port}`, stop, output: () => out };
}

/**
 * Replace each `marker` of a template with its text. Every marker must occur exactly once, so a
 * renamed slot fails loudly instead of silently dropping the configuration.
 */
export function fill(template, slots) {
  const markers = Object.keys(slots);
  for (const marker of markers) {
    const n = template.split(marker).length - 1;
    if (n !== 1) throw new Error(`template slot ${marker} occurs ${n} times`);
  }
  // One pass over the template, so text spliced into one slot is never searched for another.
  const re = new RegExp(markers.map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).sort((a, b) => b.length - a.length).join('|'), 'g');
  return template.replace(re, (m) => slots[m] ?? '');
}

/** Write `files` ({ relativePath: text }) into `dir` (created). */
export function writeFiles(dir, files) {
  fs.mkdirSync(dir, { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
  }
}

/**
 * A one-file Node.js server for a cell: `template`'s slots filled with the fix (or, without one, the failure's
 * broken CORS from `broken(failure, appOrigin, otherOrigin)`) and `auth` for options-auth, written as `file`
 * into the cell's workdir (`prepare(workdir)` may add to it), then started with this Node.
 */
export function startNodeServer({ name, template, file, auth, broken, prepare, env }, cell) {
  const { failure, fixSnippet, port, appOrigin, otherOrigin, workdir } = cell;
  const src = fill(template, {
    '/*FIX*/': fixSnippet ?? '',
    '/*AUTH*/': failure === 'options-auth' ? auth : '',
    '/*BROKEN*/': fixSnippet === null ? broken(failure, appOrigin, otherOrigin) : '',
    '/*PORT*/': String(port),
  });
  writeFiles(workdir, { [file]: src });
  prepare?.(workdir);
  return spawnServer({ name, cmd: process.execPath, args: [path.join(workdir, file)], cwd: workdir, port, env });
}

/** Throws unless every package resolves from the repository root (installed by `npm ci`). */
export function requireNodePackages(names) {
  const req = createRequire(path.join(REPO, 'package.json'));
  const missing = names.filter((n) => { try { req.resolve(n); return false; } catch { return true; } });
  if (missing.length) {
    throw new Error(`missing npm packages ${missing.join(', ')}: run \`npm ci\` in ${REPO} (or tests/frameworks/install.sh)`);
  }
}

/** Throws unless `cmd` is on PATH. */
export function requireCommand(cmd, hint) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} not found${hint ? `: ${hint}` : ''} (tests/frameworks/install.sh installs it)`);
  return r.stdout.trim();
}

let venvPromise = null;

/**
 * The shared Python venv with tests/frameworks/requirements.txt installed; created or updated when the
 * requirements changed (a hash stamp in the venv). Resolves to the venv's python. Shared by every
 * Python adapter of one run (memoized, so concurrent setups do not race).
 */
export function pythonVenv() {
  if (!venvPromise) venvPromise = ensureVenv();
  return venvPromise;
}

async function ensureVenv() {
  const py = path.join(VENV, 'bin', 'python');
  const stamp = path.join(VENV, '.requirements.sha256');
  const want = crypto.createHash('sha256').update(fs.readFileSync(REQUIREMENTS)).digest('hex');
  if (fs.existsSync(py) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === want) return py;
  const base = process.env.PYTHON || 'python3';
  const run = (cmd, args) => new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d) => { out += d; });
    c.stderr.on('data', (d) => { out += d; });
    c.once('error', reject);
    c.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} failed (${code}):\n${out.slice(-4000)}`))));
  });
  if (!fs.existsSync(py)) {
    fs.mkdirSync(WORK, { recursive: true });
    await run(base, ['-m', 'venv', VENV]);
  }
  await run(py, ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', '-r', REQUIREMENTS]);
  fs.writeFileSync(stamp, `${want}\n`);
  return py;
}

/** Indent every line of `text` by `n` spaces (for splicing a snippet into an indented block). */
export function indent(text, n) {
  const pad = ' '.repeat(n);
  return text.split('\n').map((l) => (l ? pad + l : l)).join('\n');
}

/** A JS/Python string literal for a value the harness controls (an origin, a port). */
export function lit(value) {
  return JSON.stringify(String(value));
}
