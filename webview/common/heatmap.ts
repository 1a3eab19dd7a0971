/**
 * A heatmap of one H×W map with a real table behind it: screen readers read the table (caption,
 * row and column headers, every value), keyboard users move over the cells with the arrow keys and
 * choose one with Enter or Space, and a mouse shows each value on hover. Colours come from the
 * theme: positive values towards `--vscode-charts-orange`, negative towards `--vscode-charts-blue`.
 *
 * Small maps draw the table itself as the heatmap (values in the cells); large ones draw a canvas
 * (keyboard-navigable too) and keep the table for screen readers only.
 */
import { t } from './l10n';
import { announce, el, formatNumber, themeRgb } from './dom';

export interface HeatmapScale {
  /** Largest |value| (signed data) or largest value (non-negative data); 0 means all zero. */
  readonly max: number;
  readonly signed: boolean;
}

/** A rectangle of cells, inclusive, e.g. an output cell's receptive field. */
export interface CellRect {
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
}

export interface HeatmapOptions {
  /** Row-major values, `height × width`. */
  readonly values: ArrayLike<number>;
  readonly height: number;
  readonly width: number;
  /** Caption, read first by a screen reader (`Output channel 0`). */
  readonly label: string;
  /** Shared by maps that should be compared; defaults to this map's own range. */
  readonly scale?: HeatmapScale;
  /** Called when the user chooses a cell (click, Enter, Space). */
  readonly onSelect?: (y: number, x: number) => void;
  /** Cells outside this rectangle are drawn as padding (hatched), e.g. a padded input. */
  readonly inner?: CellRect;
  /** Row/column numbering starts here (a padded input counts from −pad). */
  readonly rowOrigin?: number;
  readonly colOrigin?: number;
  /** Extra class on the outer element. */
  readonly className?: string;
}

export interface Heatmap {
  readonly element: HTMLElement;
  /** Outlines a rectangle of cells (null clears it). */
  highlight(rect: CellRect | null): void;
  /** Marks one cell as chosen (null clears it), without calling `onSelect`. */
  mark(cell: { y: number; x: number } | null): void;
}

/** Cells drawn as a table up to this many; beyond, a canvas. */
const TABLE_CELLS = 24 * 24;
/** Beyond this many cells the screen-reader table is left out (it would be unreadable anyway). */
const SR_TABLE_CELLS = 64 * 64;

/** The scale that fits every map in `maps`. */
export function scaleOf(...maps: ArrayLike<number>[]): HeatmapScale {
  let max = 0;
  let signed = false;
  for (const m of maps) {
    for (let i = 0; i < m.length; i++) {
      const v = m[i];
      if (!Number.isFinite(v)) continue;
      if (v < 0) signed = true;
      max = Math.max(max, Math.abs(v));
    }
  }
  return { max, signed };
}

/** −1…1 (signed) or 0…1: where a value sits on the scale. */
function intensity(v: number, scale: HeatmapScale): number {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 0 : v > 0 ? 1 : -1;
  if (scale.max === 0) return 0;
  return Math.max(-1, Math.min(1, v / scale.max));
}

export function createHeatmap(o: HeatmapOptions): Heatmap {
  const scale = o.scale ?? scaleOf(o.values);
  const rowOrigin = o.rowOrigin ?? 0;
  const colOrigin = o.colOrigin ?? 0;
  const cells = o.height * o.width;
  const inside = (y: number, x: number): boolean =>
    !o.inner || (y >= o.inner.top && y <= o.inner.bottom && x >= o.inner.left && x <= o.inner.right);
  const describe = (y: number, x: number): string => {
    const value = formatNumber(o.values[y * o.width + x]);
    return inside(y, x)
      ? t('{0}, row {1}, column {2}: {3}', o.label, y + rowOrigin, x + colOrigin, value)
      : t('{0}, row {1}, column {2}: {3} (padding)', o.label, y + rowOrigin, x + colOrigin, value);
  };
  const root = el('figure', { class: `heatmap ${o.className ?? ''}`.trim() });
  const readout = el('div', { class: 'heatmap-readout', 'aria-hidden': 'true' }, '\u00a0');
  let cursor = { y: 0, x: 0 };
  const choose = (y: number, x: number): void => {
    cursor = { y, x };
    o.onSelect?.(y, x);
  };

  // The table: visible for small maps, for screen readers only for large ones.
  const asTable = cells <= TABLE_CELLS;
  let tds: HTMLTableCellElement[] = [];
  if (cells <= SR_TABLE_CELLS) {
    const table = el('table', { class: asTable ? 'heatmap-table' : 'sr-only', role: o.onSelect ? 'grid' : 'table' });
    table.append(el('caption', { class: asTable ? 'heatmap-caption' : undefined }, o.label));
    const head = el('tr', { class: 'sr-only-row' }, el('th', { scope: 'col' }, 'row'));
    for (let x = 0; x < o.width; x++) head.append(el('th', { scope: 'col' }, t('column {0}', x + colOrigin)));
    table.append(el('thead', { class: 'sr-only' }, head));
    const body = el('tbody');
    tds = new Array(cells);
    for (let y = 0; y < o.height; y++) {
      const tr = el('tr', null, el('th', { scope: 'row', class: 'sr-only' }, t('row {0}', y + rowOrigin)));
      for (let x = 0; x < o.width; x++) {
        const v = o.values[y * o.width + x];
        const t = intensity(v, scale);
        const td = el('td', {
          class: `${t < 0 ? 'neg' : 'pos'}${inside(y, x) ? '' : ' pad'}`,
          title: asTable ? describe(y, x) : null,
          tabindex: asTable && o.onSelect ? (y === 0 && x === 0 ? 0 : -1) : null,
          'data-y': y,
          'data-x': x,
        }, formatNumber(v));
        td.style.setProperty('--t', String(Math.abs(t)));
        tds[y * o.width + x] = td;
        tr.append(td);
      }
      body.append(tr);
    }
    table.append(body);
    root.append(table);
    if (asTable) wireTable(table);
  }

  let canvasRedraw: (() => void) | undefined;
  if (!asTable) {
    root.append(el('figcaption', { class: 'heatmap-caption' }, o.label));
    canvasRedraw = wireCanvas();
  }
  root.append(readout);

  let lit: CellRect | null = null;
  let marked: { y: number; x: number } | null = null;

  function wireTable(table: HTMLTableElement): void {
    const cellAt = (t: EventTarget | null): { y: number; x: number } | undefined => {
      const td = (t as HTMLElement | null)?.closest?.('td');
      return td ? { y: Number(td.dataset.y), x: Number(td.dataset.x) } : undefined;
    };
    table.addEventListener('mouseover', (e) => {
      const c = cellAt(e.target);
      if (c) readout.textContent = describe(c.y, c.x);
    });
    if (!o.onSelect) return;
    table.addEventListener('click', (e) => {
      const c = cellAt(e.target);
      if (c) {
        focusCell(c.y, c.x);
        choose(c.y, c.x);
      }
    });
    table.addEventListener('keydown', (e) => {
      const c = cellAt(e.target);
      if (!c) return;
      const next = move(c, e.key);
      if (next) {
        e.preventDefault();
        focusCell(next.y, next.x);
      } else if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        choose(c.y, c.x);
      }
    });
  }

  function focusCell(y: number, x: number): void {
    for (const td of tds) if (td) td.tabIndex = -1;
    const td = tds[y * o.width + x];
    if (!td) return;
    td.tabIndex = 0;
    td.focus();
    readout.textContent = describe(y, x);
  }

  /** Arrow keys, Home/End (row), PageUp/PageDown (column ends). */
  function move(c: { y: number; x: number }, key: string): { y: number; x: number } | undefined {
    const clampY = (y: number) => Math.max(0, Math.min(o.height - 1, y));
    const clampX = (x: number) => Math.max(0, Math.min(o.width - 1, x));
    switch (key) {
      case 'ArrowUp': return { y: clampY(c.y - 1), x: c.x };
      case 'ArrowDown': return { y: clampY(c.y + 1), x: c.x };
      case 'ArrowLeft': return { y: c.y, x: clampX(c.x - 1) };
      case 'ArrowRight': return { y: c.y, x: clampX(c.x + 1) };
      case 'Home': return { y: c.y, x: 0 };
      case 'End': return { y: c.y, x: o.width - 1 };
      case 'PageUp': return { y: 0, x: c.x };
      case 'PageDown': return { y: o.height - 1, x: c.x };
      default: return undefined;
    }
  }

  function wireCanvas(): () => void {
    const px = Math.max(2, Math.min(12, Math.floor(320 / Math.max(o.width, o.height))));
    const canvas = el('canvas', {
      class: 'heatmap-canvas',
      width: o.width * px,
      height: o.height * px,
      role: 'img',
      'aria-label': o.onSelect
        ? t('{0}: {1} by {2} heatmap; arrow keys move, Enter chooses a cell', o.label, o.height, o.width)
        : t('{0}: {1} by {2} heatmap', o.label, o.height, o.width),
      tabindex: 0,
    });
    root.append(canvas);
    const draw = (): void => {
      const ctx = canvas.getContext('2d');
      if (!ctx) return;
      const pos = themeRgb('--vscode-charts-orange', [209, 134, 22]);
      const neg = themeRgb('--vscode-charts-blue', [55, 148, 255]);
      const bg = themeRgb('--vscode-editor-background', [30, 30, 30]);
      const focus = themeRgb('--vscode-focusBorder', [0, 127, 212]);
      const img = ctx.createImageData(o.width * px, o.height * px);
      for (let y = 0; y < o.height; y++) {
        for (let x = 0; x < o.width; x++) {
          const t = intensity(o.values[y * o.width + x], scale);
          const c = t < 0 ? neg : pos;
          const a = Math.abs(t) * (inside(y, x) ? 0.9 : 0.45);
          const rgb = [0, 1, 2].map((i) => Math.round(bg[i] + (c[i] - bg[i]) * a));
          for (let dy = 0; dy < px; dy++) {
            for (let dx = 0; dx < px; dx++) {
              const k = ((y * px + dy) * o.width * px + x * px + dx) * 4;
              img.data[k] = rgb[0];
              img.data[k + 1] = rgb[1];
              img.data[k + 2] = rgb[2];
              img.data[k + 3] = 255;
            }
          }
        }
      }
      ctx.putImageData(img, 0, 0);
      ctx.strokeStyle = `rgb(${focus.join(',')})`;
      ctx.lineWidth = 2;
      if (lit) ctx.strokeRect(lit.left * px + 1, lit.top * px + 1, (lit.right - lit.left + 1) * px - 2, (lit.bottom - lit.top + 1) * px - 2);
      if (marked) ctx.strokeRect(marked.x * px, marked.y * px, px, px);
      if (document.activeElement === canvas) {
        ctx.setLineDash([2, 2]);
        ctx.strokeRect(cursor.x * px + 0.5, cursor.y * px + 0.5, px - 1, px - 1);
        ctx.setLineDash([]);
      }
    };
    const at = (e: MouseEvent) => {
      const r = canvas.getBoundingClientRect();
      const x = Math.floor(((e.clientX - r.left) / r.width) * o.width);
      const y = Math.floor(((e.clientY - r.top) / r.height) * o.height);
      return x >= 0 && y >= 0 && x < o.width && y < o.height ? { y, x } : undefined;
    };
    canvas.addEventListener('mousemove', (e) => {
      const c = at(e);
      readout.textContent = c ? describe(c.y, c.x) : '\u00a0';
    });
    canvas.addEventListener('click', (e) => {
      const c = at(e);
      if (c && o.onSelect) {
        choose(c.y, c.x);
        draw();
      }
    });
    canvas.addEventListener('focus', draw);
    canvas.addEventListener('blur', draw);
    canvas.addEventListener('keydown', (e) => {
      const next = move(cursor, e.key);
      if (next) {
        e.preventDefault();
        cursor = next;
        readout.textContent = describe(next.y, next.x);
        announce(describe(next.y, next.x));
        draw();
      } else if ((e.key === 'Enter' || e.key === ' ') && o.onSelect) {
        e.preventDefault();
        choose(cursor.y, cursor.x);
        draw();
      }
    });
    requestAnimationFrame(draw);
    return draw;
  }

  return {
    element: root,
    highlight(rect) {
      lit = rect;
      if (canvasRedraw) canvasRedraw();
      else {
        for (let y = 0; y < o.height; y++) {
          for (let x = 0; x < o.width; x++) {
            const on = !!rect && y >= rect.top && y <= rect.bottom && x >= rect.left && x <= rect.right;
            tds[y * o.width + x]?.classList.toggle('lit', on);
          }
        }
      }
    },
    mark(cell) {
      marked = cell;
      if (canvasRedraw) canvasRedraw();
      else for (let i = 0; i < tds.length; i++) tds[i]?.classList.toggle('marked', !!cell && i === cell.y * o.width + cell.x);
    },
  };
}
