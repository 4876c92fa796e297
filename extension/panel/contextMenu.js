// A row's context menu, as in DevTools' Network panel (right-click, the ContextMenu key or Shift+F10): copy the URL,
// the request as cURL or fetch (the engine's `replay`), the console line, the fix, each masked as an export is; open
// the initiator.
import { openScript } from './columns.js';
import { copyText, el, toast } from './dom.js';
import { curl, fetchCall } from './requestText.js';
import { consoleLine, state } from './state.js';
import { inDevtools, send } from './transport.js';

let open = null; // {menu, returnFocus}

async function copyFix(x, openDetail) {
  try {
    const r = await send({ type: 'fix', exchange: x.exchange, framework: state.framework });
    if (r?.fix?.snippet) { await copyText(r.fix.snippet, 'the fix'); return; }
    // No server picked yet: the detail's fix slot asks which one.
    openDetail(x.id);
    toast('Pick your server to get its fix');
  } catch (e) {
    toast(`No fix: ${e.message || e}`);
  }
}

/** [label, action or null when it does not apply]. */
function entries(x, openDetail) {
  // Copies leave the panel: the engine's `copies` and `replay` are masked as an export is.
  const actual = x.replay?.actual;
  const line = consoleLine(x.verdict && { ...x.verdict, console: x.copies?.console });
  return [
    ['Copy URL', x.copies && (() => copyText(x.copies.url, 'the URL'))],
    ['Copy as cURL', actual && (() => copyText(curl(actual), 'the request as cURL'))],
    ['Copy as fetch', actual && (() => copyText(fetchCall(actual), 'the request as fetch'))],
    ['Copy console line', line && (() => copyText(line, 'the console line'))],
    ['Copy fix', x.failed && x.exchange && (() => copyFix(x, openDetail))],
    ...(inDevtools && x.initiator_script ? [['Open initiator in Sources', () => openScript(x.initiator_script)]] : []),
  ];
}

export function closeMenu({ refocus = true } = {}) {
  if (!open) return;
  const { menu, returnFocus } = open;
  open = null;
  menu.remove();
  if (refocus) returnFocus?.focus();
}

function onKey(e, items) {
  const i = items.indexOf(document.activeElement);
  const last = items.length - 1;
  const j = { ArrowDown: i >= last ? 0 : i + 1, ArrowUp: i <= 0 ? last : i - 1, Home: 0, End: last }[e.key];
  if (j != null) { e.preventDefault(); items[j].focus(); return; }
  if (e.key === 'Escape' || e.key === 'Tab') { e.preventDefault(); e.stopPropagation(); closeMenu(); }
}

/** Opens the menu for exchange `x` at {x, y} (viewport pixels); `openDetail(id)` shows an exchange's detail. */
export function openMenu(x, at, { openDetail, returnFocus }) {
  closeMenu({ refocus: false });
  const buttons = entries(x, openDetail).map(([label, action]) => el('button', {
    type: 'button', role: 'menuitem', tabindex: '-1', text: label, disabled: !action,
    onclick: () => { closeMenu(); action(); },
  }));
  const items = buttons.filter((b) => !b.disabled);
  const menu = el('div', { class: 'menu', role: 'menu', 'aria-label': 'Request actions', id: 'row-menu' }, buttons);
  menu.addEventListener('keydown', (e) => onKey(e, items));
  menu.addEventListener('focusout', (e) => { if (!menu.contains(e.relatedTarget)) closeMenu({ refocus: false }); });
  document.body.append(menu);
  const { width, height } = menu.getBoundingClientRect();
  menu.style.left = `${Math.max(0, Math.min(at.x, innerWidth - width))}px`;
  menu.style.top = `${Math.max(0, Math.min(at.y, innerHeight - height))}px`;
  open = { menu, returnFocus };
  items[0]?.focus();
}
