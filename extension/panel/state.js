// What the panel shows, shared by its modules; main.js exposes a JSON-safe snapshot as window.__corsLens.state().
export const state = {
  report: null, // the last report from the session (docs/session-api.md)
  items: [], // report.exchanges after filter + search (newest first)
  view: 'failures',
  filter: 'failed',
  search: '',
  selectedId: null,
  preserve: false,
  recording: null, // {tab, every_tab} once the background reports it
  dismissedNotice: null,
  framework: null,
  error: null,
  refreshes: 0,
  lastExport: null,
  lastProbe: null,
  lastVerify: null,
  lastCopied: null,
};

/** Bumped by each toolbar setting sent to the background: a report asked for before it must not undo it. */
export const settings = { clicks: 0 };
