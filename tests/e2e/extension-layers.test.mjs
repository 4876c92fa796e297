// The CORS tab with nginx in front (Debian's nginx, really running): nginx answers the page's preflight
// with its own 405. The panel's explanation names nginx as the layer that wrote the answer, the fix slot
// proposes nginx's fix (the Server header) and says it changes the layer that answered; Express's fix says
// it does not reach that answer and shows nginx's snippet beside it (docs/layers.md).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';

import { freePort } from '../frameworks/lib.mjs';
import { nginxConf, startNginx } from '../frameworks/adapters/_nginx.mjs';
import { exchangesFor, launchExtension, missingBuild, openApp, openPanel, REPO, waitFor, waitForCaptureReady } from './lib/extension.mjs';
import { startServerProcess } from './lib/server-process.mjs';

const noNginx = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).status !== 0 && 'nginx not installed (tests/frameworks/install.sh)';
const skip = missingBuild() || noNginx;

// A method allow-list written without OPTIONS in mind: nginx answers the preflight 405 itself.
const SERVER = `
    server {
        listen 127.0.0.1:#PORT;
        location = /api/submit {
            if ($request_method !~ ^(GET|HEAD|POST|PUT|DELETE)$) {
                return 405;
            }
            return 200 '{"ok":true}';
        }
    }
`;

describe('extension: which layer answered (nginx in front)', { skip }, () => {
  let server;
  let nginx;
  let ext;
  let ctl;
  let panel;
  let url;
  let workdir;

  before(async () => {
    server = await startServerProcess();
    const port = await freePort();
    workdir = fs.mkdtempSync(path.join(REPO, 'tests', 'artifacts', 'layers-nginx-'));
    nginx = await startNginx({ name: 'nginx', workdir, port, conf: nginxConf(workdir, SERVER.replace('#PORT', String(port))) });
    url = `${nginx.baseUrl}/api/submit`;
    ext = await launchExtension({ windowSize: '1280,800' });
    const app = await openApp(ext.ctx, server.app);
    ctl = await openPanel(ext, server.app);
    panel = ctl.panel;
    await waitForCaptureReady(app, ctl.send, server.api);
    const result = await app.run({ method: 'PUT', headers: [['Content-Type', 'application/json']], body: '{"n":1}', url });
    assert.equal(result.ok, false, 'nginx\'s 405 to the preflight blocks the PUT');
    await waitFor(async () => exchangesFor(await ctl.report(), (x) => x.url.startsWith(url) && x.verdict).length === 1, { what: 'the PUT' });
  });

  after(async () => {
    if (ext) await ext.close();
    if (nginx) await nginx.stop();
    if (server) await server.stop();
    if (workdir) fs.rmSync(workdir, { recursive: true, force: true });
  });

  it('the explanation names nginx, and nginx\'s fix is proposed and changes the layer that answered', async () => {
    const x = exchangesFor(await ctl.report(), (e) => e.url.startsWith(url))[0];
    assert.equal(x.verdict.explanation.responder.answered_by.name, 'nginx');
    // The panel lists it once its own copy of the session has it (it can lag the background's).
    const id = await waitFor(() => panel.evaluate((u) => window.__corsLens.report().exchanges.find((e) => e.url.startsWith(u))?.id, url),
      { what: 'the PUT in the panel', timeout: 15000 });
    await panel.evaluate((i) => window.__corsLens.select(i), id);
    await panel.waitForSelector('#detail:not([hidden]) #console-line');
    const text = await panel.$eval('#detail', (e) => e.textContent);
    assert.ok(text.includes('This 405 came from your proxy (nginx), not from your app'), text);
    // The Server header proposes nginx's fix; its layer note says it changes the layer that wrote the answer.
    await panel.waitForSelector('#fix-layer');
    assert.equal(await panel.$eval('#framework', (e) => e.value), 'nginx');
    assert.ok((await panel.$eval('#fix-layer', (e) => e.textContent)).startsWith('nginx wrote this answer itself'));
    assert.equal(await panel.$('#fix-other-layer'), null);
  });

  it("Express's fix says it does not reach nginx's answer and shows nginx's snippet beside it", async () => {
    await panel.selectOption('#framework', 'express');
    await panel.waitForFunction(() => /does not change this answer/.test(document.querySelector('#fix-layer')?.textContent || ''));
    const other = await panel.$eval('#fix-other-layer', (e) => e.textContent);
    assert.ok(other.startsWith('And in nginx: '), other);
    const codes = await panel.$$eval('.fix-code', (els) => els.map((e) => e.textContent));
    assert.equal(codes.length, 2, 'the app\'s snippet and nginx\'s');
    assert.ok(codes[0].includes("require('cors')") && codes[1].includes('add_header Access-Control-Allow-Origin'), codes.join('\n---\n'));
  });
});
