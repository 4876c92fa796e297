// The README's `cors-lens probe` examples run as written: the commands of its "try both on this machine"
// block, against the test API it starts (on this run's free ports instead of 8080/8081, which the policy file
// names too), each with the exit code its comment promises.
//
//   node --test tests/e2e/cli-readme.test.mjs
// Env: CORS_LENS_BIN (as console-parity.test.mjs).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { locateEngine, REPO } from './lib/engine.mjs';
import { startServerProcess } from './lib/server-process.mjs';

const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
const block = readme.split('```sh\n').map((b) => b.split('```')[0]).find((b) => b.includes('tests/servers/two-origin.mjs --app-port 8080'));
const commands = (block ?? '').split('\n').filter((l) => l.startsWith('cors-lens probe'));

describe('the README\'s probe examples', () => {
  let server;
  let tmp;
  let bin;

  before(async () => {
    bin = locateEngine().bin;
    server = await startServerProcess();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lens-readme-'));
  });

  after(async () => {
    if (server) await server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** The README's ports become this run's. */
  const localise = (text) => text.replaceAll('http://127.0.0.1:8080', server.app).replaceAll('http://127.0.0.1:8081', server.api);

  it('has its examples', () => {
    assert.ok(block, 'README block with the test API not found');
    assert.ok(commands.length >= 3, commands.join('\n'));
    assert.ok(commands.some((c) => c.includes('--policy examples/cors-policy.toml')));
  });

  for (const [index, line] of commands.entries()) {
    it(`runs: ${line.slice(0, 90)}…`, async () => {
      const [command, comment = ''] = line.split(/\s+# /);
      const expected = Number(/exit (\d)/.exec(comment)?.[1]);
      assert.ok(Number.isInteger(expected), `no '# exit N' comment: ${line}`);
      const policy = path.join(tmp, `policy-${index}.toml`);
      fs.writeFileSync(policy, localise(fs.readFileSync(path.join(REPO, 'examples', 'cors-policy.toml'), 'utf8')));
      const script = localise(command).replace('examples/cors-policy.toml', policy).replace(/^cors-lens /, '"$CORS_LENS" ');
      const r = await new Promise((resolve) => {
        execFile('bash', ['-c', script], { cwd: tmp, env: { ...process.env, CORS_LENS: bin }, encoding: 'utf8', timeout: 60000 },
          (error, stdout, stderr) => resolve({ status: error ? error.code : 0, stdout, stderr }));
      });
      assert.equal(r.status, expected, `${script}\n${r.stdout}${r.stderr}`);
      assert.ok(r.stdout.length > 0);
      if (command.includes('--junit')) assert.match(fs.readFileSync(path.join(tmp, 'cors-policy.xml'), 'utf8'), /<testsuites /);
    });
  }
});
