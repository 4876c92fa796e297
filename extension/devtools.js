// DevTools page: loads as soon as DevTools opens on a tab (before the CORS tab is clicked). It creates the "CORS"
// panel, starts recording the tab (its port tells the background DevTools is open, and keeps the worker awake
// meanwhile) and hands the engine what the Network panel recorded. The Network panel is the record: while the CORS
// tab is hidden nothing is read (DevTools' records cost the page nothing more); when it is shown, everything the
// Network panel holds (getHAR: failures seen in the Console before) and then each finished request, until it is
// hidden again. The engine decides what matters and skips what it already has (docs/session-api.md, "HAR entries").
const api = globalThis.browser ?? globalThis.chrome;
const tabId = api.devtools.inspectedWindow.tabId;
const HEARTBEAT_MS = 20000; // under the worker's 30 s idle timeout
const BATCH = 200; // HAR entries per message when sending the backlog

let shown = false; // the CORS tab is the one DevTools shows
let asked = false; // a CORS panel opened as a page wants this tab's records (ports.js)

// Paths are from the extension root (Chrome resolves them against the origin, Firefox against the page).
api.devtools.panels.create('CORS', '/extension/icons/icon-32.png', '/extension/panel.html', (panel) => {
  panel.onShown.addListener(() => { shown = true; follow(); });
  panel.onHidden.addListener(() => { shown = false; follow(); });
});

let port = null;
function connect() {
  port = api.runtime.connect({ name: `devtools:${tabId}` });
  port.onMessage.addListener((msg) => {
    if (msg?.type === 'backfill') sendBacklog();
    if (msg?.type === 'follow') { asked = !!msg.on; follow(); }
  });
  port.onDisconnect.addListener(() => setTimeout(connect, 1000)); // the worker restarted: reconnect, record again
}
setInterval(() => { try { port.postMessage({ type: 'heartbeat' }); } catch { /* reconnecting */ } }, HEARTBEAT_MS);

/** A HAR entry without its bodies (the engine reads the rest: docs/session-api.md, "HAR entries in"). */
function summarize(e) {
  const { getContent, ...entry } = e; // a live record's method: no message can carry it
  const { postData, ...request } = e.request || {};
  const { content, ...response } = e.response || {};
  return { ...entry, request, response };
}

function send(entries) {
  if (!entries.length) return Promise.resolve();
  return api.runtime.sendMessage({ type: 'har', tabId, entries }).catch(() => {});
}

function safely(entry) {
  try { return summarize(entry); } catch { return null; }
}

// Live entries wait until the backlog has been sent, so the engine sees DevTools' records in order.
let backlogSent = Promise.resolve();
/** Sends everything the Network panel recorded so far (the engine skips what it already has). */
function sendBacklog() {
  backlogSent = backlogSent.then(() => new Promise((resolve) => {
    api.devtools.network.getHAR(async (har) => {
      const entries = (har?.entries || []).map(safely).filter(Boolean)
        .sort((a, b) => Date.parse(a.startedDateTime) - Date.parse(b.startedDateTime));
      for (let i = 0; i < entries.length; i += BATCH) await send(entries.slice(i, i + BATCH));
      resolve();
    });
  }));
}

connect();

// Finished requests go in batches: one message per burst instead of one per request (a page's 500 fetches).
const FLUSH_MS = 100;
let batch = [];
let flushTimer = null;
function flush() {
  flushTimer = null;
  const entries = batch;
  batch = [];
  backlogSent = backlogSent.then(() => send(entries));
}

// A navigation clears the tab's list unless "Keep log" is on; the records before it go first.
api.devtools.network.onNavigated.addListener(() => {
  if (flushTimer) { clearTimeout(flushTimer); flush(); }
  backlogSent = backlogSent.then(() => api.runtime.sendMessage({ type: 'navigated', tabId }).catch(() => {}));
});

function onFinished(entry) {
  const summary = safely(entry);
  if (!summary) return;
  batch.push(summary);
  if (batch.length >= BATCH) flush();
  else if (!flushTimer) flushTimer = setTimeout(flush, FLUSH_MS);
}

// Each finished request costs DevTools a message to this page: listened to only while someone looks.
let following = false;
function follow() {
  const on = shown || asked;
  if (on === following) return;
  following = on;
  if (on) {
    sendBacklog();
    api.devtools.network.onRequestFinished.addListener(onFinished);
  } else {
    api.devtools.network.onRequestFinished.removeListener(onFinished);
  }
}
