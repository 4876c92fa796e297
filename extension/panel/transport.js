// Talking to the background service worker: one-off messages (runtime.sendMessage, answered by the engine's
// session) and a port whose "changed" notes say that this tab's report changed.
export const api = globalThis.browser ?? globalThis.chrome;
export const inDevtools = !!api.devtools?.inspectedWindow;
export const params = new URLSearchParams(location.search);
export const tabId = inDevtools ? api.devtools.inspectedWindow.tabId : Number(params.get('tabId'));

/** One message to the background for this tab; rejects on `{error}` or when no answer comes in time. */
export function send(msg, { timeout = msg.type === 'probe' ? 30000 : 10000 } = {}) {
  let timer;
  return Promise.race([
    Promise.resolve().then(() => api.runtime.sendMessage({ tabId, ...msg })).then((r) => {
      if (r && r.error) throw new Error(r.error);
      return r;
    }),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('the background did not answer')), timeout); }),
  ]).finally(() => clearTimeout(timer));
}

/** Keeps a port open to the background; `onChanged` runs on each "changed" note. */
export function connect(onChanged) {
  let reconnectDelay = 100;
  const open = () => {
    let port;
    try {
      // A panel outside DevTools says so: DevTools' records of its tab are then sent while it is open (ports.js).
      port = api.runtime.connect({ name: inDevtools ? `panel:${tabId}` : `page:${tabId}` });
    } catch {
      setTimeout(open, reconnectDelay);
      return;
    }
    port.onMessage.addListener((m) => {
      reconnectDelay = 100;
      if (m && m.type === 'changed') onChanged();
    });
    port.onDisconnect.addListener(() => {
      // The service worker stopped: reconnecting wakes it (it restores its session from storage.session).
      setTimeout(open, reconnectDelay);
      reconnectDelay = Math.min(reconnectDelay * 2, 2000);
    });
  };
  open();
}
