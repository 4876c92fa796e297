// nginx in front of an application. The application is a second nginx server on a unix socket that
// answers GET/PUT/DELETE/POST /api/submit with 200 JSON and everything else with 405 (it stands for
// the proxied app). The public server is where CORS is configured: the engine's snippet goes at the
// top of `location = /api/submit` (its placement sentence), before `auth_request` (options-auth) and
// `proxy_pass`; broken configurations sit after the auth line, where they are typically added.
// Runs as the current user (adapters/_nginx.mjs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { AUTH_VALUE, fill, indent, requireCommand } from '../lib.mjs';
import { brokenSpec, plain, specHeaders } from './_broken-spec.mjs';
import { nginxConf, startNginx } from './_nginx.mjs';

export const id = 'nginx';

const SERVERS = `
    # The application.
    server {
        listen unix:#SOCK;
        location / {
            default_type application/json;
            if ($request_method !~ ^(GET|PUT|DELETE|POST)$) {
                return 405;
            }
            return 200 '{"ok":true}';
        }
    }

    server {
        listen 127.0.0.1:#PORT;
        server_name localhost;

        location = /api/submit {
#FIX
#AUTH
#BROKEN
            proxy_pass http://unix:#SOCK:;
        }

        location = /_auth {
            internal;
            if ($http_authorization = "${AUTH_VALUE}") {
                return 204;
            }
            return 401;
        }

        location / {
            return 404;
        }
    }
`;

function broken(failure, appOrigin, otherOrigin) {
  const spec = brokenSpec(failure, plain(appOrigin), plain(otherOrigin));
  if (!spec) return '';
  // no-options-handler: add_header without `always` only decorates 2xx/3xx answers, and OPTIONS reaches
  // the application, which answers 405: the classic "headers only on the actual response".
  const always = spec.preflight ? ' always' : '';
  const lines = specHeaders(spec).map(([k, v]) => `add_header ${k} "${v}"${always};`);
  // options-auth: the application is left to answer OPTIONS, so auth_request sees the preflight first.
  if (spec.preflight && !spec.afterAuth) lines.push('if ($request_method = OPTIONS) {', '    return 204;', '}');
  return lines.join('\n');
}

export async function setup() {
  requireCommand('nginx', 'apt-get install nginx');
}

export async function start({ failure, fixSnippet, port, appOrigin, otherOrigin, workdir }) {
  // A unix socket path must be short (108 bytes): keep it in the temp dir.
  const sock = path.join(os.tmpdir(), `cors-lens-nginx-${process.pid}-${port}.sock`);
  fs.rmSync(sock, { force: true });
  const servers = fill(SERVERS.replaceAll('#SOCK', sock).replaceAll('#PORT', String(port)), {
    '#FIX': fixSnippet === null ? '' : indent(fixSnippet.trimEnd(), 12),
    '#AUTH': failure === 'options-auth' ? indent('auth_request /_auth;', 12) : '',
    '#BROKEN': fixSnippet === null ? indent(broken(failure, appOrigin, otherOrigin), 12) : '',
  });
  const server = await startNginx({ name: id, workdir, port, conf: nginxConf(workdir, servers) });
  return { ...server, stop: async () => { await server.stop(); fs.rmSync(sock, { force: true }); } };
}
