// The fix slot: the background asks the engine's `fix(exchange, framework)` (and `frameworks()` for the picker).
// A Fix is {framework, framework_name, language, placement, snippet, notes, verified_live, layer, layer_note,
// other_layer}. A framework of the picker is {id, name, verified_live, group, group_name}, listed stack by stack.
import { copyText, el, fill } from '../dom.js';
import { state } from '../state.js';
import { api, send } from '../transport.js';

const fixCode = (f) => f?.snippet ?? '';

/** One optgroup per stack, in the engine's order; a template no live server has run says so in its name. */
function frameworkOptions(frameworks, current) {
  const groups = [];
  for (const f of frameworks) {
    if (groups.at(-1)?.label !== f.group_name) groups.push({ label: f.group_name, items: [] });
    groups.at(-1).items.push(el('option', { value: f.id, text: `${f.name || f.id}${f.verified_live ? '' : ' (not verified live)'}`,
      selected: f.id === current }));
  }
  return groups.map((g) => el('optgroup', { label: g.label }, g.items));
}

function drawFix(container, { frameworks, fix, error, suggested, ask }, onPick) {
  const current = fix?.framework || state.framework || '';
  // Until the user picks a server (and the server's headers name none), there is no fix to copy.
  const placeholder = ask ? [el('option', { value: '', text: 'Which server?', disabled: true, selected: true })] : [];
  const select = el('select', { 'aria-label': 'Which server?', id: 'framework' }, [...placeholder, ...frameworkOptions(frameworks, current)]);
  select.addEventListener('change', () => onPick(select.value));
  const body = [];
  if (ask) body.push(el('p', { class: 'note', text: 'Pick your server to see its fix.' }));
  if (suggested?.because) body.push(el('p', { class: 'note', text: `Server ${suggested.because}.` }));
  if (error) body.push(el('p', { class: 'note', text: error }));
  if (fix) {
    // The engine's words on which layer this changes, and the other layer's change when both matter.
    if (fix.layer_note) body.push(el('p', { class: 'note', id: 'fix-layer', text: fix.layer_note }));
    if (fix.placement) body.push(el('p', { class: 'note', text: fix.placement }));
    body.push(el('pre', { class: 'fix-code', dataset: { language: fix.language || '' }, text: fixCode(fix) }));
    for (const n of fix.notes || []) body.push(el('p', { class: 'note', text: n }));
    const other = fix.other_layer;
    if (other) {
      body.push(el('p', { class: 'note', id: 'fix-other-layer', text: `And in ${other.name}: ${other.change}` }));
      if (other.snippet) body.push(el('pre', { class: 'fix-code', dataset: { language: other.language || '' }, text: other.snippet }));
    }
    if (fix.verified_live === false) body.push(el('p', { class: 'note', text: 'This template is checked by snapshot tests, not against a live server.' }));
  }
  fill(container,
    el('div', { class: 'actions' }, el('label', { text: 'Server: ' }), select,
      el('button', { type: 'button', id: 'copy-fix', text: 'Copy fix', disabled: !fix, onclick: () => copyText(fixCode(fix), 'the fix') })),
    ...body);
}

/** Fills `container` with the fix for a failed exchange `x`. */
export function renderFixSlot(x, container) {
  // Where the engine says no server change helps (`server_fix` false), its client fix takes the picker's place.
  if (x.verdict?.server_fix === false) {
    const text = x.verdict.explanation?.client_fix || '';
    fill(container, el('p', { class: 'client-fix', id: 'client-fix', text }),
      el('div', { class: 'actions' }, el('button', { type: 'button', id: 'copy-fix', text: 'Copy', disabled: !text, onclick: () => copyText(text, 'the fix') })));
    return;
  }
  const pick = (framework) => {
    state.framework = framework;
    api.storage.local.set({ framework }).catch?.(() => {});
    load(framework);
  };
  const load = (framework) => {
    send({ type: 'fix', exchange: x.exchange, framework })
      .then((r) => {
        if (state.selectedId !== x.id) return;
        drawFix(container, { frameworks: r?.frameworks || [], fix: r?.fix || null, error: r?.error || null,
          suggested: r?.suggested || null, ask: !!r?.ask }, pick);
      })
      .catch((e) => { if (state.selectedId === x.id) fill(container, el('p', { class: 'note', text: `No fix: ${e.message || e}` })); });
  };
  fill(container, el('p', { class: 'note', text: 'Loading fixes…' }));
  // The last server the user picked, kept across panels and sessions.
  const remembered = state.framework ? Promise.resolve(state.framework)
    : api.storage.local.get('framework').then((r) => r?.framework ?? null, () => null);
  remembered.then((framework) => {
    if (framework) state.framework = framework;
    load(framework);
  });
}
