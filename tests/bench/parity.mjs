// The wasm that ships (extension/pkg: wasm-bindgen --target web, then wasm-opt) gives the native CLI's verdicts
// on the whole corpus. crate/tests/wasm_parity.rs proves the same in Chromium for a quickly compiled test build;
// this checks the optimised artefact itself, in Node, with the same data (./build.sh test writes it).
//
// usage: CORS_LENS_PARITY_DIR=target/parity CORS_LENS_PARITY_MIN=201 node --test tests/bench/parity.mjs
// env:   CORS_LENS_PKG (default extension/pkg)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = process.env.CORS_LENS_PARITY_DIR;
const min = Number(process.env.CORS_LENS_PARITY_MIN);
const pkg = path.resolve(process.env.CORS_LENS_PKG ?? path.join(REPO, 'extension', 'pkg'));

const lines = (f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
// "invalid exchange at request.url: <deserialiser's words>": the path is shared, the wording is serde_json's natively.
const head = (message) => message.split(': ')[0];

test('the shipped wasm gives the native verdicts on the corpus', async () => {
  assert.ok(dir && min > 0, 'set CORS_LENS_PARITY_DIR and CORS_LENS_PARITY_MIN (./build.sh test does)');
  const wasm = await import(pathToFileURL(path.join(pkg, 'cors_lens.js')).href);
  wasm.initSync({ module: fs.readFileSync(path.join(pkg, 'cors_lens_bg.wasm')) });
  const cases = lines('cases.jsonl');
  const native = lines('native.jsonl');
  assert.equal(cases.length, native.length, 'cases.jsonl and native.jsonl differ in length');

  let verdicts = 0;
  let rejected = 0;
  const mismatches = [];
  cases.forEach(({ name, exchange }, i) => {
    const want = native[i];
    const nativeError = 'line' in want ? want.error : null;
    let got;
    let error = null;
    try {
      got = wasm.check(exchange);
    } catch (e) {
      error = String(e?.message ?? e);
    }
    if (nativeError === null && error === null) {
      try {
        assert.deepStrictEqual(JSON.parse(JSON.stringify(got)), want);
        verdicts++;
      } catch {
        mismatches.push(`${name}:\n  native ${JSON.stringify(want)}\n  wasm   ${JSON.stringify(got)}`);
      }
    } else if (nativeError !== null && error !== null && head(nativeError) === head(error)) {
      rejected++;
    } else {
      mismatches.push(`${name}: native ${nativeError ?? 'gives a verdict'}, wasm ${error ?? 'gives a verdict'}`);
    }
  });
  assert.equal(mismatches.length, 0, `${mismatches.length} of ${cases.length} differ; first ones:\n${mismatches.slice(0, 5).join('\n')}`);
  assert.ok(rejected > 0, 'the unusable exchanges were not compared');
  assert.ok(verdicts >= min, `only ${verdicts} verdicts compared, expected at least ${min}`);
  console.log(`shipped wasm parity: ${verdicts} verdicts and ${rejected} input errors identical to native`);
});
