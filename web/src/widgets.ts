import { h } from './dom.js';
import { LIGHT_TEXT, pct } from './format.js';
import type { Light } from './types.js';

/** A light as a coloured badge with its word (colour is never the only cue). */
export function lightBadge(light: Light): HTMLSpanElement {
  return h('span', { class: `light light-${light}`, 'data-light': light }, LIGHT_TEXT[light]);
}

/** Progress against the expected pace (序时进度): a bar with a marker at the expected share. */
export function paceBar(progress: number, expected: number, light: Light): HTMLDivElement {
  const fill = h('div', { class: `pace-fill pace-${light}` });
  fill.style.width = `${Math.min(100, Math.max(0, progress * 100))}%`;
  const mark = h('div', { class: 'pace-mark', title: `序时进度 ${pct(expected)}` });
  mark.style.left = `${Math.min(100, Math.max(0, expected * 100))}%`;
  return h(
    'div',
    { class: 'pace', title: `进度 ${pct(progress)}，序时进度 ${pct(expected)}` },
    h('div', { class: 'pace-track' }, fill, mark),
    h('span', { class: 'pace-text' }, `${pct(progress, 0)} / 序时 ${pct(expected, 0)}`),
  );
}

export function card(title: string, ...children: Array<Node | string | null | false>): HTMLElement {
  return h('section', { class: 'card' }, h('h2', {}, title), ...children);
}

export function empty(text: string): HTMLParagraphElement {
  return h('p', { class: 'empty' }, text);
}

/** A table with a header row; `rows` are `<tr>` elements built by the caller. */
export function table(headers: string[], rows: HTMLTableRowElement[], className = ''): HTMLTableElement {
  return h(
    'table',
    { class: `grid ${className}` },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map((x) => h('th', { scope: 'col' }, x)),
      ),
    ),
    h('tbody', {}, rows),
  );
}

/** A table cell with a label for the narrow (card) layout of tables on phones. */
export function td(label: string, ...children: Array<Node | string | number | null>): HTMLTableCellElement {
  return h('td', { 'data-label': label }, ...children);
}
