// Hand-written SVG charts: a line chart of a few series over days or weeks, a
// horizontal bar list and a progress bar. Colours come from app.css (classes
// s0, s1, ...): no inline style, so the strict CSP holds.

import { h, s } from './dom.js';
import { compactNum, num, shortDate } from './i18n.js';

const HEIGHT = 210;
const PAD = { top: 12, right: 14, bottom: 26, left: 60 };

// 1, 2 or 5 times a power of ten: the step between `ticks` gridlines up to `max`.
function niceStep(max, ticks) {
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / magnitude;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * magnitude;
}

/**
 * A line chart `width` pixels wide: `dates` along x (oldest first), one line per
 * series `{label, values}` (values aligned with `dates`).
 */
export function lineChart({ title, dates, series, width }) {
  const w = Math.max(Math.floor(width), 260);
  const innerW = w - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const max = Math.max(1, ...series.flatMap((line) => line.values));
  const step = Math.max(1, niceStep(max, 4));
  const top = Math.ceil(max / step) * step;
  const x = (i) => PAD.left + (dates.length <= 1 ? innerW / 2 : (i * innerW) / (dates.length - 1));
  const y = (value) => PAD.top + innerH - (value / top) * innerH;

  const grid = [];
  for (let value = 0; value <= top; value += step) {
    grid.push(
      s('line', { class: 'grid', x1: PAD.left, x2: w - PAD.right, y1: y(value), y2: y(value) }),
      s('text', { class: 'axis', x: PAD.left - 6, y: y(value) + 4, 'text-anchor': 'end' }, compactNum(value)),
    );
  }
  // As many date labels as fit, evenly spaced, the first and last included.
  const fits = Math.max(2, Math.floor(innerW / 56));
  const every = Math.max(1, Math.ceil((dates.length - 1) / (fits - 1)));
  const labels = dates
    .map((day, i) => [day, i])
    .filter(([, i]) => i % every === 0 || (i === dates.length - 1 && (dates.length - 1) % every > every / 2))
    .map(([day, i]) =>
      s('text', { class: 'axis', x: x(i), y: HEIGHT - 8, 'text-anchor': 'middle' }, shortDate(day)),
    );

  const lines = series.map((line, n) =>
    s('path', {
      class: `line s${n}`,
      d: line.values.map((value, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)} ${y(value).toFixed(1)}`).join(''),
    }),
  );
  // A column per date: hovering it tells every series' value.
  const columnW = dates.length > 1 ? innerW / (dates.length - 1) : innerW;
  const columns = dates.map((day, i) =>
    s(
      'rect',
      { class: 'hover', x: x(i) - columnW / 2, y: PAD.top, width: columnW, height: innerH },
      s('title', {}, [day, ...series.map((line) => `${line.label}: ${num(line.values[i])}`)].join('\n')),
    ),
  );
  const dots =
    dates.length <= 62
      ? series.flatMap((line, n) =>
          line.values.map((value, i) => s('circle', { class: `dot s${n}`, cx: x(i), cy: y(value), r: 2.5 })),
        )
      : [];

  const svg = s(
    'svg',
    { class: 'chart', width: w, height: HEIGHT, viewBox: `0 0 ${w} ${HEIGHT}`, role: 'img', 'aria-label': title },
    grid,
    s('line', { class: 'baseline', x1: PAD.left, x2: w - PAD.right, y1: y(0), y2: y(0) }),
    labels,
    lines,
    dots,
    columns,
  );
  const legend = h(
    'ul',
    { class: 'legend' },
    series.map((line, n) =>
      h('li', {}, h('span', { class: `swatch s${n}` }), `${line.label}: `, h('strong', {}, num(sum(line.values)))),
    ),
  );
  return h('figure', { class: 'chart-box' }, h('figcaption', {}, title), svg, legend);
}

function sum(values) {
  return values.reduce((total, value) => total + value, 0);
}

/** A bar `share` (0.0 to 1.0) full, its width set through the CSSOM (allowed by the CSP). */
export function progressBar(share, label) {
  const clamped = Math.min(1, Math.max(0, share || 0));
  const fill = h('span', { class: 'fill' });
  fill.style.width = `${(clamped * 100).toFixed(1)}%`;
  return h(
    'span',
    {
      class: 'bar',
      role: 'progressbar',
      'aria-valuemin': 0,
      'aria-valuemax': 100,
      'aria-valuenow': Math.round(clamped * 100),
      'aria-label': label,
    },
    fill,
  );
}

/** Horizontal bars for `[{label, value}]`, scaled to the largest. */
export function barList(items) {
  const max = Math.max(1, ...items.map((item) => item.value));
  return h(
    'ul',
    { class: 'bar-list' },
    items.map((item) =>
      h(
        'li',
        {},
        h('span', { class: 'bar-label' }, item.label),
        progressBar(item.value / max, item.label),
        h('span', { class: 'num' }, num(item.value)),
      ),
    ),
  );
}
