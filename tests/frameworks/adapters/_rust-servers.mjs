// Shared by the axum and actix adapters: one small cargo project, tests/frameworks/rust-servers (its own
// [workspace], pinned axum/tower-http/actix-web/actix-cors/tokio, minimal features), with one binary per
// framework holding every configuration, selected by a CLI argument:
//
//   <bin> PORT ORIGIN broken:<failure>       the hand-written broken configurations (in src/*_main.rs;
//                                            they take the origin they allow at run time: the page's,
//                                            or the other one for second-origin; so they never need
//                                            a rebuild)
//   <bin> PORT ORIGIN fixed:<key>            a fixed configuration: the engine's snippet verbatim in a
//                                            module of .work/rust-gen/<name>_fixed.rs (the sources
//                                            include! it from $CORS_LENS_RUST_GEN_DIR), with the same
//                                            routes and auth as its broken twin
//
// Builds: setup() builds the binary once (a cold build of the dependencies takes about a minute on two
// cores, then it is cached in .work/rust-target). start() with a snippet adds the fixed configuration
// to the set this process has seen and, unless the current binary has it, regenerates the module file
// and rebuilds (incremental: a few seconds, only the bin crate). Builds are serialized per binary; a
// build takes every configuration seen so far, so cells that wait for a build share it. Every binary
// is copied to .work/rust-bin/<bin>-<hash of its sources> (build times in .work/rust-bin/builds.log),
// so a running server is never overwritten, and a later run with the same sources skips cargo.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { FRAMEWORKS_DIR, WORK, requireCommand, spawnServer } from '../lib.mjs';

export const PROJECT = path.join(FRAMEWORKS_DIR, 'rust-servers');
const TARGET = path.join(WORK, 'rust-target');
const GEN = path.join(WORK, 'rust-gen');
const BIN_CACHE = path.join(WORK, 'rust-bin');

const sha = (text) => crypto.createHash('sha256').update(text).digest('hex');

function run(cmd, args, opts) {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d) => { out += d; });
    c.stderr.on('data', (d) => { out += d; });
    c.once('error', reject);
    c.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} failed (${code}):\n${out.slice(-6000)}`))));
  });
}

/** The sources every binary depends on besides its generated module file. */
function staticSources(bin) {
  const files = ['Cargo.toml', 'Cargo.lock', `src/${bin.replace('-server', '')}_main.rs`];
  return files.map((f) => `${f}\n${fs.readFileSync(path.join(PROJECT, f), 'utf8')}`).join('\n');
}

/**
 * bin: 'axum-server' | 'actix-server'; generate(entries): the module file for [[key, {failure, snippet}], ...].
 * Returns { setup(), start({ failure, fixSnippet, port, appOrigin, otherOrigin, workdir }) } for an adapter.
 */
export function rustServer({ name, bin, generate }) {
  const genFile = path.join(GEN, `${bin.replace('-server', '')}_fixed.rs`);
  const known = new Map(); // key -> { failure, snippet }
  let current = null; // { path, keys }
  let queue = Promise.resolve();
  const stats = { builds: 0, buildMs: 0 };

  function serialized(fn) {
    const p = queue.then(fn);
    queue = p.catch(() => {});
    return p;
  }

  async function build() {
    const entries = [...known.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    const source = generate(entries);
    const hash = sha(`${staticSources(bin)}\n${source}`).slice(0, 16);
    const cached = path.join(BIN_CACHE, `${bin}-${hash}`);
    if (!fs.existsSync(cached)) {
      fs.mkdirSync(GEN, { recursive: true });
      fs.mkdirSync(BIN_CACHE, { recursive: true });
      fs.writeFileSync(genFile, source);
      const t0 = Date.now();
      await run('cargo', ['build', '--locked', '-j2', '--bin', bin], { cwd: PROJECT, env: { ...process.env, CARGO_TARGET_DIR: TARGET, CORS_LENS_RUST_GEN_DIR: GEN } });
      const ms = Date.now() - t0;
      stats.builds += 1;
      stats.buildMs += ms;
      fs.appendFileSync(path.join(BIN_CACHE, 'builds.log'),
        `${new Date().toISOString()} ${bin} ${hash} ${entries.length} fixed configuration(s) ${ms} ms\n`);
      const tmp = `${cached}.tmp-${process.pid}`;
      fs.copyFileSync(path.join(TARGET, 'debug', bin), tmp);
      fs.renameSync(tmp, cached);
    }
    current = { path: cached, keys: new Set(entries.map(([k]) => k)) };
    return cached;
  }

  /** A binary that holds `key` (or any binary, for key null). */
  function binaryFor(key) {
    return serialized(async () => {
      if (current && (key === null || current.keys.has(key))) return current.path;
      return build();
    });
  }

  return {
    stats,
    async setup() {
      requireCommand('cargo', 'install a Rust toolchain (rustup)');
      await binaryFor(null);
    },
    async start({ failure, fixSnippet, port, appOrigin, otherOrigin, workdir }) {
      let config = `broken:${failure}`;
      let key = null;
      if (fixSnippet !== null) {
        key = `k${sha(`${failure}\n${fixSnippet}`).slice(0, 12)}`;
        known.set(key, { failure, snippet: fixSnippet });
        config = `fixed:${key}`;
      }
      const exe = await binaryFor(key);
      const origin = failure === 'second-origin' ? otherOrigin : appOrigin;
      fs.writeFileSync(path.join(workdir, 'server.txt'), `${exe} ${port} ${origin} ${config}\n`);
      if (key) fs.writeFileSync(path.join(workdir, 'fixed.rs'), generate([[key, known.get(key)]]));
      return spawnServer({ name, cmd: exe, args: [String(port), origin, config], cwd: workdir, port });
    },
  };
}

/** Indent a snippet by `n` spaces for splicing into a module. */
export function indentRust(text, n) {
  const pad = ' '.repeat(n);
  return text.trimEnd().split('\n').map((l) => (l ? pad + l : l)).join('\n');
}
