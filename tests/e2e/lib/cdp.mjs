// A small raw CDP client over `ws`, for what Playwright cannot reach: DevTools frontend windows and the
// extension's DevTools panel (an out-of-process iframe). Flattened sessions on one browser-level socket.
import WebSocket from 'ws';

export async function connectCdp(port) {
  const info = await (await fetch(`http://127.0.0.1:${port}/json/version`)).json();
  const ws = new WebSocket(info.webSocketDebuggerUrl, { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  let nextId = 1;
  const calls = new Map();
  const listeners = new Set();
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString());
    if (m.id && calls.has(m.id)) {
      const { resolve, reject, method } = calls.get(m.id);
      calls.delete(m.id);
      if (m.error) reject(new Error(`${method}: ${m.error.message}`));
      else resolve(m.result);
      return;
    }
    for (const l of listeners) l(m);
  });
  const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
    const id = nextId++;
    calls.set(id, { resolve, reject, method });
    ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
  });

  async function targets() {
    return (await send('Target.getTargets')).targetInfos;
  }

  async function waitForTarget(pred, { timeout = 15000 } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const t = (await targets()).find(pred);
      if (t) return t;
      if (Date.now() > deadline) throw new Error('timed out waiting for a CDP target');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function attach(targetId) {
    const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
    const s = {
      sessionId,
      send: (method, params) => send(method, params, sessionId),
      async eval(expression) {
        const r = await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, sessionId);
        if (r.exceptionDetails) throw new Error(`eval failed: ${r.exceptionDetails.exception?.description || r.exceptionDetails.text}`);
        return r.result.value;
      },
      on(method, fn) {
        const l = (m) => { if (m.sessionId === sessionId && m.method === method) fn(m.params); };
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
    return s;
  }

  return {
    send,
    targets,
    waitForTarget,
    attach,
    close: () => new Promise((resolve) => { ws.once('close', resolve); ws.close(); setTimeout(resolve, 500).unref(); }),
  };
}

/** Polls an attached session's expression until it is truthy. */
export async function evalUntil(session, expression, { timeout = 10000, what = expression } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await session.eval(expression);
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Real mouse click at the centre of a rect {x, y, width, height} of a page-level session. */
export async function clickAt(session, rect) {
  const x = rect.x + rect.width / 2;
  const y = rect.y + rect.height / 2;
  await session.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x, y });
  await session.send('Input.dispatchMouseEvent', { type: 'mousePressed', x, y, button: 'left', clickCount: 1 });
  await session.send('Input.dispatchMouseEvent', { type: 'mouseReleased', x, y, button: 'left', clickCount: 1 });
}

/** Expression: the bounding rect of the first element matching `selector`, searching through shadow roots. */
export function deepRectExpr(selector) {
  return `(() => {
    const find = (root) => {
      const hit = root.querySelector(${JSON.stringify(selector)});
      if (hit) return hit;
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) { const r = find(el.shadowRoot); if (r) return r; }
      }
      return null;
    };
    const el = find(document);
    if (!el) return null;
    el.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
    const r = el.getBoundingClientRect();
    return r.width && r.height ? { x: r.x, y: r.y, width: r.width, height: r.height } : null;
  })()`;
}

/**
 * In the DevTools window of the inspected tab, clicks the extension's "CORS" tab as a user would (falling back to
 * DevTools internals, version-fragile, when the click does not show it). Resolves to { dt, panel }: sessions attached
 * to the DevTools page and to the panel's iframe.
 */
export async function openCorsPanel(cdp, extensionId) {
  const dtT = await cdp.waitForTarget((t) => t.type === 'page' && t.url.startsWith('devtools://') && (t.url.includes('devtools_app') || t.url.includes('inspector')));
  const dt = await cdp.attach(dtT.targetId);
  await dt.send('Page.enable');
  const rect = await evalUntil(dt, deepRectExpr(`[id="tab-chrome-extension://${extensionId}CORS"]`), { what: 'the CORS tab header' });
  await clickAt(dt, rect);
  const isPanel = (t) => t.type === 'iframe' && t.url.includes('/extension/panel.html');
  let panelT = await cdp.waitForTarget(isPanel, { timeout: 5000 }).catch(() => null);
  if (!panelT) {
    await dt.eval(`import('devtools://devtools/bundled/ui/legacy/legacy.js').then((UI) => UI.InspectorView.InspectorView.instance().showPanel('chrome-extension://${extensionId}CORS'))`);
    panelT = await cdp.waitForTarget(isPanel);
  }
  return { dt, panel: await cdp.attach(panelT.targetId) };
}
