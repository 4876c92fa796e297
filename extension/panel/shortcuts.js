// The panel's Ctrl (Cmd on macOS) shortcuts, as in DevTools' Network panel: Ctrl+E records, Ctrl+L clears.

/** Runs `fn` on Ctrl/Cmd + `letter` (no Alt or Shift), instead of the browser's own use of it. */
export function onShortcut(letter, fn) {
  document.addEventListener('keydown', (e) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey || e.key.toLowerCase() !== letter) return;
    e.preventDefault();
    fn();
  });
}
