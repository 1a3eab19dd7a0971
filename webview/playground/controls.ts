/**
 * A control for every option the engine has: op, stride, padding (numbers, 'same', 'valid'),
 * padding mode, dilation, groups (with a depthwise shortcut), bias, cross-correlation vs true
 * convolution, output padding, pooling window, ceil mode and count_include_pad. Controls that do
 * not apply to the chosen op are hidden, not disabled, so the form says only what matters.
 */
import { el as h, formatNumber as fmt } from '../common/dom';
import { t } from '../common/l10n';
import type { Pair, Params } from './state';

type Field = HTMLElement & { value: string; checked?: boolean };

export interface ControlsHost {
  onParams(next: Params): void;
  onBias(bias: number[] | null): void;
  /** Groups = input channels, one kernel slice per channel. */
  onDepthwise(): void;
}

const OPS: Array<[Params['op'], string]> = [
  ['conv2d', 'conv2d'],
  ['conv_transpose2d', 'conv_transpose2d'],
  ['max_pool2d', 'max_pool2d'],
  ['avg_pool2d', 'avg_pool2d'],
];

export class Controls {
  readonly el: HTMLElement;
  private params!: Params;
  private outChannels = 1;
  private readonly f: Record<string, Field> = {};
  private readonly rows: Record<string, HTMLElement> = {};
  private readonly errorEl = h('div', { class: 'error', role: 'alert' });

  constructor(private readonly host: ControlsHost) {
    const num = (key: string, label: string, min: number) => {
      const el = h('vscode-textfield', { type: 'number', min, max: 64, class: 'num', 'aria-label': label, 'data-field': key }) as Field;
      el.addEventListener('change', () => this.read());
      this.f[key] = el;
      return el;
    };
    const select = (key: string, label: string, options: Array<[string, string]>) => {
      const el = h('vscode-single-select', { 'aria-label': label, 'data-field': key }, ...options.map(([v, text]) => h('vscode-option', { value: v }, text))) as Field;
      el.addEventListener('change', () => this.read());
      this.f[key] = el;
      return el;
    };
    const check = (key: string, label: string) => {
      const el = h('vscode-checkbox', { label, 'data-field': key }) as Field;
      el.addEventListener('change', () => this.read());
      this.f[key] = el;
      return el;
    };
    const row = (key: string, label: string, ...controls: Array<HTMLElement | string>) => {
      const r = h('div', { class: 'control-row', 'data-row': key }, h('span', { class: 'control-label' }, label), ...controls);
      this.rows[key] = r;
      return r;
    };
    const depthwise = h('vscode-button', { secondary: true, 'data-action': 'depthwise', title: t('groups = input channels: one kernel per channel') }, t('Depthwise'));
    depthwise.addEventListener('click', () => host.onDepthwise());
    const biasValues = h('vscode-textfield', { 'aria-label': t('Bias values, one per output channel'), placeholder: '0, 0', 'data-field': 'biasValues' }) as Field;
    biasValues.addEventListener('change', () => this.readBias());
    this.f.biasValues = biasValues;
    const biasOn = check('bias', t('Bias'));
    biasOn.addEventListener('change', () => this.readBias());

    this.el = h(
      'section',
      { class: 'controls', 'aria-labelledby': 'controls-title' },
      h('h2', { id: 'controls-title' }, t('Options')),
      row('op', t('Operation'), select('op', t('Operation'), OPS)),
      row('mode', t('Kernel use'), select('mode', t('Kernel use'), [['corr', t('cross-correlation (what PyTorch calls conv)')], ['conv', t('true convolution (kernel flipped)')]])),
      row('poolSize', t('Window'), num('poolH', t('Window height'), 1), '×', num('poolW', t('Window width'), 1)),
      row('stride', t('Stride'), num('strideH', t('Stride height'), 1), '×', num('strideW', t('Stride width'), 1)),
      row(
        'padding',
        t('Padding'),
        select('padKind', t('Padding kind'), [['numbers', t('numbers')], ['same', "'same'"], ['valid', "'valid'"]]),
        h('span', { class: 'pad-sides', 'data-role': 'pad-sides' },
          t('top'), num('padT', t('Padding top'), 0), t('bottom'), num('padB', t('Padding bottom'), 0),
          t('left'), num('padL', t('Padding left'), 0), t('right'), num('padR', t('Padding right'), 0)),
      ),
      row('paddingMode', t('Padding mode'), select('paddingMode', t('Padding mode'), [['zeros', 'zeros'], ['reflect', 'reflect'], ['replicate', 'replicate'], ['circular', 'circular']])),
      row('dilation', t('Dilation'), num('dilH', t('Dilation height'), 1), '×', num('dilW', t('Dilation width'), 1)),
      row('groups', t('Groups'), num('groups', t('Groups'), 1), depthwise),
      row('outputPadding', t('Output padding'), num('outPadH', t('Output padding height'), 0), '×', num('outPadW', t('Output padding width'), 0)),
      row('bias', t('Bias'), biasOn, biasValues),
      row('ceilMode', '', check('ceilMode', t('ceil_mode: keep a partial last window'))),
      row('countIncludePad', '', check('countIncludePad', t('count_include_pad: padding counts in the average'))),
      this.errorEl,
    );
    (this.f.groups as HTMLElement).setAttribute('max', '4096');
  }

  /** Shows `params` and `bias` (for `outChannels` output channels) without firing changes. */
  set(params: Params, bias: number[] | null, outChannels: number): void {
    this.params = params;
    this.outChannels = outChannels;
    const f = this.f;
    f.op.value = params.op;
    f.mode.value = params.convolution ? 'conv' : 'corr';
    f.poolH.value = String(params.poolSize[0]);
    f.poolW.value = String(params.poolSize[1]);
    f.strideH.value = String(params.stride[0]);
    f.strideW.value = String(params.stride[1]);
    f.padKind.value = params.paddingKind;
    [f.padT.value, f.padB.value, f.padL.value, f.padR.value] = params.padding.map(String);
    f.paddingMode.value = params.paddingMode;
    f.dilH.value = String(params.dilation[0]);
    f.dilW.value = String(params.dilation[1]);
    f.groups.value = String(params.groups);
    f.outPadH.value = String(params.outputPadding[0]);
    f.outPadW.value = String(params.outputPadding[1]);
    f.ceilMode.checked = params.ceilMode;
    f.countIncludePad.checked = params.countIncludePad;
    f.bias.checked = bias !== null;
    f.biasValues.value = bias ? bias.map(fmt).join(', ') : '';
    f.biasValues.toggleAttribute('disabled', bias === null);
    const op = params.op;
    const conv = op === 'conv2d' || op === 'conv_transpose2d';
    const show: Record<string, boolean> = {
      mode: op === 'conv2d',
      poolSize: !conv,
      padding: true,
      paddingMode: op === 'conv2d',
      dilation: op !== 'avg_pool2d',
      groups: conv,
      outputPadding: op === 'conv_transpose2d',
      bias: conv,
      ceilMode: !conv,
      countIncludePad: op === 'avg_pool2d',
    };
    for (const [k, v] of Object.entries(show)) this.rows[k]?.toggleAttribute('hidden', !v);
    this.el.querySelector('[data-role="pad-sides"]')?.toggleAttribute('hidden', params.paddingKind !== 'numbers');
    this.errorEl.textContent = '';
  }

  private int(key: string, min: number): number | null {
    const v = Number(this.f[key].value);
    return Number.isInteger(v) && v >= min && v <= 4096 ? v : null;
  }

  private pair(a: string, b: string, min: number): Pair | null {
    const x = this.int(a, min);
    const y = this.int(b, min);
    return x === null || y === null ? null : [x, y];
  }

  /** Reads every field; a field that is not a whole number in range is reported and nothing changes. */
  private read(): void {
    const f = this.f;
    const op = f.op.value as Params['op'];
    const stride = this.pair('strideH', 'strideW', 1);
    const poolSize = this.pair('poolH', 'poolW', 1);
    const dilation = this.pair('dilH', 'dilW', 1);
    const outputPadding = this.pair('outPadH', 'outPadW', 0);
    const pads = [this.int('padT', 0), this.int('padB', 0), this.int('padL', 0), this.int('padR', 0)];
    const groups = this.int('groups', 1);
    if (!stride || !poolSize || !dilation || !outputPadding || pads.some((p) => p === null) || groups === null) {
      this.errorEl.textContent = t('Each size is a whole number (stride, dilation and window at least 1; padding at least 0).');
      return;
    }
    const next: Params = {
      op,
      stride,
      paddingKind: f.padKind.value as Params['paddingKind'],
      padding: pads as [number, number, number, number],
      dilation,
      groups,
      paddingMode: f.paddingMode.value as Params['paddingMode'],
      convolution: f.mode.value === 'conv',
      outputPadding,
      poolSize,
      ceilMode: f.ceilMode.checked === true,
      countIncludePad: f.countIncludePad.checked === true,
    };
    const wasPool = this.params.op === 'max_pool2d' || this.params.op === 'avg_pool2d';
    const isPool = op === 'max_pool2d' || op === 'avg_pool2d';
    // PyTorch's defaults when switching families: pools step by their window, convs by 1.
    if (isPool && (!wasPool || poolSize.join() !== this.params.poolSize.join()) && stride.join() === (wasPool ? this.params.poolSize : [1, 1]).join()) {
      next.stride = [...poolSize];
    } else if (!isPool && wasPool && stride.join() === this.params.poolSize.join()) {
      next.stride = [1, 1];
    }
    this.host.onParams(next);
  }

  private readBias(): void {
    if (this.f.bias.checked !== true) {
      this.host.onBias(null);
      return;
    }
    const text = this.f.biasValues.value.trim();
    const values = text === '' ? [] : text.split(/[\s,]+/).map(Number);
    if (values.some((v) => !Number.isFinite(v))) {
      this.errorEl.textContent = t('Bias values are numbers separated by commas.');
      return;
    }
    // One value for all channels, or one per channel; missing ones are 0.
    const full = values.length === 1 ? Array.from({ length: this.outChannels }, () => values[0]) : Array.from({ length: this.outChannels }, (_, i) => values[i] ?? 0);
    this.host.onBias(full);
  }
}
