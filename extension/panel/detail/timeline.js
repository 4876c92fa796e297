// The timeline: the engine's steps (preflight, redirects, the actual request) in the order the browser took them.
import { el, section } from '../dom.js';

const STEP_CLASS = { good: 'good', bad: 'bad', neutral: '' };

export function renderTimeline(x) {
  const steps = [];
  for (const s of x.view?.timeline || []) {
    if (steps.length) steps.push(el('span', { class: 'arrow', text: '→' }));
    steps.push(el('div', { class: `step ${STEP_CLASS[s.state] ?? ''}${s.skipped ? ' skipped' : ''}${s.cached ? ' cached' : ''}` },
      el('div', { class: 'what', text: s.what }),
      el('div', { class: 'how', text: s.how })));
  }
  return steps.length ? section('Timeline', el('div', { class: 'timeline' }, steps)) : null;
}
