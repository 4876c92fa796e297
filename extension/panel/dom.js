// The panel's DOM helpers. Every captured value goes in as text (textContent, text nodes), never as markup.
import { state } from './state.js';

export const $ = (id) => document.getElementById(id);

export function el(tag, attrs, ...children) {
  const n = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v == null || v === false) continue;
      if (k === 'class') n.className = v;
      else if (k === 'text') n.textContent = String(v);
      else if (k === 'dataset') Object.assign(n.dataset, v);
      else if (k.startsWith('on')) n.addEventListener(k.slice(2), v);
      else n.setAttribute(k, v === true ? '' : String(v));
    }
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    n.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return n;
}

/** Replace a node's children; null/false entries are skipped (replaceChildren would print "null"). */
export function fill(n, ...children) {
  n.replaceChildren(...children.flat().filter((c) => c != null && c !== false));
}

/** A titled section of the detail: `.sec-<title>` for tests and styles. */
export function section(title, ...content) {
  return el('section', { class: `sec sec-${title.toLowerCase().replace(/[^a-z]+/g, '-')}` }, el('h3', { text: title }), ...content);
}

export function toast(text) {
  const t = el('div', { class: 'toast', text });
  document.body.append(t);
  setTimeout(() => t.remove(), 1400);
}

export async function copyText(text, what) {
  state.lastCopied = text;
  let ok = false;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch {
    // DevTools panels may not get the async clipboard: fall back to a selection copy.
    const ta = el('textarea', { style: 'position:fixed;left:-9999px;top:0' });
    ta.value = text;
    document.body.append(ta);
    ta.select();
    try { ok = document.execCommand('copy'); } catch { ok = false; }
    ta.remove();
  }
  toast(ok ? `Copied ${what}` : `Could not copy ${what}`);
}

export function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 5000);
}
