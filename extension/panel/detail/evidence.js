// The evidence behind a verdict, in sub-tabs as DevTools' request view has them (Headers, Timing, ...): the
// console line and explanation, the timeline, the header tables, why a preflight was needed. The tab last
// chosen stays chosen for the next request, as in the Network panel. Arrow keys move between tabs.
import { el } from '../dom.js';
import { state } from '../state.js';

/**
 * `tabs`: [{id, title, content}] (entries without content are left out). Returns the tablist and its panels;
 * ids are prefixed `evidence-` so tests and styles can find them.
 */
export function evidenceTabs(tabs) {
  const present = tabs.filter((t) => t.content);
  if (!present.length) return null;
  const chosen = present.some((t) => t.id === state.evidenceTab) ? state.evidenceTab : present[0].id;
  const buttons = [];
  const panels = [];
  const show = (id, focus = false) => {
    state.evidenceTab = id;
    for (const b of buttons) {
      const on = b.dataset.tab === id;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
      if (on && focus) b.focus();
    }
    for (const p of panels) p.hidden = p.dataset.tab !== id;
  };
  for (const t of present) {
    const button = el('button', { type: 'button', role: 'tab', id: `evidence-tab-${t.id}`, class: 'evidence-tab',
      'aria-controls': `evidence-${t.id}`, dataset: { tab: t.id }, text: t.title, onclick: () => show(t.id) });
    buttons.push(button);
    panels.push(el('div', { role: 'tabpanel', id: `evidence-${t.id}`, class: 'evidence-panel', 'aria-labelledby': button.id,
      dataset: { tab: t.id }, tabindex: '0' }, t.content));
  }
  const list = el('div', { role: 'tablist', class: 'evidence-tabs', 'aria-label': 'Evidence' }, buttons);
  list.addEventListener('keydown', (e) => {
    const i = buttons.findIndex((b) => b.dataset.tab === state.evidenceTab);
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: buttons.length - 1 }[e.key];
    if (next == null) return;
    e.preventDefault();
    show(buttons[(next + buttons.length) % buttons.length].dataset.tab, true);
  });
  show(chosen);
  return el('div', { class: 'evidence' }, list, panels);
}
