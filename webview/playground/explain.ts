/**
 * "Why is this output cell what it is": for the cell under the pointer (or the keyboard cursor, or
 * the step-through's window), its receptive field on the padded input, the kernel cells it uses and
 * the arithmetic for each input channel, then the sum and the bias. All numbers come from the
 * engine's `explainElement`; this file only lays them out.
 */
import {
  explainElement,
  isPool,
  receptiveField,
  type ConvInfo,
  type ElementExplanation,
  type PoolElementExplanation,
  type Tensor,
} from '../../src/engine';
import { el as h, formatNumber as fmt } from '../common/dom';
import { t } from '../common/l10n';
import { MapView, type Mark } from './mapview';

export interface ExplainSource {
  info: ConvInfo;
  input: Tensor;
  kernel: Tensor;
  bias: Tensor | null;
  /** The padded input the windows slide over (input itself for a transposed conv). */
  padded: Tensor;
}

const addMark = (marks: Map<number, Set<Mark>>, i: number, m: Mark) => {
  const s = marks.get(i) ?? new Set<Mark>();
  s.add(m);
  marks.set(i, s);
};

const absMaxOf = (data: ArrayLike<number>, from = 0, to = data.length) => {
  let m = 0;
  for (let i = from; i < to; i++) if (Number.isFinite(data[i])) m = Math.max(m, Math.abs(data[i]));
  return m || 1;
};

export class ExplainPanel {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private readonly summary: HTMLElement;

  constructor(idPrefix: string) {
    this.summary = h('p', { class: 'explain-summary', 'aria-live': 'polite', 'data-role': 'explain-summary' }, t('Rest the pointer on an output cell, or move to one with the arrow keys, to see its arithmetic.'));
    this.body = h('div', { class: 'explain-body', 'data-role': 'explain-body' });
    this.el = h('section', { class: 'explain', 'aria-labelledby': `${idPrefix}-explain-title`, 'data-role': 'explain' }, h('h3', { id: `${idPrefix}-explain-title` }, t('Arithmetic of one output cell')), this.summary, this.body);
  }

  clear(): void {
    this.summary.textContent = t('Rest the pointer on an output cell, or move to one with the arrow keys, to see its arithmetic.');
    this.body.replaceChildren();
  }

  /** Explains output element (o, y, x) of the source's op. */
  show(src: ExplainSource, o: number, y: number, x: number): void {
    const at = { n: 0, o, y, x };
    if (isPool(src.info)) this.showPool(src, explainElement(src.info, src.input, null, null, at));
    else this.showConv(src, explainElement(src.info, src.input, src.kernel, src.bias, at));
  }

  private showConv(src: ExplainSource, ex: ElementExplanation): void {
    const { info } = src;
    const { o, y, x } = ex.at;
    const transposed = info.op === 'conv_transpose2d';
    const ph = src.padded.shape[src.padded.shape.length - 2];
    const pw = src.padded.shape[src.padded.shape.length - 1];
    const [kh, kw] = [info.kernelHeight, info.kernelWidth];
    const field = transposed ? null : receptiveField(info, y, x);
    const rows: HTMLElement[] = [];
    for (const ch of ex.channels) {
      // The input plane (padded for conv2d) with the field and the taps marked.
      const inMarks = new Map<number, Set<Mark>>();
      const padTop = transposed ? 0 : info.padTop;
      const padLeft = transposed ? 0 : info.padLeft;
      if (field) {
        for (let r = field.top; r <= field.bottom; r++) for (let c = field.left; c <= field.right; c++) addMark(inMarks, (r + padTop) * pw + c + padLeft, 'field');
      }
      const kMarks = new Map<number, Set<Mark>>();
      for (const term of ch.terms) {
        addMark(inMarks, (term.inputIndex[1] + padTop) * pw + term.inputIndex[2] + padLeft, 'window');
        const reads = !term.padded || term.sourceIndex !== null;
        if (reads) addMark(kMarks, term.weightIndex[2] * kw + term.weightIndex[3], 'kernel');
      }
      const planeOffset = ch.c * ph * pw;
      const inView = new MapView({ label: t('Input channel {0}, padded, with the window of output ({1}, {2})', ch.c, y, x), maxSide: 140, compact: true });
      inView.set(src.padded.data, planeOffset, ph, pw, absMaxOf(src.padded.data, planeOffset, planeOffset + ph * pw));
      inView.setMarks(inMarks);
      const kOffset = transposed ? (ch.c * info.outChannelsPerGroup + (o % info.outChannelsPerGroup)) * kh * kw : (o * info.inChannelsPerGroup + (ch.c % info.inChannelsPerGroup)) * kh * kw;
      const kView = new MapView({ label: t('Kernel slice for input channel {0}', ch.c), maxSide: 100, compact: true });
      kView.set(src.kernel.data, kOffset, kh, kw, absMaxOf(src.kernel.data, kOffset, kOffset + kh * kw));
      kView.setMarks(kMarks);
      const terms = ch.terms.map((term) => {
        const v = term.padded && term.sourceIndex === null ? t('pad') : fmt(term.inputValue);
        const w = fmt(term.weightValue);
        return `${v}×${term.weightValue < 0 ? `(${w})` : w}`;
      });
      rows.push(
        h(
          'div',
          { class: 'explain-channel', 'data-channel': ch.c },
          h('figure', { class: 'slice' }, h('figcaption', null, t('input channel {0}', ch.c)), inView.el),
          h('span', { class: 'op', 'aria-hidden': 'true' }, '⋆'),
          h('figure', { class: 'slice' }, h('figcaption', null, t('kernel [{0}, {1}]', transposed ? ch.c : o, transposed ? o % info.outChannelsPerGroup : ch.c % info.inChannelsPerGroup)), kView.el),
          h('p', { class: 'arith', 'data-role': 'channel-arith' }, h('span', { class: 'arith-label' }, t('channel {0}:', ch.c)), ' ', terms.length ? terms.join(' + ') : '0', ' = ', h('strong', null, fmt(ch.sum))),
        ),
      );
    }
    const sums = ex.channels.map((c) => fmt(c.sum)).join(' + ');
    const biasText = src.bias ? ` + ${fmt(ex.bias)} ${t('(bias)')}` : '';
    const line = `${t('output [{0}, {1}, {2}]', o, y, x)} = ${sums || '0'}${biasText} = ${fmt(ex.total)}`;
    this.summary.textContent = line;
    this.body.replaceChildren(...rows, h('p', { class: 'arith total', 'data-role': 'total-arith' }, line));
  }

  private showPool(src: ExplainSource, ex: PoolElementExplanation): void {
    const { info } = src;
    const { o, y, x } = ex.at;
    const ph = src.padded.shape[src.padded.shape.length - 2];
    const pw = src.padded.shape[src.padded.shape.length - 1];
    const marks = new Map<number, Set<Mark>>();
    ex.taps.forEach((tap, i) => {
      const idx = (tap.inputIndex[1] + info.padTop) * pw + tap.inputIndex[2] + info.padLeft;
      if (tap.inputIndex[1] + info.padTop < ph && tap.inputIndex[2] + info.padLeft < pw) {
        addMark(marks, idx, 'window');
        if (i === ex.winner) addMark(marks, idx, 'max');
      }
    });
    const offset = o * ph * pw;
    const view = new MapView({ label: t('Channel {0}, padded, with the window of output ({1}, {2})', o, y, x), maxSide: 140, compact: true });
    view.set(src.padded.data, offset, ph, pw, absMaxOf(src.padded.data, offset, offset + ph * pw));
    view.setMarks(marks);
    const inside = ex.taps.filter((tap) => !tap.padded).map((tap) => fmt(tap.inputValue));
    let line: string;
    if (ex.reduction === 'max') {
      line = `${t('output [{0}, {1}, {2}]', o, y, x)} = max(${inside.join(', ')}) = ${fmt(ex.value)}`;
    } else {
      line = `${t('output [{0}, {1}, {2}]', o, y, x)} = (${inside.join(' + ') || '0'}) / ${ex.divisor ?? '?'} = ${fmt(ex.value)}`;
    }
    this.summary.textContent = line;
    this.body.replaceChildren(h('div', { class: 'explain-channel' }, h('figure', { class: 'slice' }, h('figcaption', null, t('input channel {0}', o)), view.el)), h('p', { class: 'arith total', 'data-role': 'total-arith' }, line));
  }
}
