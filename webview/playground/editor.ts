/**
 * An editor for the input (C×H×W) or the kernel (O×I×kH×kW): one grid of cells per channel slice,
 * buttons to add and remove channels and resize, random and preset values, "From selection", and a
 * text box that takes anything the literal parser reads. Large tensors show as heatmaps instead of
 * grids (thousands of cells are no way to edit them); the text box still edits them.
 */
import type { WireTensor } from '../../src/protocol';
import { el as h, formatNumber as fmt } from '../common/dom';
import { t } from '../common/l10n';
import { MapView } from './mapview';
import type { Preset } from './presets';
import { formatTensorText, parseTensorText } from './text';

/** Above this many cells the grids become read-only heatmaps. */
const GRID_LIMIT = 1200;

export interface EditorConfig {
  kind: 'input' | 'kernel';
  title: string;
  shapeLabel(t: WireTensor): string;
  /** Reads a parsed or selected tensor in this editor's rank, or says why it cannot. */
  normalize(t: WireTensor): WireTensor | string;
  presets(): Preset[];
  randomize(t: WireTensor): WireTensor;
  /** Adds (+1) or removes (−1) a channel along the editor's channel axis. */
  addChannel(t: WireTensor, delta: 1 | -1): WireTensor | string;
  resize(t: WireTensor, height: number, width: number): WireTensor;
  onChange(t: WireTensor): void;
  onRequestSelection(): void;
}

type VscField = HTMLElement & { value: string };

export class TensorEditor {
  readonly el: HTMLElement;
  private tensor: WireTensor = { shape: [1, 1, 1], data: [0] };
  private readonly shapeEl: HTMLElement;
  private readonly gridsEl: HTMLElement;
  private readonly textEl: VscField;
  private readonly errorEl: HTMLElement;
  private readonly heightEl: VscField;
  private readonly widthEl: VscField;
  private readonly presetEl: VscField;
  private cells: HTMLInputElement[] = [];
  private textTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly cfg: EditorConfig) {
    const id = `${cfg.kind}-editor`;
    this.shapeEl = h('span', { class: 'shape', 'data-role': 'shape' });
    const button = (icon: string, label: string, onClick: () => void, role: string) => {
      const b = h('vscode-button', { icon, secondary: true, 'aria-label': label, title: label, 'data-action': role }, label);
      b.addEventListener('click', onClick);
      return b;
    };
    const axis = cfg.kind === 'input' ? t('channel') : t('output channel');
    this.heightEl = h('vscode-textfield', { type: 'number', min: 1, max: 64, class: 'num', 'aria-label': cfg.kind === 'input' ? t('Height') : t('Kernel height'), 'data-field': 'height' }) as VscField;
    this.widthEl = h('vscode-textfield', { type: 'number', min: 1, max: 64, class: 'num', 'aria-label': cfg.kind === 'input' ? t('Width') : t('Kernel width'), 'data-field': 'width' }) as VscField;
    for (const f of [this.heightEl, this.widthEl]) f.addEventListener('change', () => this.onResize());
    this.presetEl = h('vscode-single-select', { 'aria-label': t('Preset values'), class: 'preset', 'data-field': 'preset' }) as VscField;
    this.presetEl.addEventListener('change', () => this.onPreset());
    this.textEl = h('vscode-textarea', {
      monospace: true,
      rows: cfg.kind === 'input' ? 6 : 4,
      resize: 'none',
      spellcheck: false,
      label: t('{0} as text', cfg.title),
      'aria-label': t('{0} as text', cfg.title),
      placeholder: '[[1, 2], [3, 4]]   torch.tensor(…)   tensor(…)',
      'data-field': 'text',
    }) as VscField;
    this.textEl.addEventListener('input', () => {
      clearTimeout(this.textTimer);
      this.textTimer = setTimeout(() => this.onText(), 200);
    });
    this.errorEl = h('div', { class: 'error', role: 'alert', 'data-role': 'error' });
    this.gridsEl = h('div', { class: 'grids' });
    this.el = h(
      'section',
      { class: `editor editor-${cfg.kind}`, 'aria-labelledby': `${id}-title`, 'data-editor': cfg.kind },
      h('h2', { id: `${id}-title` }, cfg.title, ' ', this.shapeEl),
      h(
        'div',
        { class: 'toolbar', role: 'toolbar', 'aria-label': t('{0} tools', cfg.title) },
        button('add', t('Add {0}', axis), () => this.onChannel(1), 'add-channel'),
        button('remove', t('Remove {0}', axis), () => this.onChannel(-1), 'remove-channel'),
        h('label', { class: 'field' }, cfg.kind === 'input' ? 'H' : 'kH', this.heightEl),
        h('label', { class: 'field' }, cfg.kind === 'input' ? 'W' : 'kW', this.widthEl),
        button('refresh', t('Random'), () => this.commit(cfg.randomize(this.tensor)), 'random'),
        this.presetEl,
        button('selection', t('From selection'), () => cfg.onRequestSelection(), 'from-selection'),
      ),
      this.gridsEl,
      this.textEl,
      this.errorEl,
    );
  }

  get value(): WireTensor {
    return this.tensor;
  }

  /** Shows `t`; `fromText` leaves the text box alone (the user is typing in it). */
  set(tensor: WireTensor, fromText = false): void {
    const reshaped = tensor.shape.join() !== this.tensor.shape.join();
    this.tensor = tensor;
    this.shapeEl.textContent = this.cfg.shapeLabel(tensor);
    const r = tensor.shape.length;
    this.heightEl.value = String(tensor.shape[r - 2]);
    this.widthEl.value = String(tensor.shape[r - 1]);
    if (reshaped || this.cells.length === 0) this.buildGrids();
    else this.fillGrids();
    if (!fromText) {
      this.textEl.value = formatTensorText(tensor);
      this.errorEl.textContent = '';
    }
  }

  /** Refreshes the preset list (the kernel's patterns depend on the channel counts). */
  setPresets(presets: Preset[]): void {
    this.presetEl.replaceChildren(
      h('vscode-option', { value: '', selected: true }, t('Preset…')),
      ...presets.map((p) => h('vscode-option', { value: p.id }, t(p.label))),
    );
  }

  /** Parses text from the editor's selection (or anywhere) into this editor. */
  loadText(text: string): void {
    this.textEl.value = text;
    this.onText();
  }

  showError(message: string): void {
    this.errorEl.textContent = message;
  }

  private commit(tensor: WireTensor, fromText = false): void {
    this.set(tensor, fromText);
    this.cfg.onChange(tensor);
  }

  private onText(): void {
    const r = parseTensorText(this.textEl.value);
    if (!r.ok) {
      this.errorEl.textContent = t('Line {0}, column {1}: {2}', r.line, r.column, r.message);
      return;
    }
    const n = this.cfg.normalize(r.tensor);
    if (typeof n === 'string') {
      this.errorEl.textContent = n;
      return;
    }
    this.errorEl.textContent = '';
    this.commit(n, true);
  }

  private onChannel(delta: 1 | -1): void {
    const r = this.cfg.addChannel(this.tensor, delta);
    if (typeof r === 'string') this.errorEl.textContent = r;
    else this.commit(r);
  }

  private onResize(): void {
    const hh = Number(this.heightEl.value);
    const ww = Number(this.widthEl.value);
    if (!Number.isInteger(hh) || !Number.isInteger(ww) || hh < 1 || ww < 1 || hh > 64 || ww > 64) {
      this.errorEl.textContent = t('Sizes are whole numbers from 1 to 64.');
      return;
    }
    this.commit(this.cfg.resize(this.tensor, hh, ww));
  }

  private onPreset(): void {
    const id = this.presetEl.value;
    const p = this.cfg.presets().find((x) => x.id === id);
    if (!p) return;
    const n = this.cfg.normalize(p.make());
    if (typeof n === 'string') this.errorEl.textContent = n;
    else this.commit(n);
    this.presetEl.value = '';
  }

  /** Slices of the tensor shown as grids: [label, offset] in row-major order, grouped in rows. */
  private slices(): Array<Array<{ label: string; offset: number }>> {
    const s = this.tensor.shape;
    const plane = s[s.length - 2] * s[s.length - 1];
    if (this.cfg.kind === 'input') {
      return [Array.from({ length: s[0] }, (_, c) => ({ label: t('channel {0}', c), offset: c * plane }))];
    }
    return Array.from({ length: s[0] }, (_, o) =>
      Array.from({ length: s[1] }, (_, i) => ({ label: t('out {0}, in {1}', o, i), offset: (o * s[1] + i) * plane })),
    );
  }

  private buildGrids(): void {
    const s = this.tensor.shape;
    const [hh, ww] = [s[s.length - 2], s[s.length - 1]];
    this.cells = [];
    const rows = this.slices();
    if (this.tensor.data.length > GRID_LIMIT) {
      // Too many cells to type into: heatmaps, and the text box for edits.
      const absMax = this.tensor.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
      this.gridsEl.replaceChildren(
        h('p', { class: 'note' }, t('{0} values: shown as heatmaps; edit them as text, or use Random and Preset.', this.tensor.data.length)),
        ...rows.map((row) =>
          h('div', { class: 'slice-row' }, ...row.map((sl) => {
            const view = new MapView({ label: `${this.cfg.title} ${sl.label}`, maxSide: 96 });
            view.set(this.tensor.data, sl.offset, hh, ww, absMax);
            return h('figure', { class: 'slice' }, h('figcaption', null, sl.label), view.el);
          })),
        ),
      );
      return;
    }
    this.gridsEl.replaceChildren(
      ...rows.map((row) =>
        h('div', { class: 'slice-row' }, ...row.map((sl) => h('figure', { class: 'slice' }, h('figcaption', null, sl.label), this.grid(sl.label, sl.offset, hh, ww)))),
      ),
    );
    this.fillGrids();
  }

  private grid(label: string, offset: number, hh: number, ww: number): HTMLElement {
    const table = h('table', { class: 'cells', role: 'grid', 'aria-label': `${this.cfg.title} ${label}` });
    for (let y = 0; y < hh; y++) {
      const tr = h('tr');
      for (let x = 0; x < ww; x++) {
        const index = offset + y * ww + x;
        const input = h('input', {
          class: 'cell',
          // One tab stop per grid; the arrow keys move inside it.
          tabindex: y === 0 && x === 0 ? 0 : -1,
          inputmode: 'decimal',
          autocomplete: 'off',
          spellcheck: 'false',
          'aria-label': t('{0}, row {1}, column {2}', label, y, x),
          'data-index': index,
        });
        input.addEventListener('input', () => this.onCell(input, index));
        input.addEventListener('focus', () => {
          for (const other of table.querySelectorAll('input')) other.tabIndex = other === input ? 0 : -1;
        });
        input.addEventListener('blur', () => {
          input.value = fmt(this.tensor.data[index]);
          input.removeAttribute('aria-invalid');
        });
        input.addEventListener('keydown', (e) => this.onCellKey(e, input, index, ww));
        this.cells[index] = input;
        tr.append(h('td', null, input));
      }
      table.append(tr);
    }
    return table;
  }

  private fillGrids(): void {
    const focused = document.activeElement;
    for (let i = 0; i < this.cells.length; i++) {
      const cell = this.cells[i];
      if (cell && cell !== focused) cell.value = fmt(this.tensor.data[i]);
    }
  }

  private onCell(input: HTMLInputElement, index: number): void {
    const text = input.value.trim().replace('−', '-');
    const v = Number(text);
    if (text === '' || !Number.isFinite(v)) {
      input.setAttribute('aria-invalid', 'true');
      return;
    }
    input.removeAttribute('aria-invalid');
    if (v === this.tensor.data[index]) return;
    const data = [...this.tensor.data];
    data[index] = v;
    this.tensor = { shape: this.tensor.shape, data };
    this.textEl.value = formatTensorText(this.tensor);
    this.cfg.onChange(this.tensor);
  }

  /** Arrow keys move between cells (left/right only at the ends of the text); Enter moves down. */
  private onCellKey(e: KeyboardEvent, input: HTMLInputElement, index: number, width: number): void {
    const atStart = input.selectionStart === 0 && input.selectionEnd === 0;
    const atEnd = input.selectionStart === input.value.length;
    let target: number | null = null;
    if (e.key === 'ArrowUp') target = index - width;
    else if (e.key === 'ArrowDown' || e.key === 'Enter') target = index + width;
    else if (e.key === 'ArrowLeft' && atStart) target = index - 1;
    else if (e.key === 'ArrowRight' && atEnd) target = index + 1;
    if (target === null) return;
    const next = this.cells[target];
    // Stay within the slice: a target in another slice's grid belongs to a different table.
    if (next && next.closest('table') === input.closest('table')) {
      e.preventDefault();
      next.focus();
      next.select();
    }
  }
}
