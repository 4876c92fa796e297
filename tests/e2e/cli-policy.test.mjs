// `cors-lens probe --policy` against live local APIs: a deliberately bad one (echoes every origin, no Vary, no
// Max-Age), a good one (an allowlist, Vary: Origin, Max-Age), one behind a cache shared between origins, and one
// that answers a fixed Access-Control-Allow-Origin (correct for its one origin: no Vary needed, no cache suspected).
// Every violation the bad servers have must be reported, and none invented (the good server gets none); the
// JUnit XML is read back by a real XML parser (python3's xml.etree).
//
//   node --test tests/e2e/cli-policy.test.mjs
// Env: CORS_LENS_BIN (as console-parity.test.mjs).
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { locateEngine } from './lib/engine.mjs';

const APP = 'https://app.example.com';
const ADMIN = 'https://admin.example.com';
const REFUSED = 'https://partner-old.example.net';

/** What each kind of server does with a request's Origin: the ACAO it answers, or null for none. */
const KINDS = {
  // Reflects whatever comes, the classic misconfiguration; forgets Vary and Max-Age.
  bad: { acao: (origin) => origin ?? null, vary: false, maxAge: false },
  good: { acao: (origin) => ([APP, ADMIN].includes(origin) ? origin : null), vary: true, maxAge: true },
  // Allowlists correctly but forgets Vary, behind a cache keyed on the URL alone that keeps GET answers (not
  // preflights, as CDNs do): the first origin's answer is replayed to everyone.
  cached: { acao: (origin) => ([APP, ADMIN].includes(origin) ? origin : null), vary: false, maxAge: true, cache: true },
  fixed: { acao: () => APP, vary: false, maxAge: true },
};

function startApi(kind) {
  const k = KINDS[kind];
  const cache = new Map();
  const server = http.createServer((req, res) => {
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'];
    const cached = k.cache && !preflight;
    if (cached && cache.has(req.url)) {
      const [status, headers] = cache.get(req.url);
      res.writeHead(status, headers).end();
      return;
    }
    const headers = {};
    const acao = k.acao(req.headers.origin);
    if (acao !== null) Object.assign(headers, { 'access-control-allow-origin': acao, 'access-control-allow-credentials': 'true' });
    if (k.vary) headers.vary = 'Origin';
    if (preflight) {
      Object.assign(headers, { 'access-control-allow-methods': 'GET, PUT', 'access-control-allow-headers': 'content-type' });
      if (k.maxAge) headers['access-control-max-age'] = '600';
    }
    const status = preflight ? 204 : 200;
    if (cached) cache.set(req.url, [status, headers]);
    res.writeHead(status, headers).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function cli(bin, args) {
  return new Promise((resolve) => {
    execFile(bin, args, { encoding: 'utf8', timeout: 60000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      resolve({ status: error ? error.code : 0, stdout, stderr });
    });
  });
}

function policyFor(base) {
  return `# Origins the app is served from; every other must be refused.
allowed_origins = ["${APP}", "${ADMIN}"]
refused_origins = ["${REFUSED}"]

[[endpoint]]
url = "${base}/items"
methods = ["GET"]
credentials = true

[[endpoint]]
url = "${base}/items/1"
methods = ["PUT"]
headers = ["Content-Type: application/json"]
credentials = true
`;
}

// The origins that must be refused: the policy's, and the attacks on each allowed origin.
const MUST_REFUSE = [
  `refused: ${REFUSED}`,
  'refused: null (null origin (sandboxed iframe, file:))',
  'refused: http://app.example.com (other scheme)',
  'refused: https://app.example.com.evil.test (suffix trick)',
  'refused: https://evil-app.example.com (prefix trick)',
  'refused: https://evil.example.com (sibling subdomain)',
  'refused: http://admin.example.com (other scheme)',
  'refused: https://admin.example.com.evil.test (suffix trick)',
  'refused: https://evil-admin.example.com (prefix trick)',
];

describe('cors-lens probe --policy', () => {
  let bin;
  let tmp;
  const servers = {};
  const results = {};

  before(async () => {
    const loc = locateEngine();
    assert.equal(loc.error, undefined, loc.error);
    bin = loc.bin;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lens-policy-'));
    for (const kind of Object.keys(KINDS)) {
      servers[kind] = await startApi(kind);
      const file = path.join(tmp, `${kind}.toml`);
      fs.writeFileSync(file, policyFor(`http://127.0.0.1:${servers[kind].address().port}`));
      const junit = path.join(tmp, `${kind}.xml`);
      const json = await cli(bin, ['probe', '--policy', file, '--format', 'json', '--junit', junit]);
      const text = await cli(bin, ['probe', '--policy', file]);
      results[kind] = { json, text, report: JSON.parse(json.stdout), junit };
    }
  });

  after(async () => {
    await Promise.all(Object.values(servers).map((s) => new Promise((r) => s.close(() => r()))));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const violations = (kind) => results[kind].report.cases.filter((c) => c.outcome === 'violation').map((c) => `${c.method} ${c.check}`).sort();

  it('a server that echoes every origin: each refused and attack origin, Vary and Max-Age reported, exit 1', () => {
    const expected = [
      ...MUST_REFUSE.map((c) => `GET ${c}`), 'GET Vary: Origin on the response',
      ...MUST_REFUSE.map((c) => `PUT ${c}`), 'PUT Vary: Origin on the preflight', 'PUT Access-Control-Max-Age set on the preflight',
    ].sort();
    assert.deepEqual(violations('bad'), expected);
    assert.equal(results.bad.json.status, 1);
    assert.equal(results.bad.text.status, 1);
    const evil = results.bad.report.cases.find((c) => c.check.includes('suffix trick') && c.method === 'GET');
    assert.match(evil.detail, /Access-Control-Allow-Origin: https:\/\/app\.example\.com\.evil\.test/i);
    assert.match(results.bad.text.stdout, /VIOLATION {2}PUT http:\/\/127\.0\.0\.1:\d+\/items\/1 {2}refused: null/);
    assert.match(results.bad.text.stdout, /: \d+ checks, 21 violations, 0 errors\n$/);
  });

  it('a server that allowlists, varies and caches its preflight: no violation, exit 0', () => {
    assert.deepEqual(violations('good'), []);
    assert.equal(results.good.json.status, 0, results.good.text.stdout);
    const checks = results.good.report.cases.map((c) => `${c.method} ${c.check}`);
    for (const c of MUST_REFUSE) assert.ok(checks.includes(`GET ${c}`) && checks.includes(`PUT ${c}`), c);
    assert.ok(checks.includes(`GET allowed: ${APP}`) && checks.includes(`PUT allowed: ${ADMIN}`));
  });

  it('a cache shared between origins: the second allowed origin is refused and the crossed answer named', () => {
    const found = violations('cached');
    // The preflights (not cached) show that the API echoes origins, and that it forgets Vary there too.
    assert.deepEqual(found, [`GET allowed: ${ADMIN}`, 'GET Vary: Origin on the response', 'PUT Vary: Origin on the preflight'].sort());
    const crossed = results.cached.report.cases.find((c) => c.check === 'Vary: Origin on the response');
    assert.match(crossed.detail, new RegExp(`${ADMIN} was answered ${APP}`));
  });

  it('a fixed Access-Control-Allow-Origin: only the origin it does not name is reported', () => {
    assert.deepEqual(violations('fixed'), [`GET allowed: ${ADMIN}`, `PUT allowed: ${ADMIN}`]);
  });

  it('the JUnit XML parses, one test case per check and one failure per violation', () => {
    const read = `import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.findall('./testsuite/testcase')
print(json.dumps({'root': root.tag, 'tests': int(root.get('tests')), 'failures': int(root.get('failures')),
  'cases': len(cases), 'failed': sorted(c.get('classname').split(' ')[0] + ' ' + c.get('name') for c in cases if c.find('failure') is not None)}))`;
    for (const kind of Object.keys(KINDS)) {
      const parsed = JSON.parse(execFileSync('python3', ['-c', read, results[kind].junit], { encoding: 'utf8' }));
      assert.equal(parsed.root, 'testsuites');
      assert.equal(parsed.cases, results[kind].report.checks);
      assert.equal(parsed.tests, parsed.cases);
      assert.equal(parsed.failures, results[kind].report.violations);
      assert.deepEqual(parsed.failed, violations(kind), kind);
    }
  });

  it('a policy with a mistake: exit 2, the mistake named', async () => {
    const file = path.join(tmp, 'typo.toml');
    fs.writeFileSync(file, 'allowed_origins = ["https://app.example.com/"]\n[[endpoint]]\nurl = "http://127.0.0.1:1/"\n');
    const r = await cli(bin, ['probe', '--policy', file]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /typo\.toml: endpoint 1 .*'https:\/\/app\.example\.com\/' is not an origin as browsers send it: https:\/\/app\.example\.com$/m);
  });
});
