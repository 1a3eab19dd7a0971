/**
 * Channels as the chapter draws them. Many inputs, one output: each input channel meets its kernel
 * slice, giving a partial map; the maps are summed, the bias added, and that is one output channel.
 * Many outputs: one 3-D kernel per output channel, stacked. A 1×1 kernel is also shown as the
 * matrix product (C_out×C_in)·(C_in×H·W), computed by the engine's `corr2d_multi_in_out_1x1`.
 */
import { corr2dMultiInOut1x1, tensor } from '../../../src/engine';
import { el, formatNumber } from '../../common/dom';
import { t } from '../../common/l10n';
import { MapView } from '../mapview';
import type { PlaygroundState } from '../state';
import { absMax, type Computed, type View } from './context';

type Field = HTMLElement & { value: string };

export interface ChannelsHost {
  /** Follow another output channel (recomputes its partial maps). */
  setChannel(o: number): void;
}

function map(label: string, data: ArrayLike<number>, offset: number, height: number, width: number, scale: number, maxSide = 160): HTMLElement {
  const m = new MapView({ label, maxSide, compact: true });
  m.set(data, offset, height, width, scale);
  return el('figure', { class: 'slice' }, el('figcaption', null, label), m.el);
}

const op = (symbol: string, label?: string) => el('span', { class: 'op', 'aria-label': label ?? null, role: label ? 'img' : null, 'aria-hidden': label ? null : 'true' }, symbol);

export class ChannelsView implements View {
  readonly el: HTMLElement;
  private readonly channelEl = el('vscode-single-select', { 'aria-label': t('Output channel'), 'data-field': 'channels-channel' }) as Field;
  private readonly sumEl = el('section', { class: 'channels-sum', 'aria-labelledby': 'channels-sum-title', 'data-role': 'channels-sum' });
  private readonly stackEl = el('section', { class: 'channels-stack', 'aria-labelledby': 'channels-stack-title' });
  private readonly matmulEl = el('section', { class: 'channels-matmul', 'aria-labelledby': 'channels-matmul-title', 'data-role': 'matmul' });
  private readonly noteEl = el('div', { class: 'error-box', hidden: true });

  constructor(host: ChannelsHost) {
    this.channelEl.addEventListener('change', () => host.setChannel(Number(this.channelEl.value) || 0));
    this.el = el('div', { class: 'view view-channels' }, el('div', { class: 'toolbar' }, el('label', { class: 'field' }, t('Output channel'), this.channelEl)), this.noteEl, this.sumEl, this.stackEl, this.matmulEl);
  }

  wantsParts(state: PlaygroundState): number | null {
    return state.channel;
  }

  render(c: Computed): void {
    if (c.error || !c.reply) {
      this.noteEl.hidden = false;
      this.noteEl.textContent = c.error ?? '';
      return;
    }
    this.noteEl.hidden = true;
    const { info, output, parts } = c.reply;
    const [co, ho, wo] = output.shape;
    const o = Math.min(c.state.channel, co - 1);
    this.channelEl.replaceChildren(...Array.from({ length: co }, (_, i) => el('vscode-option', { value: String(i), selected: i === o }, String(i))));
    const plane = ho * wo;
    const [, h, w] = c.input.shape;
    const inScale = absMax(c.input);
    const outScale = absMax(output);

    if (!parts) {
      // Pools: every channel on its own.
      this.sumEl.replaceChildren(
        el('h3', { id: 'channels-sum-title' }, t('Pooling keeps channels apart')),
        el('p', { class: 'muted' }, t('{0} pools each input channel on its own: nothing is summed across channels, so C_out = C_in.', info.op)),
        el('div', { class: 'slice-row' }, map(t('input channel {0}', o), c.input.data, o * h * w, h, w, inScale), op('→'), map(t('output channel {0}', o), output.data, o * plane, ho, wo, outScale)),
      );
      this.stackEl.replaceChildren();
      this.matmulEl.replaceChildren();
      return;
    }

    const transposed = info.op === 'conv_transpose2d';
    const [kh, kw] = [info.kernelHeight, info.kernelWidth];
    const kScale = absMax(c.kernel);
    const partScale = Math.max(absMax({ data: parts.sum.data }), ...parts.partials.map((p) => absMax(p)));
    const rows = parts.channels.map((ch, i) => {
      const kOff = transposed ? (ch * info.outChannelsPerGroup + (o % info.outChannelsPerGroup)) * kh * kw : (o * info.inChannelsPerGroup + i) * kh * kw;
      return el(
        'div',
        { class: 'slice-row channel-part', 'data-channel': ch },
        map(t('input channel {0}', ch), c.input.data, ch * h * w, h, w, inScale, 120),
        op(transposed ? '⊛ᵀ' : '⋆', transposed ? t('scattered with') : t('cross-correlated with')),
        map(transposed ? t('kernel [{0}, {1}]', ch, o % info.outChannelsPerGroup) : t('kernel [{0}, {1}]', o, i), c.kernel.data, kOff, kh, kw, kScale, 80),
        op('='),
        map(t('partial map {0}', ch), parts.partials[i].data, 0, ho, wo, partScale, 120),
      );
    });
    const bias = c.bias ? c.bias.data[o] : 0;
    this.sumEl.replaceChildren(
      el('h3', { id: 'channels-sum-title' }, t('Output channel {0} from {1} input channels', o, parts.channels.length)),
      ...rows,
      el(
        'div',
        { class: 'slice-row channel-total' },
        op('Σ', t('sum of the partial maps')),
        map(t('sum of partial maps'), parts.sum.data, 0, ho, wo, partScale, 120),
        op('+'),
        el('span', { class: 'bias-chip', 'data-role': 'bias' }, c.bias ? t('bias {0}', formatNumber(bias)) : t('no bias')),
        op('='),
        map(t('output channel {0}', o), output.data, o * plane, ho, wo, outScale, 120),
      ),
    );

    // Many outputs: one kernel per output channel, each making its own map.
    const cg = info.inChannelsPerGroup;
    const stackTitle = co === 1 ? t('1 output channel: one {0}×{1}×{2} kernel', cg, kh, kw) : t('{0} output channels: one {1}×{2}×{3} kernel each', co, cg, kh, kw);
    const stack: HTMLElement[] = [el('h3', { id: 'channels-stack-title' }, stackTitle)];
    const shown = Math.min(co, 16);
    for (let oc = 0; oc < shown; oc++) {
      stack.push(el('div', { class: 'slice-row', 'data-out': oc }, el('span', { class: 'row-label' }, t('kernel {0}', oc)), op('→'), map(t('output channel {0}', oc), output.data, oc * plane, ho, wo, outScale, 64)));
    }
    if (co > shown) stack.push(el('p', { class: 'muted' }, t('… and {0} more', co - shown)));
    this.stackEl.replaceChildren(...stack);

    this.renderMatmul(c);
  }

  /** The 1×1 case: W (C_out×C_in) · X (C_in×H·W) = Y (C_out×H·W), checked against the conv output. */
  private renderMatmul(c: Computed): void {
    const info = c.reply?.info;
    const output = c.reply?.output;
    const plain =
      info && output && info.op === 'conv2d' && info.kernelHeight === 1 && info.kernelWidth === 1 && info.groups === 1 &&
      info.strideHeight === 1 && info.strideWidth === 1 && info.padTop + info.padBottom + info.padLeft + info.padRight === 0;
    if (!plain || !info || !output) {
      this.matmulEl.replaceChildren(
        el('h3', { id: 'channels-matmul-title' }, t('1×1 convolution as a matrix product')),
        el('p', { class: 'muted' }, t('Choose a 1×1 kernel (stride 1, no padding, groups 1) to see the convolution as the matrix product (C_out×C_in)·(C_in×H·W).')),
      );
      return;
    }
    const [ci, h, w] = c.input.shape;
    const co = info.outChannels;
    const product = corr2dMultiInOut1x1(c.input, tensor([co, ci], c.kernel.data));
    let diff = 0;
    for (let i = 0; i < product.data.length; i++) diff = Math.max(diff, Math.abs(product.data[i] - output.data[i] + (c.bias ? c.bias.data[Math.floor(i / (h * w))] : 0)));
    const scale = Math.max(absMax(c.input), absMax(product), absMax(c.kernel));
    this.matmulEl.replaceChildren(
      el('h3', { id: 'channels-matmul-title' }, t('1×1 convolution as a matrix product')),
      el(
        'div',
        { class: 'slice-row' },
        map(`W ${co}×${ci}`, c.kernel.data, 0, co, ci, scale, 120),
        op('·'),
        map(`X ${ci}×${h * w}`, c.input.data, 0, ci, h * w, scale, 320),
        op('='),
        map(`Y ${co}×${h * w}`, product.data, 0, co, h * w, scale, 320),
      ),
      el('p', { 'data-role': 'matmul-check' }, t('Reshaped to {0}×{1}×{2}, Y is the convolution output{3}: largest difference {4}.', co, h, w, c.bias ? t(' before the bias') : '', formatNumber(diff))),
    );
  }
}
