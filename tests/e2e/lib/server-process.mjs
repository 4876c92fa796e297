// Start tests/servers/two-origin.mjs as a child process, read its one-line JSON banner, kill it by PID.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SERVER_PATH = path.resolve(here, '../../servers/two-origin.mjs');

/** Resolves to { app, api, other, pid, log(since), reset(), stop() }. */
export function startServerProcess({ timeoutMs = 10000, args = [] } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVER_PATH, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`two-origin server did not print its banner within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', (e) => { clearTimeout(timer); reject(e); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`two-origin server exited early (${code})`)); });
    child.stdout.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const info = JSON.parse(buf.slice(0, nl));
      child.stdout.resume();
      resolve({
        ...info,
        async log(since = 0) {
          const r = await fetch(`${info.app}/__log?since=${since}`);
          return r.json();
        },
        async reset() {
          await fetch(`${info.app}/__reset`, { method: 'POST' });
        },
        stop() {
          return new Promise((res) => {
            if (child.exitCode !== null || child.signalCode !== null) return res();
            child.once('exit', () => res());
            try { process.kill(info.pid, 'SIGTERM'); } catch { res(); }
            setTimeout(() => { try { process.kill(info.pid, 'SIGKILL'); } catch { /* gone */ } }, 2000).unref();
          });
        },
      });
    });
  });
}
