// Recording, as in Chrome's Network panel: a round red button (Ctrl+E / Cmd+E) that starts and stops capture for
// this tab, and a setting to record every tab in the background. Shown only once the background reports
// `recording: {tab, every_tab, from_devtools}`; its answers to `record` and `settings` carry the same object.
import { $, toast } from './dom.js';
import { onShortcut } from './shortcuts.js';
import { settings, state } from './state.js';
import { send } from './transport.js';

function modeText(r) {
  if (r.every_tab) return 'Recording every tab in the background';
  if (r.tab) return r.from_devtools ? 'Recording this tab from DevTools\u2019 Network records' : 'Recording this tab';
  return 'Not recording: press Record (Ctrl+E)';
}

export function renderRecording() {
  const r = state.recording;
  const button = $('record');
  const everyTab = $('record-every-tab');
  const mode = $('recording');
  button.hidden = !r;
  everyTab.parentElement.hidden = !r;
  mode.hidden = !r;
  if (!r) return;
  button.setAttribute('aria-pressed', String(!!r.tab));
  button.title = r.tab ? 'Stop recording (Ctrl+E)' : 'Record (Ctrl+E)';
  button.setAttribute('aria-label', r.tab ? 'Stop recording' : 'Record');
  everyTab.checked = !!r.every_tab;
  mode.textContent = modeText(r);
}

async function change(msg) {
  settings.clicks++;
  try {
    const answer = await send(msg);
    if (answer?.recording) state.recording = answer.recording;
  } catch (err) {
    toast(String(err.message || err));
  }
  renderRecording();
}

const toggle = () => change({ type: 'record', value: !state.recording?.tab });

export function initRecording() {
  $('record').addEventListener('click', toggle);
  $('record-every-tab').addEventListener('change', (e) => change({ type: 'settings', record_every_tab: e.target.checked }));
  onShortcut('e', () => { if (state.recording) toggle(); });
  renderRecording();
}
