// Which tabs are recorded, and each tab's "Keep log" flag. Like Chrome's Network panel, a tab is recorded from
// the moment DevTools opens on it (its devtools page says so) or its panel opens as a page, until the tab closes
// or the user stops recording; "Record every tab in the background" (off by default, storage.local) records all.
// The state lives in storage.session so a restarted worker records the same tabs.
import { DEVTOOLS_SUFFICES } from './listeners.js';

const api = globalThis.browser ?? globalThis.chrome;

const recorded = new Set();
const keepLog = new Set();
const inspected = new Set(); // tabs DevTools is open on (not persisted: devtools pages reconnect to a new worker)
let everyTab = false;
const listeners = new Set();

export const tabsReady = Promise.all([
  api.storage.session.get(['recorded', 'preserve']).catch(() => ({})),
  api.storage.local.get('record_every_tab').catch(() => ({})),
]).then(([session, local]) => {
  for (const t of session.recorded || []) recorded.add(t);
  for (const t of session.preserve || []) keepLog.add(t);
  everyTab = local.record_every_tab === true;
  changed();
});

/** `fn()` runs whenever what is recorded changes. */
export function onRecordingChanged(fn) {
  listeners.add(fn);
}

function changed() {
  for (const fn of listeners) fn();
}

function persist() {
  return api.storage.session.set({ recorded: [...recorded], preserve: [...keepLog] })
    .catch((e) => console.warn('CORS Lens: could not save the recorded tabs', e));
}

/**
 * What webRequest must watch, as tab id (or 'every') -> 'full' | 'errors': every tab, or each recorded tab; a
 * tab DevTools is open on only for errors where DevTools' records suffice (listeners.js, DEVTOOLS_SUFFICES:
 * Chromium's show every preflight, every failure and its response, and the API that made a request, so
 * webRequest's costly `extraHeaders` listeners would only repeat them).
 */
export function webRequestScope() {
  if (everyTab) return new Map([['every', 'full']]);
  return new Map([...recorded].map((t) => [t, devtoolsRecords(t) ? 'errors' : 'full']));
}

/** Whether DevTools' records are the tab's capture (a recorded tab DevTools is open on, outside "every tab"). */
function devtoolsRecords(tabId) {
  return !everyTab && recorded.has(tabId) && DEVTOOLS_SUFFICES && inspected.has(tabId);
}

/** DevTools opened (`open`) or closed on a tab; only a recorded tab's capture changes. */
export function setInspected(tabId, open) {
  if (open === inspected.has(tabId)) return;
  if (open) inspected.add(tabId); else inspected.delete(tabId);
  if (recorded.has(tabId)) changed();
}

export function isRecorded(tabId) {
  return everyTab || recorded.has(tabId);
}

/**
 * What the panel shows: whether this tab is recorded, whether every tab is, and whether DevTools' records are the
 * capture (see webRequestScope).
 */
export function recordingState(tabId) {
  return { tab: isRecorded(tabId), every_tab: everyTab, from_devtools: devtoolsRecords(tabId) };
}

export async function setRecorded(tabId, on) {
  if (!Number.isInteger(tabId) || tabId < 0) return;
  await tabsReady;
  if (on === recorded.has(tabId)) return;
  if (on) recorded.add(tabId); else recorded.delete(tabId);
  changed();
  await persist();
}

export async function setEveryTab(on) {
  await tabsReady;
  if (everyTab === !!on) return;
  everyTab = !!on;
  changed();
  await api.storage.local.set({ record_every_tab: everyTab }).catch(() => {});
}

export function keepsLog(tabId) {
  return keepLog.has(tabId);
}

export async function setKeepLog(tabId, on) {
  if (on) keepLog.add(tabId); else keepLog.delete(tabId);
  await persist();
}

/** A closed tab is no longer recorded (a new tab never inherits its id's state). */
export async function tabClosed(tabId) {
  await tabsReady;
  const was = recorded.delete(tabId);
  keepLog.delete(tabId);
  inspected.delete(tabId);
  if (was) changed();
  await persist();
}
