/**
 * The "Compute Conv" result panel. The extension sends a finished result; this draws it: the
 * output as PyTorch prints it, a heatmap per output channel, the input with the receptive field of
 * the chosen output cell lit, that cell's arithmetic, the channel-by-channel breakdown (partial maps,
 * their sum, the bias), the shapes with the output-size formula, and the costs. Clicked cells are
 * explained here with the engine's own `explainElement`, so no round trip is needed.
 * All workspace text is set as text, never as HTML.
 */
import '@vscode/codicons/dist/codicon.css';
import '../common/theme.css';
import './result.css';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import {
  explainElement,
  formatCount,
  formatDuration,
  padInput,
  receptiveField,
  type ConvInfo,
  type ElementExplanation,
  type PoolElementExplanation,
  type Tensor,
} from '../../src/engine';
import {
  fromResultNumber,
  isResultToWebview,
  type ResultBreakdownChannel,
  type ResultFromWebview,
  type ResultView,
  type ViewTensor,
} from '../../src/protocol/resultPanel';
import { announce, el, formatNumber } from '../common/dom';
import { createHeatmap, scaleOf, type Heatmap } from '../common/heatmap';
import { t } from '../common/l10n';
import { createTensorText } from '../common/tensorText';

interface VsCodeApi {
  postMessage(message: ResultFromWebview): void;
  setState(state: unknown): void;
  getState(): unknown;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;

/** Most heatmaps drawn per group (input channels, output channels). */
const MAX_MAPS = 16;

const asTensor = (t: ViewTensor, shape: readonly number[] = t.shape): Tensor => ({ shape: [...shape], dtype: 'float64', data: t.data });

/** One channel plane `[c]` of batch item `n` of an N×C×H×W tensor. */
function plane(t: Tensor, n: number, c: number): Float64Array {
  const [, C, H, W] = t.shape;
  const start = (n * C + c) * H * W;
  return (t.data as Float64Array).subarray(start, start + H * W);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const msg = event.data;
  if (!isResultToWebview(msg)) return; // only the extension's own, well-formed messages
  app.setAttribute('aria-busy', 'false');
  switch (msg.type) {
    case 'result/show':
      // The request is what a reload computes again (null: too large to keep).
      vscode.setState(msg.request ? { request: msg.request } : null);
      render(msg.view, msg.canOpenPlayground);
      break;
    case 'result/busy':
      app.setAttribute('aria-busy', 'true');
      app.replaceChildren(el('p', { class: 'muted' }, msg.message));
      break;
    case 'result/failed':
      app.replaceChildren(el('div', { class: 'error-box', role: 'alert' }, msg.message));
      break;
  }
});
vscode.postMessage({ type: 'result/ready' });

function button(label: string, icon: string, onClick: () => void, secondary = false): HTMLElement {
  const b = el('vscode-button', { icon, secondary, 'aria-label': label }, label);
  b.addEventListener('click', onClick);
  return b;
}

function section(id: string, title: string, ...children: (Node | null | false)[]): HTMLElement {
  const headingId = `${id}-heading`;
  return el('section', { id, 'aria-labelledby': headingId }, el('h2', { id: headingId }, title), ...children);
}

function render(view: ResultView, canOpenPlayground: boolean): void {
  const info = view.info as ConvInfo;
  const input = asTensor(view.input);
  const weight = view.weight ? asTensor(view.weight) : null;
  const bias = view.bias ? asTensor(view.bias) : null;
  const output = asTensor(view.output, [info.batch, info.outChannels, info.outHeight, info.outWidth]);
  const isConv = info.op === 'conv2d';
  const padded = isConv && (info.padTop || info.padBottom || info.padLeft || info.padRight) ? padInput(info, input) : input;
  const padOffset = padded === input ? { top: 0, left: 0 } : { top: info.padTop, left: info.padLeft };

  // ── header and actions ──
  const header = el(
    'header',
    null,
    el('h1', null, view.title),
    el('p', { class: 'muted mono' }, view.params),
    el(
      'div',
      { class: 'toolbar', role: 'toolbar', 'aria-label': t('Result actions') },
      button(t('Copy output'), 'copy', () => vscode.postMessage({ type: 'result/copy' })),
      button(t('Insert as comment below the selection'), 'insert', () => vscode.postMessage({ type: 'result/insertComment' }), true),
      canOpenPlayground ? button(t('Open in Playground'), 'beaker', () => vscode.postMessage({ type: 'result/openPlayground' }), true) : null,
    ),
  );

  // ── output: text and one heatmap per output channel (batch item 0) ──
  const outScale = scaleOf(output.data);
  const outputMaps: Heatmap[] = [];
  const outputGrid = el('div', { class: 'maps' });
  const shownOut = Math.min(info.outChannels, MAX_MAPS);
  for (let o = 0; o < shownOut; o++) {
    const map = createHeatmap({
      values: plane(output, 0, o),
      height: info.outHeight,
      width: info.outWidth,
      label: info.outChannels > 1 ? t('Output channel {0}', o) : t('Output'),
      scale: outScale,
      onSelect: (y, x) => explain(o, y, x),
      className: 'output-map',
    });
    outputMaps.push(map);
    outputGrid.append(map.element);
  }
  const outputSection = section(
    'output',
    t('Output {0}', shapeText(view.output.shape)),
    createTensorText(view.outputText, t('Output as PyTorch prints it, shape {0}', shapeText(view.output.shape))),
    el('p', { class: 'muted' }, t('Click an output cell, or focus one and press Enter, to see its arithmetic and light its receptive field on the input.')),
    outputGrid,
    info.outChannels > shownOut ? el('p', { class: 'muted' }, t('Showing {0} of {1} output channels.', shownOut, info.outChannels)) : null,
  );

  // ── input (batch item 0), padded when the conv pads ──
  const inScale = scaleOf(padded.data);
  const inputMaps: Heatmap[] = [];
  const inputGrid = el('div', { class: 'maps' });
  const shownIn = Math.min(info.inChannels, MAX_MAPS);
  const [pH, pW] = [padded.shape[2], padded.shape[3]];
  for (let c = 0; c < shownIn; c++) {
    const map = createHeatmap({
      values: plane(padded, 0, c),
      height: pH,
      width: pW,
      label: info.inChannels > 1 ? t('Input channel {0}', c) : t('Input'),
      scale: inScale,
      inner: padded === input ? undefined : { top: info.padTop, left: info.padLeft, bottom: info.padTop + info.inHeight - 1, right: info.padLeft + info.inWidth - 1 },
      rowOrigin: -padOffset.top,
      colOrigin: -padOffset.left,
    });
    inputMaps.push(map);
    inputGrid.append(map.element);
  }
  const inputShape = shapeText(info.batch > 1 ? [info.batch, info.inChannels, info.inHeight, info.inWidth] : [info.inChannels, info.inHeight, info.inWidth]);
  const inputSection = section(
    'input',
    padded === input ? t('Input {0}', inputShape) : t('Input {0}, padded', inputShape),
    inputGrid,
    info.inChannels > shownIn ? el('p', { class: 'muted' }, t('Showing {0} of {1} input channels.', shownIn, info.inChannels)) : null,
  );

  // ── the arithmetic of one cell ──
  const explainBody = el('div', { class: 'explain-body' }, el('p', { class: 'muted' }, t('No cell chosen yet.')));
  const explainSection = section('explain', t('Arithmetic of one output cell'), explainBody);

  function explain(o: number, y: number, x: number): void {
    let lines: string[];
    let heading: string;
    try {
      const e = explainElement(info, input, weight, bias, { n: 0, o, y, x });
      // Indexed as the user's output is shaped: [y, x], [o, y, x] or [n, o, y, x].
      const index = [0, o, y, x].slice(4 - view.output.shape.length);
      heading = t('Output[{0}] = {1}', index.join(', '), formatNumber('total' in e ? e.total : e.value));
      lines = 'channels' in e ? convLines(e, info) : poolLines(e);
    } catch (err) {
      heading = t('This cell cannot be explained');
      lines = [err instanceof Error ? err.message : String(err)];
    }
    const list = el('ol', { class: 'arithmetic mono' });
    for (const line of lines) list.append(el('li', null, line));
    explainBody.replaceChildren(el('h3', null, heading), list);
    announce(`${heading}. ${lines.join('. ')}`);
    // Light the receptive field on the input channels this output channel reads.
    const field = receptiveField(info, y, x);
    const group = info.op === 'conv2d' ? Math.floor(o / info.outChannelsPerGroup) : 0;
    inputMaps.forEach((m, c) => {
      const reads =
        info.op === 'conv2d' ? Math.floor(c / info.inChannelsPerGroup) === group : info.op === 'conv_transpose2d' ? true : c === o;
      m.highlight(
        reads
          ? clip(
              { top: field.top + padOffset.top, left: field.left + padOffset.left, bottom: field.bottom + padOffset.top, right: field.right + padOffset.left },
              pH,
              pW,
            )
          : null,
      );
    });
    outputMaps.forEach((m, i) => m.mark(i === o ? { y, x } : null));
    for (const [key, maps] of breakdownMaps) for (const m of maps) m.mark(key === o ? { y, x } : null);
  }

  // ── channel by channel ──
  const breakdownMaps = new Map<number, Heatmap[]>();
  const breakdownSection = view.breakdown.length
    ? section(
        'breakdown',
        t('Channel by channel'),
        el('p', { class: 'muted' }, t('Each input channel is cross-correlated with its slice of the kernel; the partial maps are added, then the bias, giving the output channel.')),
        ...view.breakdown.map((b) => breakdownRow(b, view, info, breakdownMaps)),
        view.breakdownNote ? el('p', { class: 'muted' }, view.breakdownNote) : null,
      )
    : view.breakdownNote
      ? section('breakdown', t('Channel by channel'), el('p', { class: 'muted' }, view.breakdownNote))
      : null;

  // ── shapes and costs ──
  const shapes = section(
    'shapes',
    t('Shapes'),
    el('ul', null, ...view.readings.map((r) => el('li', null, r))),
    el('p', null, t('Output size, with these numbers:')),
    el('ul', { class: 'mono' }, el('li', null, `H_out = ${view.formula.height}`), el('li', null, `W_out = ${view.formula.width}`)),
  );
  const costs = section('cost', t('Cost'), costTable(view, info));
  const notes = view.notes.length ? el('ul', { class: 'notes muted' }, ...view.notes.map((n) => el('li', null, n))) : null;

  app.replaceChildren(header, notes ?? '', el('div', { class: 'columns' }, outputSection, inputSection), explainSection, breakdownSection ?? '', shapes, costs);
  document.title = view.title;
}

function breakdownRow(b: ResultBreakdownChannel, view: ResultView, info: ConvInfo, registry: Map<number, Heatmap[]>): HTMLElement {
  const [h, w] = b.sum.shape;
  const maps: Heatmap[] = [];
  // One scale for the whole row, so the partial maps, their sum and the output compare by colour.
  const values = [...b.partials, b.sum, b.output].map((t) => t.data);
  const scale = scaleOf(...values);
  const weight = view.weight ? asTensor(view.weight) : null;
  const tile = (label: string, data: Float64Array, className: string, extra?: HTMLElement): HTMLElement => {
    const m = createHeatmap({ values: data, height: h, width: w, label, scale, className });
    maps.push(m);
    return el('div', { class: 'tile' }, extra ?? '', m.element);
  };
  const eq = el('div', { class: 'equation', role: 'group', 'aria-label': t('Output channel {0} as a sum of partial maps', b.o) });
  b.partials.forEach((_, i) => {
    const c = b.inputChannels[i];
    let kernelMap: HTMLElement | undefined;
    if (weight) {
      const [, cg, kh, kw] = weight.shape;
      const start = (b.o * cg + i) * kh * kw;
      kernelMap = createHeatmap({ values: (weight.data as Float64Array).subarray(start, start + kh * kw), height: kh, width: kw, label: t('Kernel K[{0}, {1}]', b.o, i), className: 'kernel-map' }).element;
    }
    if (i > 0) eq.append(el('span', { class: 'op', 'aria-hidden': 'true' }, '+'));
    eq.append(tile(t('Input {0} ⋆ K[{1}, {2}]', c, b.o, i), values[i], 'partial-map', kernelMap));
  });
  const n = b.partials.length;
  if (n > 1) {
    eq.append(el('span', { class: 'op', 'aria-hidden': 'true' }, '='));
    eq.append(tile(t('Sum of {0} partial maps', n), values[n], 'sum-map'));
  }
  if (b.bias !== null) {
    eq.append(el('span', { class: 'op', 'aria-hidden': 'true' }, '+'));
    eq.append(el('span', { class: 'bias mono' }, t('bias {0}', formatNumber(fromResultNumber(b.bias)))));
    eq.append(el('span', { class: 'op', 'aria-hidden': 'true' }, '='));
    eq.append(tile(info.outChannels > 1 ? t('Output channel {0}', b.o) : t('Output'), values[n + 1], 'channel-output-map'));
  } else if (n === 1) {
    eq.append(el('span', { class: 'muted' }, t('one input channel, no bias: this is the output')));
  } else {
    eq.append(el('span', { class: 'muted' }, t('no bias: the sum is the output')));
  }
  registry.set(b.o, maps);
  return el('div', { class: 'breakdown-row' }, el('h3', null, info.outChannels > 1 ? t('Output channel {0}', b.o) : t('The output')), eq);
}

/** `0×0 + 1×1 + 3×2 + 4×3 = 19` per input channel, then the sum and the bias. */
function convLines(e: ElementExplanation, info: ConvInfo): string[] {
  const lines: string[] = [];
  const v = (x: number) => (x < 0 ? `(${formatNumber(x)})` : formatNumber(x));
  for (const ch of e.channels) {
    const padCount = ch.terms.filter((t) => t.padded).length;
    const terms = ch.terms.map((t) => `${v(t.inputValue)}×${v(t.weightValue)}`).join(' + ');
    const line = t('input channel {0}: {1} = {2}', ch.c, terms || t('(no terms)'), formatNumber(ch.sum));
    lines.push(padCount ? `${line} ${t('({0} of {1} terms read padding)', padCount, ch.terms.length)}` : line);
  }
  const sums = e.channels.map((c) => c.sum);
  const sum = sums.reduce((a, b) => a + b, 0);
  if (e.channels.length > 1) lines.push(t('sum over {0} input channels: {1} = {2}', e.channels.length, sums.map(v).join(' + '), formatNumber(sum)));
  if (info.hasBias) lines.push(t('+ bias {0} = {1}', v(e.bias), formatNumber(e.total)));
  else lines.push(t('no bias: output = {0}', formatNumber(e.total)));
  return lines;
}

function poolLines(e: PoolElementExplanation): string[] {
  const inside = e.taps.filter((t) => !t.padded);
  const values = inside.map((t) => formatNumber(t.inputValue));
  const padded = e.taps.length - inside.length;
  const padNote = padded ? ` ${e.reduction === 'max' ? t('({0} padded taps are −∞ and never win)', padded) : t('({0} padded taps)', padded)}` : '';
  if (e.reduction === 'max') return [`max(${values.join(', ')}) = ${formatNumber(e.value)}${padNote}`];
  return [`(${values.join(' + ')}) / ${formatNumber(e.divisor ?? inside.length)} = ${formatNumber(e.value)}${padNote}`];
}

function costTable(view: ResultView, info: ConvInfo): HTMLElement {
  const c = view.cost;
  const rows: [string, string][] = [];
  const pool = info.op === 'max_pool2d' || info.op === 'avg_pool2d';
  if (pool) {
    rows.push([c.reductionLabel || t('operations'), formatCount(c.reductionOps)]);
  } else {
    const taps = `${info.kernelHeight}·${info.kernelWidth}`;
    const macsFormula =
      info.op === 'conv_transpose2d'
        ? `N·C_in·H·W·(C_out/groups)·kH·kW = ${info.batch}·${info.inChannels}·${info.inHeight}·${info.inWidth}·${info.outChannelsPerGroup}·${taps}`
        : `N·C_out·H_out·W_out·(C_in/groups)·kH·kW = ${info.batch}·${info.outChannels}·${info.outHeight}·${info.outWidth}·${info.inChannelsPerGroup}·${taps}`;
    rows.push([t('Multiply-adds (MACs)'), `${formatCount(c.macs)}  (${macsFormula})`]);
    rows.push([t('FLOPs (a multiply and an add each: 2·MACs)'), formatCount(c.flops)]);
    rows.push([t('Bias additions (counted apart)'), formatCount(c.biasAdds)]);
  }
  rows.push([t('Parameters'), t('{0}  (weights {1} + bias {2})', formatCount(c.params), formatCount(c.weightParams), formatCount(c.biasParams))]);
  rows.push([t('Memory'), t('input {0}, output {1}, weights {2}', bytes(c.inputBytes), bytes(c.outputBytes), bytes(c.weightBytes))]);
  rows.push([t('Arithmetic intensity'), t('{0} FLOPs per byte', formatNumber(c.arithmeticIntensity))]);
  const tput = (v: number) => `${formatNumber(v / 1e12)} TFLOP/s`;
  if (pool) {
    rows.push([t('Time on a CPU at {0}', tput(c.cpuFlopsPerSecond)), formatDuration(c.cpuSeconds)]);
    rows.push([t('Time on a GPU at {0}', tput(c.gpuFlopsPerSecond)), formatDuration(c.gpuSeconds)]);
  } else {
    // Both conventions: the seeds count a multiply-add as one operation; FLOP counts give twice the time.
    const both = (rate: number) => t('{0} counting MACs (one op per multiply-add) · {1} counting FLOPs (2 per multiply-add)', formatDuration(c.macs / rate), formatDuration(c.flops / rate));
    rows.push([t('Time on a CPU at {0}', tput(c.cpuFlopsPerSecond)), both(c.cpuFlopsPerSecond)]);
    rows.push([t('Time on a GPU at {0}', tput(c.gpuFlopsPerSecond)), both(c.gpuFlopsPerSecond)]);
  }
  const table = el('table', { class: 'cost-table' }, el('caption', { class: 'sr-only' }, t('Cost of {0}', view.title)));
  const body = el('tbody');
  for (const [k, v] of rows) body.append(el('tr', null, el('th', { scope: 'row' }, k), el('td', { class: 'mono' }, v)));
  table.append(body);
  return table;
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[u]}`;
}

function clip(r: { top: number; left: number; bottom: number; right: number }, h: number, w: number) {
  return { top: Math.max(0, r.top), left: Math.max(0, r.left), bottom: Math.min(h - 1, r.bottom), right: Math.min(w - 1, r.right) };
}

const shapeText = (s: readonly number[]): string => `[${s.join(', ')}]`;
