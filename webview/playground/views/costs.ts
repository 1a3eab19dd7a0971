/**
 * Costs of the layer: shapes with their formulas, MACs, FLOPs, parameters, memory, time at chosen
 * throughputs, and "scale to" N samples × L layers (the seeds' 10 layers × 1M samples). A MobileNet
 * comparison puts a depthwise 3×3 then 1×1 against a full 3×3 conv with the same channels. Every
 * number is the engine's cost model on a resolved ConvInfo; a custom layer (shapes only, no values)
 * lets the seeds' 100-channel example be costed without computing it.
 */
import { convCost, convInfo, formatCount, formatDuration, outputSizeFormula, timeAt, type ConvInfo } from '../../../src/engine';
import { el } from '../../common/dom';
import { t } from '../../common/l10n';
import type { CostState } from '../state';
import type { Computed, View } from './context';

type Field = HTMLElement & { value: string; checked?: boolean };

export interface CostsHost {
  save(costs: CostState): void;
}

/** "0.15 T, 12T, 5e11" → FLOP/s values; null if any part is not a positive number. */
export function parseRates(text: string): number[] | null {
  const scale: Record<string, number> = { '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };
  const parts = text.split(/[,;]+/).map((s) => s.trim()).filter(Boolean);
  const out: number[] = [];
  for (const p of parts) {
    const m = /^(\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*([kKMGTP]?)(?:FLOP\/s|flop\/s)?$/.exec(p);
    if (!m) return null;
    const v = Number(m[1]) * scale[m[2]];
    if (!(v > 0)) return null;
    out.push(v);
  }
  return out.length && out.length <= 8 ? out : null;
}

const rateText = (v: number) => `${formatCount(v)}FLOP/s`;

export class CostsView implements View {
  readonly el: HTMLElement;
  private readonly rates = el('vscode-textfield', { 'aria-label': t('Throughputs in FLOP/s, separated by commas'), 'data-field': 'rates', class: 'wide' }) as Field;
  private readonly samples = el('vscode-textfield', { type: 'number', min: 1, 'aria-label': t('Samples'), 'data-field': 'samples', class: 'num wide-num' }) as Field;
  private readonly layers = el('vscode-textfield', { type: 'number', min: 1, 'aria-label': t('Layers'), 'data-field': 'layers', class: 'num' }) as Field;
  private readonly custom = el('vscode-checkbox', { label: t('Cost a layer given by its shapes instead of the tensors above'), 'data-field': 'custom' }) as Field;
  private readonly customFields: Record<string, Field> = {};
  private readonly customEl: HTMLElement;
  private readonly bodyEl = el('div', { class: 'costs-body', 'data-role': 'costs-body' });
  private readonly errorEl = el('div', { class: 'error-box', role: 'alert', hidden: true });
  private last: Computed | null = null;
  private costs: CostState | null = null;

  constructor(private readonly host: CostsHost) {
    const field = (key: string, label: string, value: number) => {
      const f = el('vscode-textfield', { type: 'number', min: key === 'pad' ? 0 : 1, value, class: 'num', 'aria-label': label, 'data-field': `custom-${key}` }) as Field;
      f.addEventListener('change', () => this.refresh());
      this.customFields[key] = f;
      return el('label', { class: 'field' }, label, f);
    };
    const seeds = el('vscode-button', { secondary: true, 'data-action': 'seeds-layer' }, t("The seeds' layer: 100→100 channels, 5×5, 64×64 output"));
    seeds.addEventListener('click', () => {
      const v: Record<string, number> = { cin: 100, h: 68, w: 68, cout: 100, k: 5, stride: 1, pad: 0, groups: 1 };
      for (const [k, x] of Object.entries(v)) this.customFields[k].value = String(x);
      this.custom.checked = true;
      this.refresh();
    });
    this.customEl = el(
      'div',
      { class: 'toolbar custom-layer' },
      field('cin', 'C_in', 100), field('h', 'H', 68), field('w', 'W', 68), field('cout', 'C_out', 100),
      field('k', 'k', 5), field('stride', t('stride'), 1), field('pad', t('padding'), 0), field('groups', t('groups'), 1),
    );
    for (const f of [this.rates, this.samples, this.layers]) f.addEventListener('change', () => this.readScale());
    this.custom.addEventListener('change', () => this.refresh());
    this.el = el(
      'div',
      { class: 'view view-costs' },
      el('div', { class: 'toolbar' }, this.custom, seeds),
      this.customEl,
      el('div', { class: 'toolbar' },
        el('label', { class: 'field' }, t('Throughputs'), this.rates),
        el('label', { class: 'field' }, t('Scale to'), this.samples, t('samples ×'), this.layers, t('layers'))),
      this.errorEl,
      this.bodyEl,
    );
  }

  render(c: Computed): void {
    this.last = c;
    if (!this.costs || this.costs !== c.state.costs) {
      this.costs = c.state.costs;
      this.rates.value = this.costs.throughputs.map(rateText).join(', ');
      this.samples.value = String(this.costs.samples);
      this.layers.value = String(this.costs.layers);
    }
    this.refresh();
  }

  private readScale(): void {
    const rates = parseRates(this.rates.value.replace(/FLOP\/s/gi, ''));
    const samples = Number(this.samples.value);
    const layers = Number(this.layers.value);
    if (!rates || !Number.isInteger(samples) || samples < 1 || !Number.isInteger(layers) || layers < 1) {
      this.errorEl.hidden = false;
      this.errorEl.textContent = t('Throughputs are positive numbers with an optional k, M, G, T or P (e.g. 0.15T, 12T); samples and layers are whole numbers.');
      return;
    }
    this.errorEl.hidden = true;
    this.costs = { throughputs: rates, samples, layers };
    this.host.save(this.costs);
    this.refresh();
  }

  /** The layer costed: the live tensors' ConvInfo, or the custom shapes. */
  private layer(): ConvInfo | string {
    if (this.custom.checked) {
      const v = (k: string) => Number(this.customFields[k].value);
      try {
        return convInfo([1, v('cin'), v('h'), v('w')], [v('cout'), v('cin') / v('groups'), v('k'), v('k')], { stride: v('stride'), padding: v('pad'), groups: v('groups') });
      } catch (err) {
        return err instanceof Error ? err.message : String(err);
      }
    }
    const c = this.last;
    if (!c?.reply) return c?.error ?? '';
    return c.reply.info;
  }

  private refresh(): void {
    this.customEl.hidden = this.custom.checked !== true;
    const info = this.layer();
    if (typeof info === 'string') {
      this.bodyEl.replaceChildren(el('div', { class: 'error-box' }, info));
      return;
    }
    const costs = this.costs ?? { throughputs: [0.15e12, 12e12], samples: 1_000_000, layers: 10 };
    const cost = convCost(info, 'float32');
    const f = outputSizeFormula(info);
    const row = (label: string, value: string, how = '') => el('tr', null, el('th', { scope: 'row' }, label), el('td', { class: 'num-cell' }, value), el('td', { class: 'muted' }, how));
    const transposed = info.op === 'conv_transpose2d';
    const pool = info.op === 'max_pool2d' || info.op === 'avg_pool2d';
    const weightShape = pool ? '—' : transposed ? `[${info.inChannels}, ${info.outChannelsPerGroup}, ${info.kernelHeight}, ${info.kernelWidth}]` : `[${info.outChannels}, ${info.inChannelsPerGroup}, ${info.kernelHeight}, ${info.kernelWidth}]`;
    const shapes = el(
      'table',
      { class: 'costs-table', 'data-role': 'shapes' },
      el('caption', null, t('Shapes')),
      row(t('input'), `[1, ${info.inChannels}, ${info.inHeight}, ${info.inWidth}]`),
      row(t('weight'), weightShape, transposed ? '[C_in, C_out/groups, kH, kW]' : pool ? '' : '[C_out, C_in/groups, kH, kW]'),
      row(t('bias'), info.hasBias ? `[${info.outChannels}]` : t('none')),
      row(t('output'), `[1, ${info.outChannels}, ${info.outHeight}, ${info.outWidth}]`),
      row('H_out', String(info.outHeight), f.height),
      row('W_out', String(info.outWidth), f.width),
    );
    const macsHow = pool ? '' : transposed
      ? `N·C_in·H·W·(C_out/groups)·kH·kW = 1·${info.inChannels}·${info.inHeight}·${info.inWidth}·${info.outChannelsPerGroup}·${info.kernelHeight}·${info.kernelWidth}`
      : `N·C_out·H_out·W_out·(C_in/groups)·kH·kW = 1·${info.outChannels}·${info.outHeight}·${info.outWidth}·${info.inChannelsPerGroup}·${info.kernelHeight}·${info.kernelWidth}`;
    const perSample = el(
      'table',
      { class: 'costs-table', 'data-role': 'costs' },
      el('caption', null, t('One forward pass, one sample')),
      row(t('multiply-adds (MACs)'), formatCount(cost.macs), macsHow),
      row('FLOPs', formatCount(cost.flops), pool ? t('{0} {1}', formatCount(cost.reductionOps), cost.reductionLabel) : '2·MACs'),
      row(t('bias adds'), formatCount(cost.biasAdds), info.hasBias ? t('one per output element') : ''),
      row(t('parameters'), formatCount(cost.params), pool ? '' : `${formatCount(cost.weightParams)} + ${formatCount(cost.biasParams)} ${t('(bias)')}`),
      row(t('memory (float32)'), `${formatCount(cost.inputBytes + cost.outputBytes + cost.weightBytes)}B`, t('input {0}B + output {1}B + weights {2}B', formatCount(cost.inputBytes), formatCount(cost.outputBytes), formatCount(cost.weightBytes))),
      row(t('arithmetic intensity'), cost.arithmeticIntensity.toFixed(2), t('FLOPs per byte moved')),
    );
    const scaleOps = cost.flops * costs.samples * costs.layers;
    const scaleMacs = cost.macs * costs.samples * costs.layers;
    const times = el(
      'table',
      { class: 'costs-table', 'data-role': 'times' },
      el('caption', null, t('Time at each throughput; scaled to {0} samples × {1} layers: {2}FLOPs ({3} MACs)', formatCount(costs.samples), costs.layers, formatCount(scaleOps), formatCount(scaleMacs))),
      el('tr', null, el('th', { scope: 'col' }, t('throughput')), el('th', { scope: 'col' }, t('one pass')), el('th', { scope: 'col' }, t('scaled (FLOPs ÷ rate)')), el('th', { scope: 'col' }, t('scaled, counting a MAC as one op'))),
      ...costs.throughputs.map((r) =>
        el('tr', null, el('th', { scope: 'row' }, rateText(r)), el('td', null, formatDuration(timeAt(cost.flops, r))), el('td', null, formatDuration(timeAt(scaleOps, r))), el('td', null, formatDuration(timeAt(scaleMacs, r)))),
      ),
    );
    this.bodyEl.replaceChildren(shapes, perSample, times, this.mobileNet(info, costs));
  }

  /** Depthwise 3×3 + pointwise 1×1 against a full 3×3, with this layer's channels and size. */
  private mobileNet(info: ConvInfo, costs: CostState): HTMLElement {
    const cin = info.inChannels;
    const cout = info.outChannels;
    const shape = [1, cin, info.inHeight, info.inWidth];
    try {
      const full = convCost(convInfo(shape, [cout, cin, 3, 3], { padding: 1, hasBias: false }), 'float32');
      const dw = convCost(convInfo(shape, [cin, 1, 3, 3], { padding: 1, groups: cin, hasBias: false }), 'float32');
      const pw = convCost(convInfo(shape, [cout, cin, 1, 1], { hasBias: false }), 'float32');
      const sep = dw.macs + pw.macs;
      const rate = costs.throughputs[0];
      const row = (label: string, c: { macs: number; params: number }) =>
        el('tr', null, el('th', { scope: 'row' }, label), el('td', null, formatCount(c.macs)), el('td', null, formatCount(c.params)), el('td', null, formatDuration(timeAt(2 * c.macs * costs.samples * costs.layers, rate))));
      return el(
        'section',
        { class: 'mobilenet', 'aria-labelledby': 'mobilenet-title', 'data-role': 'mobilenet' },
        el('h3', { id: 'mobilenet-title' }, t('MobileNet: depthwise separable against a full 3×3 conv ({0} → {1} channels, {2}×{3}, padding 1)', cin, cout, info.inHeight, info.inWidth)),
        el(
          'table',
          { class: 'costs-table' },
          el('tr', null, el('th', { scope: 'col' }, ''), el('th', { scope: 'col' }, 'MACs'), el('th', { scope: 'col' }, t('parameters')), el('th', { scope: 'col' }, t('scaled time at {0}', rateText(rate)))),
          row(t('full 3×3 conv'), full),
          row(t('depthwise 3×3'), dw),
          row(t('pointwise 1×1'), pw),
          row(t('depthwise + pointwise'), { macs: sep, params: dw.params + pw.params }),
        ),
        el('p', { 'data-role': 'mobilenet-ratio' }, t('The separable pair needs {0}× fewer multiply-adds (1/C_out + 1/9 of the full conv = {1}).', (full.macs / sep).toFixed(1), (1 / cout + 1 / 9).toFixed(3))),
      );
    } catch (err) {
      return el('p', { class: 'muted' }, err instanceof Error ? err.message : String(err));
    }
  }
}
