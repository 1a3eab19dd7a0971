/**
 * One 2-D map (a channel of a tensor) as a heatmap. Small maps are a table of numbers on coloured
 * cells, which a screen reader can walk; large ones are a canvas, whose cells are announced as the
 * keyboard cursor moves. Either way the arrow keys move a cursor and the pointer resting on a cell
 * reports it, so the explain panel works from the mouse and the keyboard alike.
 */
import { announce, el as h, formatNumber as fmt, themeRgb } from '../common/dom';

/** Up to this many cells a map is a table with numbers; beyond it a canvas. */
export const TABLE_LIMIT = 256;

export type Mark = 'window' | 'field' | 'lit' | 'kernel' | 'pad' | 'max';

export interface MapOptions {
  /** Accessible name, e.g. "Output channel 0". */
  label: string;
  /** Called when the pointer rests on or the cursor moves to a cell; null when it leaves. */
  onCell?: (cell: { y: number; x: number } | null) => void;
  /** How a cell is read out: defaults to "row r, column c: value". */
  describe?: (y: number, x: number, value: number) => string;
  /** Largest drawn side in CSS pixels for canvas maps. */
  maxSide?: number;
  /** Pixels per cell in table mode (numbers need room). */
  compact?: boolean;
}

interface Palette {
  pos: [number, number, number];
  neg: [number, number, number];
  bg: [number, number, number];
  mark: Record<Mark, string>;
}

let palette: Palette | undefined;
const views = new Set<WeakRef<MapView>>();

function readPalette(): Palette {
  const css = (v: string, f: string) => getComputedStyle(document.body).getPropertyValue(v).trim() || f;
  return {
    pos: themeRgb('--vscode-charts-orange', [209, 134, 22]),
    neg: themeRgb('--vscode-charts-blue', [55, 148, 255]),
    bg: themeRgb('--vscode-editor-background', [30, 30, 30]),
    mark: {
      window: css('--vscode-focusBorder', '#007fd4'),
      field: css('--vscode-charts-green', '#89d185'),
      lit: css('--vscode-charts-yellow', '#cca700'),
      kernel: css('--vscode-charts-purple', '#b180d7'),
      pad: css('--vscode-disabledForeground', '#888'),
      max: css('--vscode-charts-red', '#f14c4c'),
    },
  };
}

// Theme switches change the body's class: recolour every live map.
new MutationObserver(() => {
  palette = readPalette();
  for (const ref of views) {
    const v = ref.deref();
    if (v) v.redraw();
    else views.delete(ref);
  }
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

/** Colour of value `v` on a scale whose largest magnitude is `absMax`: orange above 0, blue below. */
export function cellRgb(v: number, absMax: number): [number, number, number] {
  palette ??= readPalette();
  const t = absMax > 0 && Number.isFinite(v) ? Math.max(-1, Math.min(1, v / absMax)) : 0;
  const c = t >= 0 ? palette.pos : palette.neg;
  const a = Math.abs(t) * 0.85;
  const bg = palette.bg;
  return [bg[0] + (c[0] - bg[0]) * a, bg[1] + (c[1] - bg[1]) * a, bg[2] + (c[2] - bg[2]) * a].map(Math.round) as [number, number, number];
}

export class MapView {
  readonly el: HTMLElement;
  private values: ArrayLike<number> = [];
  private offset = 0;
  private height = 0;
  private width = 0;
  private absMax = 1;
  private marks = new Map<number, Set<Mark>>();
  private cursor: { y: number; x: number } | null = null;
  private mode: 'table' | 'canvas' | null = null;
  private table?: HTMLTableElement;
  private cells: HTMLTableCellElement[] = [];
  private canvas?: HTMLCanvasElement;
  private cellPx = 8;
  private small?: OffscreenCanvas;
  private readonly id = `map${Math.random().toString(36).slice(2, 9)}`;

  constructor(private readonly opts: MapOptions) {
    this.el = h('div', { class: 'map', tabindex: 0, role: 'group', 'aria-label': opts.label });
    this.el.addEventListener('keydown', (e) => this.onKey(e));
    this.el.addEventListener('focus', () => {
      if (!this.cursor && this.height > 0) this.moveCursor(0, 0);
      else if (this.cursor) this.moveCursor(this.cursor.y, this.cursor.x);
    });
    this.el.addEventListener('blur', () => {
      this.setCursorMark(null);
    });
    this.el.addEventListener('pointermove', (e) => {
      const cell = this.cellAt(e);
      if (cell) this.report(cell);
    });
    this.el.addEventListener('pointerleave', () => {
      if (document.activeElement !== this.el) this.opts.onCell?.(null);
    });
    views.add(new WeakRef(this));
  }

  setLabel(label: string): void {
    this.el.setAttribute('aria-label', label);
  }

  /**
   * Shows `h × w` values starting at `offset` of `values`, coloured on ±absMax (the caller shares one
   * scale across the channels of a tensor so they compare).
   */
  set(values: ArrayLike<number>, offset: number, height: number, width: number, absMax: number): void {
    const reshaped = height !== this.height || width !== this.width;
    this.values = values;
    this.offset = offset;
    this.height = height;
    this.width = width;
    this.absMax = absMax;
    if (reshaped) {
      this.marks.clear();
      this.cursor = null;
      this.build();
    }
    this.redraw();
  }

  /** Replaces the highlighted cells (index y·w + x → marks). */
  setMarks(marks: Map<number, Set<Mark>>): void {
    this.marks = marks;
    this.redraw();
  }

  value(y: number, x: number): number {
    return this.values[this.offset + y * this.width + x];
  }

  private build(): void {
    const n = this.height * this.width;
    this.mode = n <= TABLE_LIMIT ? 'table' : 'canvas';
    this.el.replaceChildren();
    this.cells = [];
    this.table = undefined;
    this.canvas = undefined;
    // Table maps are a grid whose focused cell is the active descendant; canvas maps announce cells.
    this.el.setAttribute('role', this.mode === 'table' ? 'grid' : 'group');
    if (this.mode === 'table') {
      const table = h('table', { class: this.opts.compact ? 'map-table compact' : 'map-table', role: 'presentation' });
      for (let y = 0; y < this.height; y++) {
        const tr = h('tr', { role: 'row' });
        for (let x = 0; x < this.width; x++) {
          const td = h('td', { role: 'gridcell', id: `${this.id}-${y}-${x}` });
          this.cells.push(td);
          tr.append(td);
        }
        table.append(tr);
      }
      this.table = table;
      this.el.append(table);
    } else {
      const side = this.opts.maxSide ?? 320;
      this.cellPx = Math.max(1, Math.min(24, Math.floor(side / Math.max(this.height, this.width))));
      const canvas = h('canvas', { class: 'map-canvas', role: 'img', 'aria-label': this.opts.label });
      const ratio = window.devicePixelRatio || 1;
      canvas.width = Math.round(this.width * this.cellPx * ratio);
      canvas.height = Math.round(this.height * this.cellPx * ratio);
      canvas.style.width = `${this.width * this.cellPx}px`;
      canvas.style.height = `${this.height * this.cellPx}px`;
      this.canvas = canvas;
      this.el.append(canvas);
    }
  }

  redraw(): void {
    if (this.mode === 'table') this.drawTable();
    else if (this.mode === 'canvas') this.drawCanvas();
  }

  private drawTable(): void {
    const w = this.width;
    const cursor = this.cursor && document.activeElement === this.el ? this.cursor.y * w + this.cursor.x : -1;
    for (let i = 0; i < this.cells.length; i++) {
      const td = this.cells[i];
      const v = this.values[this.offset + i];
      const text = fmt(v);
      if (td.textContent !== text) td.textContent = text;
      const [r, g, b] = cellRgb(v, this.absMax);
      td.style.backgroundColor = `rgb(${r}, ${g}, ${b})`;
      const marks = this.marks.get(i);
      let cls = marks ? [...marks].map((m) => `mark-${m}`).join(' ') : '';
      if (cursor === i) cls += ' cursor';
      if (td.className !== cls) td.className = cls;
      td.setAttribute('aria-label', this.describe(Math.floor(i / w), i % w, v));
    }
  }

  private drawCanvas(): void {
    const canvas = this.canvas;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const { width: w, height: hgt } = this;
    // One pixel per cell into an ImageData, scaled up without smoothing: cheap for any size.
    const img = new ImageData(w, hgt);
    for (let i = 0; i < w * hgt; i++) {
      const [r, g, b] = cellRgb(this.values[this.offset + i], this.absMax);
      img.data[i * 4] = r;
      img.data[i * 4 + 1] = g;
      img.data[i * 4 + 2] = b;
      img.data[i * 4 + 3] = 255;
    }
    const ratio = canvas.width / (w * this.cellPx);
    if (this.small?.width !== w || this.small.height !== hgt) this.small = new OffscreenCanvas(w, hgt);
    const small = this.small;
    small.getContext('2d')?.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
    ctx.setTransform(ratio * this.cellPx, 0, 0, ratio * this.cellPx, 0, 0);
    palette ??= readPalette();
    ctx.lineWidth = 2 / (ratio * this.cellPx);
    for (const [i, marks] of this.marks) {
      const y = Math.floor(i / w);
      const x = i % w;
      for (const m of marks) {
        ctx.strokeStyle = palette.mark[m];
        ctx.strokeRect(x + ctx.lineWidth / 2, y + ctx.lineWidth / 2, 1 - ctx.lineWidth, 1 - ctx.lineWidth);
      }
    }
    if (this.cursor && document.activeElement === this.el) {
      ctx.strokeStyle = palette.mark.window;
      ctx.strokeRect(this.cursor.x, this.cursor.y, 1, 1);
    }
  }

  private describe(y: number, x: number, v: number): string {
    return this.opts.describe ? this.opts.describe(y, x, v) : `${y}, ${x}: ${fmt(v)}`;
  }

  private cellAt(e: PointerEvent): { y: number; x: number } | null {
    if (this.mode === 'table') {
      const td = (e.target as Element).closest('td');
      const i = td ? this.cells.indexOf(td as HTMLTableCellElement) : -1;
      return i >= 0 ? { y: Math.floor(i / this.width), x: i % this.width } : null;
    }
    if (!this.canvas) return null;
    const rect = this.canvas.getBoundingClientRect();
    const x = Math.floor(((e.clientX - rect.left) / rect.width) * this.width);
    const y = Math.floor(((e.clientY - rect.top) / rect.height) * this.height);
    return x >= 0 && y >= 0 && x < this.width && y < this.height ? { y, x } : null;
  }

  private report(cell: { y: number; x: number }): void {
    this.opts.onCell?.(cell);
  }

  private onKey(e: KeyboardEvent): void {
    if (!this.height) return;
    const c = this.cursor ?? { y: 0, x: 0 };
    const moves: Record<string, [number, number]> = {
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
      Home: [0, -c.x],
      End: [0, this.width - 1 - c.x],
    };
    const m = moves[e.key];
    if (!m) return;
    e.preventDefault();
    this.moveCursor(Math.max(0, Math.min(this.height - 1, c.y + m[0])), Math.max(0, Math.min(this.width - 1, c.x + m[1])));
  }

  /** Puts the keyboard cursor on a cell, announces it and reports it. */
  moveCursor(y: number, x: number): void {
    this.cursor = { y, x };
    this.setCursorMark(this.cursor);
    announce(this.describe(y, x, this.value(y, x)));
    this.report(this.cursor);
  }

  private setCursorMark(cell: { y: number; x: number } | null): void {
    if (this.mode === 'table') {
      this.table?.querySelector('.cursor')?.classList.remove('cursor');
      if (cell) {
        const td = this.cells[cell.y * this.width + cell.x];
        td?.classList.add('cursor');
        this.el.setAttribute('aria-activedescendant', td?.id ?? '');
      } else {
        this.el.removeAttribute('aria-activedescendant');
      }
    } else {
      this.drawCanvas();
    }
  }
}
