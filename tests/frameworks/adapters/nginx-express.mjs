// Two layers: nginx in front of Express 4, whose cors package is configured correctly (_layer-app.mjs). Only the
// two-layer failures of layers.mjs run here, and the fix asked for is nginx's (`fixWith`): the
// failures live in the proxy. The engine's snippet goes at the top of `location = /api/submit` (its
// placement sentence); the proxy's other lines (a method allow-list, a proxy_hide_header) stay, as a
// user's would; only broken Access-Control-* add_header lines are replaced. For proxy-error-page no
// app runs: nginx proxies to a port nothing listens on.
import { LAYER_FAILURE_IDS } from '../layers.mjs';
import { fill, indent, requireCommand } from '../lib.mjs';
import { plain } from './_broken-spec.mjs';
import { appPortBeside, requireLayerApp, startBehindProxy } from './_layer-app.mjs';
import { nginxConf, startNginx } from './_nginx.mjs';

export const id = 'nginx-express';
export const fixWith = 'nginx';
export const failures = LAYER_FAILURE_IDS;
export const layers = { proxy: 'nginx', app: 'Express' };

const SERVER = `
    server {
        listen 127.0.0.1:#PORT;
        server_name localhost;
        location = /api/submit {
#FIX
#PROXY
            proxy_pass http://127.0.0.1:#APP_PORT;
        }
        location / {
            return 404;
        }
    }
`;

/** The proxy's own lines for each failure; `cors` marks the ones the fix replaces (its Access-Control-* lines). */
function proxyLines(failure, appOrigin) {
  switch (failure) {
    // A method allow-list written without OPTIONS in mind.
    case 'proxy-options-405': return { kept: ['if ($request_method !~ ^(GET|HEAD|POST|PUT|DELETE)$) {', '    return 405;', '}'], cors: [] };
    case 'proxy-strips': return { kept: ['proxy_hide_header Access-Control-Allow-Origin;'], cors: [] };
    case 'proxy-duplicates': return { kept: [], cors: [`add_header Access-Control-Allow-Origin "${plain(appOrigin)}" always;`] };
    case 'proxy-error-page': return { kept: [], cors: [] };
    default: throw new Error(`${id} runs only the two-layer failures, not ${failure}`);
  }
}

export async function setup() {
  requireCommand('nginx', 'apt-get install nginx');
  requireLayerApp();
}

export async function start({ failure, fixSnippet, port, appOrigin, workdir }) {
  const appPort = await appPortBeside(port);
  const lines = proxyLines(failure, appOrigin);
  const server = fill(SERVER.replaceAll('#APP_PORT', String(appPort)).replace('#PORT', String(port)), {
    '#FIX': fixSnippet === null ? '' : indent(fixSnippet.trimEnd(), 12),
    '#PROXY': indent([...lines.kept, ...(fixSnippet === null ? lines.cors : [])].join('\n'), 12),
  });
  return startBehindProxy({ failure, workdir, appOrigin, appPort,
    startProxy: () => startNginx({ name: id, workdir, port, conf: nginxConf(workdir, server) }) });
}
