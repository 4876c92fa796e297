#!/usr/bin/env node
// ./build.sh package: writes dist/cors-lens-<version>.zip with the runtime files only (manifest, the extension's
// pages, scripts and styles, icons, and the wasm-bindgen module + wasm), ready for the Chrome Web Store and AMO.
// No dependencies: a small deterministic zip writer (deflate via node:zlib, fixed timestamps).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rel = (p) => path.relative(REPO, p).split(path.sep).join('/');

function runtimeFiles() {
  const ext = path.join(REPO, 'extension');
  const files = ['manifest.json'];
  // Pages, scripts and styles at any depth (background/, panel/), but not the generated pkg/ or build tools.
  for (const f of fs.readdirSync(ext, { recursive: true }).map((p) => p.split(path.sep).join('/')).sort()) {
    if (/\.(html|css|js)$/.test(f) && !f.startsWith('pkg/') && !f.startsWith('icons/')) files.push(`extension/${f}`);
  }
  for (const f of fs.readdirSync(path.join(ext, 'icons')).sort()) {
    if (f.endsWith('.png')) files.push(`extension/icons/${f}`);
  }
  files.push('extension/pkg/cors_lens.js', 'extension/pkg/cors_lens_bg.wasm');
  // The engine's own JS helpers (wasm-bindgen's inline_js, crate/src/wasm/), which cors_lens.js imports.
  const snippets = path.join(ext, 'pkg', 'snippets');
  if (fs.existsSync(snippets)) {
    for (const f of fs.readdirSync(snippets, { recursive: true }).map((p) => p.split(path.sep).join('/')).sort()) {
      if (f.endsWith('.js')) files.push(`extension/pkg/snippets/${f}`);
    }
  }
  return files;
}

// Every path the manifest and the pages name must be in the zip.
function checkReferences(files, manifest) {
  const need = new Set();
  const add = (p) => need.add(String(p).replace(/^\//, ''));
  Object.values(manifest.icons || {}).forEach(add);
  (manifest.background?.scripts || []).forEach(add);
  if (manifest.background?.service_worker) add(manifest.background.service_worker);
  if (manifest.devtools_page) add(manifest.devtools_page);
  for (const f of files.filter((x) => x.endsWith('.html'))) {
    const html = fs.readFileSync(path.join(REPO, f), 'utf8');
    for (const m of html.matchAll(/(?:src|href)="([^":]+)"/g)) add(path.posix.join(path.posix.dirname(f), m[1]));
  }
  for (const f of files.filter((x) => x.endsWith('.js'))) {
    const js = fs.readFileSync(path.join(REPO, f), 'utf8');
    for (const m of js.matchAll(/^import [^'"]*['"](\.[^'"]+)['"]/gm)) add(path.posix.join(path.posix.dirname(f), m[1]));
  }
  const missing = [...need].filter((p) => !files.includes(p));
  if (missing.length) throw new Error(`referenced but not packaged: ${missing.join(', ')}`);
}

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function zip(entries) {
  const DOS_TIME = 0; // 00:00:00
  const DOS_DATE = ((2024 - 1980) << 9) | (1 << 5) | 1; // 2024-01-01: reproducible archives
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBuf = Buffer.from(name, 'utf8');
    const deflated = zlib.deflateRawSync(data, { level: 9 });
    const useDeflate = deflated.length < data.length;
    const body = useDeflate ? deflated : data;
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(useDeflate ? 8 : 0, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, nameBuf, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x031e, 4); // made by: Unix, 3.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(useDeflate ? 8 : 0, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(((0o100644) << 16) >>> 0, 38); // -rw-r--r--
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBuf);
    offset += local.length + nameBuf.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'manifest.json'), 'utf8'));
const files = runtimeFiles();
for (const f of files) {
  if (!fs.existsSync(path.join(REPO, f))) {
    console.error(`package: ${f} is missing${f.includes('/pkg/') ? ' (run ./build.sh first)' : ''}`);
    process.exit(1);
  }
}
checkReferences(files, manifest);
const out = path.join(REPO, 'dist', `cors-lens-${manifest.version}.zip`);
fs.mkdirSync(path.dirname(out), { recursive: true });
const buf = zip(files.map((name) => ({ name, data: fs.readFileSync(path.join(REPO, name)) })));
fs.writeFileSync(out, buf);
console.log(`${rel(out)}: ${files.length} files, ${(buf.length / 1024).toFixed(1)} KiB`);
for (const f of files) console.log(`  ${f}`);
