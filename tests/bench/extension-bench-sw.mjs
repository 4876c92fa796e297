// Helpers for tests/bench/extension-bench.mjs that run inside CORS Lens's service worker: installed with
// `sw.evaluate(swHelpers)` as globalThis.__bench. The function is shipped as source, so it is self-contained.
// It uses the background's test hook (globalThis.__corsLens: onEvent, session, engine, handle, stats).

export function swHelpers() {
  const api = globalThis.chrome;
  const lens = globalThis.__corsLens;
  const EXTRA = api.webRequest.OnBeforeSendHeadersOptions?.EXTRA_HEADERS;
  const spec = (...s) => (EXTRA ? [...s, EXTRA] : s);
  const LISTENERS = [ // as extension/background/listeners.js
    ['onBeforeRequest', []],
    ['onSendHeaders', spec('requestHeaders')],
    ['onHeadersReceived', spec('responseHeaders')],
    ['onBeforeRedirect', spec('responseHeaders')],
    ['onCompleted', []],
    ['onErrorOccurred', []],
  ];
  const listeners = Object.fromEntries(LISTENERS.map(([e]) => [e, lens.onEvent(e)])); // the listeners' own path

  // ---- recorder: extra listeners with the same extraInfoSpec, removed when done ----
  let rec = [];
  let recFns = [];
  const record = {
    start() {
      rec = [];
      for (const [event, extra] of LISTENERS) {
        const fn = (d) => { if (d.tabId >= 0) rec.push({ event, details: structuredClone(d) }); };
        if (extra.length) api.webRequest[event].addListener(fn, { urls: ['<all_urls>'] }, extra);
        else api.webRequest[event].addListener(fn, { urls: ['<all_urls>'] });
        recFns.push([event, fn]);
      }
    },
    saw: (url) => rec.some((e) => e.details.url === url && e.event === 'onCompleted'),
    stop(tag) {
      for (const [event, fn] of recFns) api.webRequest[event].removeListener(fn);
      recFns = [];
      return rec.filter((e) => e.details.url.includes(tag));
    },
  };

  // ---- copies of the recorded exchanges: fresh request ids (decimal strings, relative order kept, so a
  // preflight is still the actual request's id + 1), URLs, timestamps and tab ----
  const state = { nextId: 50_000_000, clock: Date.now(), copy: 0 };
  function copyOf(tpls, tabId) {
    const c = state.copy++;
    const t = tpls[c % tpls.length];
    if (!t.meta) {
      const ids = t.events.map((e) => Number(e.details.requestId));
      const ts = t.events.map((e) => e.details.timeStamp);
      t.meta = { minId: Math.min(...ids), span: Math.max(...ids) - Math.min(...ids) + 1, t0: Math.min(...ts),
        dt: Math.max(...ts) - Math.min(...ts) + 1 };
    }
    const { minId, span, t0, dt } = t.meta;
    const tag = `${t.tag}c${c}`;
    const out = t.events.map(({ event, details: d }) => {
      const x = { ...d, requestId: String(state.nextId + Number(d.requestId) - minId), url: d.url.replaceAll(t.tag, tag),
        tabId, timeStamp: state.clock + d.timeStamp - t0 };
      if (d.redirectUrl) x.redirectUrl = d.redirectUrl.replaceAll(t.tag, tag);
      if (d.requestHeaders) x.requestHeaders = d.requestHeaders.map((h) => ({ ...h }));
      if (d.responseHeaders) x.responseHeaders = d.responseHeaders.map((h) => ({ ...h }));
      return [event, x];
    });
    state.nextId += span;
    state.clock += dt;
    return out;
  }

  const snapshotFigures = async () => {
    let snap = null;
    const times = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      snap = lens.session.snapshot();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const bytes = new TextEncoder().encode(snap).length;
    let setMs = null;
    let saveError = null;
    const t = performance.now();
    try {
      await api.storage.session.set({ session: snap }); // what background.js's save does
      setMs = performance.now() - t;
    } catch (e) {
      saveError = String(e?.message ?? e);
    }
    return { snapshot_ms: Math.round(times[1] * 10) / 10, snapshot_bytes: bytes,
      set_ms: setMs == null ? null : Math.round(setMs * 10) / 10, save_error: saveError,
      storage_session_quota: api.storage.session.QUOTA_BYTES ?? null };
  };

  let prepared = [];
  let bare = null; // the 'ingest' mode's own Session, kept across runs (it fills to its cap like the live one)
  globalThis.__bench = {
    record,
    /** `exchanges` copies through the listener path, spread round-robin over `tabs` tabs. */
    fill(tpls, { tabs, exchanges, tabBase }) {
      const before = lens.stats();
      let events = 0;
      let ms = 0;
      for (let c = 0; c < exchanges; c++) {
        const evs = copyOf(tpls, tabBase + (c % tabs));
        const t = performance.now();
        for (const [event, d] of evs) listeners[event](d);
        ms += performance.now() - t;
        events += evs.length;
      }
      const after = lens.stats();
      return { exchanges, events, fill_ms: Math.round(ms), us_per_event: Math.round((ms * 1000 / events) * 10) / 10,
        rejected: after.rejected - before.rejected, wasm_memory_after_ingest: after.wasmMemoryBytes };
    },
    async kept(tabs, base) {
      let kept = 0;
      let evicted = 0;
      for (let i = 0; i < tabs; i++) {
        const r = lens.session.report(base + i);
        kept += r.exchanges.length;
        evicted += r.evicted;
      }
      return { kept, evicted, ...(await snapshotFigures()) };
    },
    forget(tabs, base) {
      for (let i = 0; i < tabs; i++) lens.session.forgetTab(base + i);
    },
    /**
     * Builds `rounds` × `per` exchange copies for `run` (outside any timing or profile). With `concurrency` > 1,
     * that many copies are in flight at once: their events interleaved round-robin (every copy's first event,
     * then every copy's second, ...), timestamps rising in that order, as when a page fires a burst of fetches.
     */
    prepare(tpls, { rounds, per, tabId, concurrency = 1 }) {
      prepared = [];
      for (let r = 0; r < rounds; r++) {
        const evs = [];
        if (concurrency <= 1) {
          for (let c = 0; c < per; c++) evs.push(...copyOf(tpls, tabId));
        } else {
          for (let c = 0; c < per; c += concurrency) {
            const batch = [];
            for (let k = 0; k < concurrency && c + k < per; k++) batch.push(copyOf(tpls, tabId));
            const longest = Math.max(...batch.map((b) => b.length));
            for (let j = 0; j < longest; j++) for (const b of batch) if (j < b.length) evs.push(b[j]);
          }
          for (const [, d] of evs) d.timeStamp = (state.clock += 0.25);
        }
        prepared.push(evs);
      }
      return prepared.reduce((n, e) => n + e.length, 0);
    },
    /**
     * mode 'listener': background.js's listener path into the live session; 'ingest': Session.ingest on a
     * session of its own (prepared with tabId -1: the event crosses into wasm, is deserialised and validated,
     * then ignored).
     */
    run(mode) {
      const before = lens.stats();
      const us = [];
      let rejected = 0;
      if (mode !== 'listener' && !bare) bare = new lens.engine.Session();
      const s = bare;
      for (const evs of prepared) {
        const t = performance.now();
        if (mode === 'listener') {
          for (const [event, d] of evs) listeners[event](d);
        } else {
          for (const [event, d] of evs) {
            try { s.ingest({ ...d, event }); } catch { rejected++; }
          }
        }
        us.push(((performance.now() - t) * 1000) / evs.length);
      }
      const events = prepared[0]?.length ?? 0;
      prepared = [];
      if (mode === 'listener') rejected = lens.stats().rejected - before.rejected;
      return { us_per_event: us, events_per_round: events, rejected };
    },
    freeBare() {
      if (bare) bare.free();
      bare = null;
    },
    async persist(tabId) {
      const r = lens.session.report(tabId);
      return { kept: r.exchanges.length, ...(await snapshotFigures()) };
    },
  };
}
