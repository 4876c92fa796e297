// Long-lived connections from the extension's own pages: "panel:<tabId>" (the CORS panel in DevTools), "page:<tabId>"
// (the CORS panel opened as a page) and "devtools:<tabId>" (the devtools page, alive exactly while DevTools is open on
// that tab). Opening any starts recording the tab. Panels get {type: "changed"} pings, coalesced, when their tab's
// report changes. A devtools page sends DevTools' records while its CORS tab is shown, or while a panel page of its
// tab is open ({type: "follow", on}).
import { setInspected, setRecorded } from './tabsManager.js';

const api = globalThis.browser ?? globalThis.chrome;

const panels = new Map(); // tabId -> Set<Port>
const devtoolsPages = new Map(); // tabId -> Set<Port> of the devtools pages inspecting it
const panelPages = new WeakSet(); // the panel ports of CORS panels opened as pages (outside DevTools)
const pending = new Set(); // tab ids with a ping due
let pingTimer = null;
let whenReady = Promise.resolve();

/** Whether a message or port comes from one of this extension's own pages. */
export function isOwnPage(sender) {
  return !!sender && sender.id === api.runtime.id && typeof sender.url === 'string'
    && sender.url.startsWith(api.runtime.getURL(''));
}

/** Panels are first told "changed" once `ready` resolves (the engine and the recorded tabs are loaded). */
export function listenForPorts(ready) {
  whenReady = ready;
  api.runtime.onConnect.addListener(onConnect);
}

function onConnect(port) {
  const m = /^(panel|page|devtools):(\d+)$/.exec(port.name || '');
  if (!m || !isOwnPage(port.sender)) return;
  const [, kind, id] = m;
  const tabId = Number(id);
  setRecorded(tabId, true);
  if (kind === 'devtools') {
    if (!devtoolsPages.has(tabId)) devtoolsPages.set(tabId, new Set());
    devtoolsPages.get(tabId).add(port);
    setInspected(tabId, true);
    port.onDisconnect.addListener(() => {
      const open = devtoolsPages.get(tabId);
      open?.delete(port);
      if (!open?.size) setInspected(tabId, false);
    });
    // Its heartbeat keeps the worker alive while DevTools is open; nothing to answer.
    port.onMessage.addListener(() => {});
    tellFollow(tabId);
    return;
  }
  if (!panels.has(tabId)) panels.set(tabId, new Set());
  panels.get(tabId).add(port);
  port.onDisconnect.addListener(() => {
    panels.get(tabId)?.delete(port);
    if (kind === 'page') tellFollow(tabId);
  });
  if (kind === 'page') {
    panelPages.add(port);
    tellFollow(tabId);
  }
  whenReady.then(() => { try { port.postMessage({ type: 'changed', tabId }); } catch { /* gone */ } });
}

/** Tells the tab's devtools pages whether a panel page wants DevTools' records (its own CORS tab aside). */
function tellFollow(tabId) {
  const on = [...panels.get(tabId) || []].some((p) => panelPages.has(p));
  for (const port of devtoolsPages.get(tabId) || []) {
    try { port.postMessage({ type: 'follow', on }); } catch { /* gone */ }
  }
}

/**
 * Asks the devtools pages inspecting the tab to send what the Network panel recorded again (recording was just
 * turned back on: the requests of the gap are only in DevTools' records).
 */
export function requestBackfill(tabId) {
  for (const port of devtoolsPages.get(tabId) || []) {
    try { port.postMessage({ type: 'backfill' }); } catch { /* gone */ }
  }
}

/** Tells the tab's open panels, within 50 ms, that its report changed. */
export function notify(tabId) {
  if (tabId == null || !panels.get(tabId)?.size) return;
  pending.add(tabId);
  if (!pingTimer) pingTimer = setTimeout(flushPings, 50);
}

function flushPings() {
  pingTimer = null;
  for (const tabId of pending) {
    for (const port of panels.get(tabId) || []) {
      try { port.postMessage({ type: 'changed', tabId }); } catch { /* disconnected */ }
    }
  }
  pending.clear();
}
