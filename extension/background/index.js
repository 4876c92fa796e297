// CORS Lens background (MV3 service worker in Chrome, event page in Firefox; an ES module in both). It records
// the tabs the user debugs (tabsManager.js) with webRequest listeners registered for those tabs only
// (listeners.js), feeds their events to the engine's session (capture.js, engineHost.js), and answers the
// extension's own pages (ports.js, messageHandlers.js). Observe only; no CORS logic lives here.
import { captureStats, drain, listenerFor } from './capture.js';
import { wasmMemoryBytes } from './engine.js';
import { currentSession, engineModule, engineReady, engineStats, markDirty, withSession } from './engineHost.js';
import { listenerSets, syncListeners } from './listeners.js';
import { handle, listenForMessages } from './messageHandlers.js';
import { listenForPorts } from './ports.js';
import { sweepProbeRules } from './probe.js';
import { onRecordingChanged, tabClosed, tabsReady, webRequestScope } from './tabsManager.js';

const api = globalThis.browser ?? globalThis.chrome;
const ready = Promise.all([engineReady, tabsReady]);

// Listeners follow the recorded tabs from the moment their set is loaded (a restarted worker resumes them); a tab
// DevTools is open on is captured from DevTools' records instead, where those suffice.
onRecordingChanged(() => {
  const stopped = syncListeners(webRequestScope(), listenerFor).filter(Number.isInteger);
  if (!stopped.length) return;
  engineReady.then(() => {
    if (!currentSession()) return;
    for (const tabId of stopped) withSession((s) => s.stopWatching(tabId));
    markDirty();
  });
});
listenForPorts(ready);
listenForMessages();
engineReady.then(() => drain());
sweepProbeRules();

api.tabs?.onRemoved?.addListener((tabId) => {
  tabClosed(tabId);
  engineReady.then(() => {
    if (!currentSession()) return;
    withSession((s) => s.forgetTab(tabId));
    markDirty();
  });
});

// Test hook: the same answers as runtime messages, for harnesses that drive the worker directly; the
// listeners' own entry point and live figures for tests/bench/extension-bench.mjs.
globalThis.__corsLens = {
  handle,
  ready,
  onEvent: listenerFor,
  get session() { return currentSession(); },
  get engine() { return engineModule(); },
  stats: () => ({ ...captureStats(), ...engineStats(), ...listenerSets(), wasmMemoryBytes: wasmMemoryBytes() }),
  /** A real trap inside the engine, where an event would hit one (tests/e2e/extension-hostile.test.mjs). */
  trap: () => withSession(() => engineModule().trap_for_tests(), 'trapped'),
};
