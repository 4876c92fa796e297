// The engine's lifetime in the worker: load it, resume the session saved in storage.session, save it again
// (debounced, and always small enough to fit), and survive a trap. A trap (the wasm instance ran out of memory,
// or hit a bug) must not end capture: the event that caused it is dropped and counted, a fresh instance resumes
// from the last good snapshot, and the panel says so once.
import { EngineSession, isTrap, loadEngine, resetEngine } from './engine.js';

const api = globalThis.browser ?? globalThis.chrome;

// storage.session holds 10 MB (Chrome's quota, in bytes of JSON); the session's own byte budget keeps a snapshot
// well below it, and this is the last line: a snapshot over it is shrunk before it is saved.
const SNAPSHOT_LIMIT = 8 * 1024 * 1024;

let mod = null;
let session = null;
let lastSnapshot = null; // the newest snapshot text that was saved (or restored): what a recovery resumes from
let startError = null;
let dirtySeq = 0; // bumps on every change; persistedSeq catches up on save
let persistedSeq = 0;
const recovery = { traps: 0, dropped: 0, notice: null };

export const engineReady = (async () => {
  const [loaded, stored] = await Promise.all([loadEngine(), api.storage.session.get('session').catch(() => ({}))]);
  mod = loaded;
  lastSnapshot = typeof stored.session === 'string' ? stored.session : null;
  session = new EngineSession(mod, lastSnapshot);
})().catch((e) => {
  startError = String(e && e.stack ? e.stack : e);
  console.error('CORS Lens: engine failed to start', e);
});

/** The live session, or null before it is ready (or when the engine could not start). */
export function currentSession() {
  return session;
}

export function engineModule() {
  return mod;
}

export function engineStartError() {
  return startError;
}

/**
 * Runs `fn(session)`; a trap inside it replaces the instance (see the top of this file) and answers `onTrap`
 * (undefined by default). Errors the engine returns (bad input) are rethrown unchanged.
 */
export function withSession(fn, onTrap) {
  try {
    return fn(session);
  } catch (e) {
    if (!isTrap(e)) throw e;
    recover(e);
    return onTrap;
  }
}

function recover(trap) {
  recovery.traps++;
  recovery.dropped++;
  console.error('CORS Lens: the engine trapped; resuming from the last snapshot', trap);
  resetEngine();
  try {
    session = new EngineSession(mod, lastSnapshot);
  } catch (e) {
    // The snapshot itself makes it trap: start empty rather than stop capturing.
    resetEngine();
    session = new EngineSession(mod, null);
  }
  recovery.notice = `The analysis engine failed (${trap.message}) and was restarted from the last saved state; `
    + `${recovery.dropped} event${recovery.dropped === 1 ? ' was' : 's were'} dropped. Capture goes on.`;
  markDirty();
}

/** What the panel shows once after a recovery (null otherwise). */
export function recoveryNotice() {
  return recovery.notice;
}

export function engineStats() {
  return { dirtySeq, persistedSeq, engineError: startError, restored: !!session?.restored, traps: recovery.traps, dropped: recovery.dropped };
}

export function markDirty() {
  dirtySeq++;
  scheduleSave();
}

// Debounced persistence: once a quiet period of QUIET_MS passes with no change, and at least every MAX_WAIT_MS under
// steady traffic. A change only bumps dirtySeq (no clock read, no timer per event); the one pending timer compares
// it with what it saw when it was set.
const QUIET_MS = 300;
const MAX_WAIT_MS = 2000;
let saveTimer = null;
let firstDirtyAt = 0;
let seqAtTimer = 0;
function scheduleSave() {
  if (saveTimer) return;
  firstDirtyAt = performance.now();
  armSaveTimer();
}

function armSaveTimer() {
  seqAtTimer = dirtySeq;
  saveTimer = setTimeout(saveWhenQuiet, QUIET_MS);
}

function saveWhenQuiet() {
  if (dirtySeq !== seqAtTimer && performance.now() - firstDirtyAt + QUIET_MS < MAX_WAIT_MS) {
    armSaveTimer(); // changed during the wait: not quiet yet
    return;
  }
  save();
}

let saving = Promise.resolve();
/** Saves the session now (after any save in progress); resolves when it is stored. */
export function save() {
  clearTimeout(saveTimer);
  saveTimer = null;
  if (!session) return saving;
  const seqAtSave = dirtySeq;
  saving = saving.then(async () => {
    const text = withSession((s) => fittingSnapshot(s), null);
    if (text == null) return;
    try {
      await api.storage.session.set({ session: text });
      lastSnapshot = text;
      persistedSeq = Math.max(persistedSeq, seqAtSave);
    } catch (e) {
      console.warn('CORS Lens: could not persist the session', e);
    }
  });
  return saving;
}

/** A snapshot under SNAPSHOT_LIMIT: the oldest exchanges go first when the session's own budget was not enough. */
function fittingSnapshot(s) {
  let text = s.snapshot();
  for (let i = 0; text.length > SNAPSHOT_LIMIT && i < 8; i++) {
    s.shrinkTo(Math.floor(SNAPSHOT_LIMIT * 0.8 * (SNAPSHOT_LIMIT / text.length)));
    text = s.snapshot();
  }
  return text.length > SNAPSHOT_LIMIT ? null : text;
}
