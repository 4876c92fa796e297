// Locate (and if needed build) the cors-lens CLI and run `cors-lens check --jsonl -` over many exchanges.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '../../..');

function newestMtime(dir) {
  let newest = 0;
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * CORS_LENS_BIN if set; else <repo>/target/debug/cors-lens, built with `cargo build --bin cors-lens` when it is
 * missing or older than a file under crate/ or Cargo.toml. Returns { bin } or { error } (the build output).
 */
export function locateEngine() {
  if (process.env.CORS_LENS_BIN) return { bin: process.env.CORS_LENS_BIN };
  const bin = path.join(REPO, 'target', 'debug', 'cors-lens');
  const stale = () => {
    const built = fs.statSync(bin).mtimeMs;
    const sources = Math.max(newestMtime(path.join(REPO, 'crate')), fs.statSync(path.join(REPO, 'Cargo.toml')).mtimeMs);
    return sources > built;
  };
  if (!fs.existsSync(bin) || stale()) {
    const r = spawnSync('cargo', ['build', '--bin', 'cors-lens'], { cwd: REPO, encoding: 'utf8' });
    if (r.status !== 0 || !fs.existsSync(bin)) {
      return { error: `cargo build --bin cors-lens failed (exit ${r.status}):\n${(r.stderr || '').slice(-4000)}` };
    }
  }
  return { bin };
}

/**
 * One exchange per line in, one verdict per line out (same order), by `browser`'s rules (the CLI's default,
 * Chromium, when not given). Returns { verdicts } or { error }.
 */
export function runEngine(bin, exchanges, browser) {
  const input = exchanges.map((e) => JSON.stringify(e)).join('\n') + '\n';
  const args = ['check', '--jsonl', ...(browser ? ['--browser', browser] : []), '-'];
  const r = spawnSync(bin, args, { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  // EPIPE: the binary exited without reading all of stdin; report what it printed instead.
  if (r.error && r.error.code !== 'EPIPE') return { error: String(r.error) };
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
  const verdicts = [];
  for (const l of lines) {
    try { verdicts.push(JSON.parse(l)); } catch { verdicts.push({ __unparsable: l }); }
  }
  if (verdicts.length !== exchanges.length) {
    return { error: `\`${bin} check --jsonl -\` returned ${verdicts.length} lines for ${exchanges.length} exchanges`
      + ` (exit ${r.status}${r.error ? `, ${r.error.code}` : ''}); stderr:\n${(r.stderr || '').slice(-4000)}`, verdicts };
  }
  return { verdicts, stderr: r.stderr, status: r.status };
}

/**
 * `cors-lens har` on a HAR file, both outputs: `lines` (--jsonl, parsed) and `text` (for people). Throws when the
 * engine is missing or either run fails.
 */
export function harListing(harPath) {
  const loc = locateEngine();
  if (loc.error) throw new Error(loc.error);
  const run = (args) => {
    const out = spawnSync(loc.bin, ['har', ...args, harPath], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (out.status !== 0) throw new Error(`cors-lens har ${args.join(' ')} exited ${out.status}: ${out.stderr}`);
    return out.stdout;
  };
  const lines = run(['--jsonl']).split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return { lines, text: run([]) };
}
