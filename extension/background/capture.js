// webRequest events of the recorded tabs, in order, into the engine's session (docs/session-api.md). Events
// wait in a queue until the engine is ready; each is handed over unchanged and the engine bounds what it keeps.
import { currentSession, engineStartError, markDirty, withSession } from './engineHost.js';
import { notify } from './ports.js';
import { keepsLog } from './tabsManager.js';

const queue = []; // { event, details } | { navigated: tabId }
let ingested = 0; // events applied since this worker started
let rejected = 0;

/** The listener for one webRequest event of a listener set of `kind` 'full' or 'errors' (see listeners.js). */
export function listenerFor(event, kind = 'full') {
  return (d) => {
    if (d.tabId < 0 || engineStartError()) return; // the extension's own requests; or nothing will drain the queue
    if (kind === 'errors') d.errorsOnly = true;
    if (event === 'onBeforeRequest' && d.type === 'main_frame') queue.push({ navigated: d.tabId });
    queue.push({ event, details: d });
    if (currentSession()) drain();
  };
}

/** The tab navigated (DevTools saw it): its history goes, unless "Keep log" is on, in order with its events. */
export function navigated(tabId) {
  queue.push({ navigated: tabId });
  if (currentSession()) drain();
}

/** Applies every queued event to the session. */
export function drain() {
  let changed = false;
  while (queue.length) {
    const op = queue.shift();
    try {
      if ('navigated' in op) {
        withSession((s) => s.navigated(op.navigated, keepsLog(op.navigated)));
        notify(op.navigated);
        changed = true;
        continue;
      }
      op.details.event = op.event; // the details object is ours: no copy per event
      const tab = withSession((s) => s.ingest(op.details));
      ingested++;
      if (tab !== undefined) {
        changed = true;
        notify(tab);
      }
    } catch (e) {
      rejected++;
      // The event's name and the engine's reason only: its details carry the request's headers and URL.
      if (rejected <= 20) console.warn('CORS Lens: event rejected by the session', op.event, String(e?.message ?? e));
    }
  }
  if (changed) markDirty();
}

export function captureStats() {
  return { ingested, rejected, queued: queue.length };
}
