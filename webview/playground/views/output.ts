/**
 * The live output: one heatmap per output channel (numbers in the cells while they fit), the
 * output shape with its formula, and the arithmetic of the cell under the pointer or cursor.
 */
import { outputSizeFormula } from '../../../src/engine';
import { el, formatNumber } from '../../common/dom';
import { ExplainPanel } from '../explain';
import { t } from '../../common/l10n';
import { MapView, type Mark } from '../mapview';
import { absMax, explainSource, type Computed, type View } from './context';

export class OutputView implements View {
  readonly el: HTMLElement;
  private readonly shapeEl = el('p', { class: 'shape-line', 'data-role': 'output-shape' });
  private readonly formulaEl = el('p', { class: 'formula muted', 'data-role': 'output-formula' });
  private readonly errorEl = el('div', { class: 'error-box', role: 'alert', hidden: true, 'data-role': 'output-error' });
  private readonly mapsEl = el('div', { class: 'maps', 'data-role': 'output-maps' });
  private readonly explain = new ExplainPanel('output');
  private maps: MapView[] = [];
  private last: Computed | null = null;
  private focus: { o: number; y: number; x: number } | null = null;

  constructor() {
    this.el = el('div', { class: 'view view-output' }, this.shapeEl, this.formulaEl, this.errorEl, this.mapsEl, this.explain.el);
  }

  render(c: Computed): void {
    this.last = c;
    if (c.error || !c.reply) {
      this.errorEl.hidden = false;
      this.errorEl.textContent = c.error ?? '';
      this.mapsEl.classList.add('stale');
      return;
    }
    this.errorEl.hidden = true;
    this.mapsEl.classList.remove('stale');
    const { info, output } = c.reply;
    const [co, ho, wo] = output.shape;
    this.shapeEl.textContent = t('Output {0}: {1}', info.op, `${co}×${ho}×${wo}`);
    const f = outputSizeFormula(info);
    this.formulaEl.textContent = `H_out = ${f.height};   W_out = ${f.width}`;
    while (this.maps.length > co) this.maps.pop()?.el.parentElement?.remove();
    while (this.maps.length < co) {
      const o = this.maps.length;
      const view = new MapView({
        label: t('Output channel {0}', o),
        onCell: (cell) => this.onCell(o, cell),
        describe: (y, x, v) => t('Output channel {0}, row {1}, column {2}: {3}', o, y, x, formatNumber(v)),
      });
      this.maps.push(view);
      this.mapsEl.append(el('figure', { class: 'slice', 'data-channel': o }, el('figcaption', null, t('channel {0}', o)), view.el));
    }
    const scale = absMax(output);
    const plane = ho * wo;
    this.maps.forEach((m, o) => m.set(output.data, o * plane, ho, wo, scale));
    // Keep the explained cell current: its numbers change with every edit.
    if (this.focus && this.focus.o < co && this.focus.y < ho && this.focus.x < wo) this.showExplain(this.focus);
    else {
      this.focus = null;
      this.explain.clear();
    }
  }

  private onCell(o: number, cell: { y: number; x: number } | null): void {
    if (!cell) return;
    this.focus = { o, ...cell };
    this.showExplain(this.focus);
  }

  private showExplain(at: { o: number; y: number; x: number }): void {
    const src = this.last && explainSource(this.last);
    if (!src) return;
    this.explain.show(src, at.o, at.y, at.x);
    // Light the explained cell in its map, clear the others.
    const w = src.info.outWidth;
    this.maps.forEach((m, o) => m.setMarks(o === at.o ? new Map([[at.y * w + at.x, new Set<Mark>(['lit'])]]) : new Map()));
  }
}
