/**
 * Explain a result the way the textbook does by hand: every product behind one output element,
 * grouped by input channel; each input channel's partial map before the sum; the window positions
 * of a step-through. All of it reads one resolved `ConvInfo`.
 */
import * as l10n from '@vscode/l10n';
import { conv2dResolved, checkOperands } from './conv2d';
import { isPool, type ConvInfo } from './convInfo';
import { convTranspose2dResolved } from './convTranspose2d';
import { EngineError } from './errors';
import { asNCHWTensor } from './layout';
import { padValue, sourceIndex } from './padding';
import { avgDivisor, poolResolved, poolWindows } from './pool';
import { allocate, type Tensor } from './tensor';

/** An output element: batch `n`, output channel `o`, row `y`, column `x`. */
export interface OutputPosition {
  n: number;
  o: number;
  y: number;
  x: number;
}

/** One product `input · weight` that goes into an output element. */
export interface Term {
  /** `[c, h, w]` in input coordinates; outside the input when `padded`. */
  inputIndex: [number, number, number];
  inputValue: number;
  /** For padded terms under reflect / replicate / circular: the input element the value comes from. */
  sourceIndex: [number, number, number] | null;
  /** `[o, c, kh, kw]` for conv2d (c within the group; flipped for true convolution), `[c, o, kh, kw]` for conv_transpose2d. */
  weightIndex: [number, number, number, number];
  weightValue: number;
  product: number;
  padded: boolean;
}

export interface ChannelContribution {
  /** Input channel (absolute, not within the group). */
  c: number;
  terms: Term[];
  /** The sum of this channel's products. */
  sum: number;
}

export interface ElementExplanation {
  at: OutputPosition;
  channels: ChannelContribution[];
  bias: number;
  /** bias + every product, in the order the kernel adds them (float32 results rounded once, like the kernel). */
  total: number;
}

/** One tap of a pooling window. */
export interface PoolTap {
  /** `[c, h, w]` in input coordinates; outside the input when `padded`. */
  inputIndex: [number, number, number];
  /** The input value, or the padding value (−∞ for max, 0 otherwise). */
  inputValue: number;
  padded: boolean;
  /** Whether the tap counts in an average's divisor (padded taps do under count_include_pad; ceil-mode overhang never). */
  counted: boolean;
}

export interface PoolElementExplanation {
  at: OutputPosition;
  reduction: 'max' | 'avg' | 'lp';
  taps: PoolTap[];
  /** Max: the position in `taps` of the winner (−1 when the window reads no input). */
  winner: number;
  /** Max: PyTorch's index of the winner within its plane, `h·W + w`. */
  flatIndex: number | null;
  /** Avg and Lp: the sum of the taps inside the input (of `x^p` for Lp). */
  sum: number | null;
  /** Avg: what the sum is divided by. */
  divisor: number | null;
  normType: number | null;
  value: number;
}

function checkAt(op: string, info: ConvInfo, at: OutputPosition): void {
  const ok = (v: number, size: number): boolean => Number.isInteger(v) && v >= 0 && v < size;
  if (!ok(at.n, info.batch) || !ok(at.o, info.outChannels) || !ok(at.y, info.outHeight) || !ok(at.x, info.outWidth)) {
    throw new EngineError(
      op,
      l10n.t(
        'output position (n={0}, o={1}, y={2}, x={3}) is outside the output [{4}, {5}, {6}, {7}]',
        at.n, at.o, at.y, at.x, info.batch, info.outChannels, info.outHeight, info.outWidth,
      ),
    );
  }
}

const roundLike = (t: Tensor, v: number): number => (t.dtype === 'float32' ? Math.fround(v) : v);

/**
 * Every term of output element `at`. `input` is HW, CHW or NCHW as given to the op, `weight` OIHW
 * (`[C_in, C_out/groups, kH, kW]` for a transposed conv). For a pooling `info` pass null weight and
 * bias: the result then lists the window's taps and its reduction.
 */
export function explainElement(info: ConvInfo, input: Tensor, weight: Tensor, bias: Tensor | null, at: OutputPosition): ElementExplanation;
export function explainElement(info: ConvInfo, input: Tensor, weight: null, bias: null, at: OutputPosition): PoolElementExplanation;
export function explainElement(info: ConvInfo, input: Tensor, weight: Tensor | null, bias: Tensor | null, at: OutputPosition): ElementExplanation | PoolElementExplanation;
export function explainElement(info: ConvInfo, input: Tensor, weight: Tensor | null, bias: Tensor | null, at: OutputPosition): ElementExplanation | PoolElementExplanation {
  if (isPool(info)) return explainPoolElement(info, input, at);
  if (!weight) throw new EngineError('explainElement', l10n.t('{0} needs its weight to explain an element', info.op));
  const x = asNCHWTensor('explainElement', input);
  checkOperands(info, x, weight, bias);
  checkAt('explainElement', info, at);
  const channels = info.op === 'conv_transpose2d' ? transposeTerms(info, x, weight, at) : convTerms(info, x, weight, at);
  const biasValue = bias ? bias.data[at.o] : 0;
  let total = biasValue;
  for (const ch of channels) for (const t of ch.terms) total += t.product;
  return { at, channels, bias: biasValue, total: roundLike(x, total) };
}

/** conv2d: the window of `at` over each input channel of its group, padding included. */
function convTerms(info: ConvInfo, x: Tensor, weight: Tensor, at: OutputPosition): ChannelContribution[] {
  const { inHeight: h, inWidth: w, kernelHeight: kh, kernelWidth: kw } = info;
  const group = Math.floor(at.o / info.outChannelsPerGroup);
  const channels: ChannelContribution[] = [];
  for (let cl = 0; cl < info.inChannelsPerGroup; cl++) {
    const c = group * info.inChannelsPerGroup + cl;
    const terms: Term[] = [];
    let sum = 0;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const iy = at.y * info.strideHeight - info.padTop + i * info.dilationHeight;
        const ix = at.x * info.strideWidth - info.padLeft + j * info.dilationWidth;
        const sy = sourceIndex(info.paddingMode, iy, h);
        const sx = sourceIndex(info.paddingMode, ix, w);
        const inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
        const reads = sy >= 0 && sx >= 0;
        const inputValue = reads ? x.data[((at.n * info.inChannels + c) * h + sy) * w + sx] : 0;
        const [wi, wj] = info.flipKernel ? [kh - 1 - i, kw - 1 - j] : [i, j];
        const weightValue = weight.data[((at.o * info.inChannelsPerGroup + cl) * kh + wi) * kw + wj];
        const product = inputValue * weightValue;
        sum += product;
        terms.push({
          inputIndex: [c, iy, ix],
          inputValue,
          sourceIndex: !inside && reads ? [c, sy, sx] : null,
          weightIndex: [at.o, cl, wi, wj],
          weightValue,
          product,
          padded: !inside,
        });
      }
    }
    channels.push({ c, terms, sum });
  }
  return channels;
}

/** conv_transpose2d: the input pixels whose scattered kernel reaches `at`, per input channel of its group. */
function transposeTerms(info: ConvInfo, x: Tensor, weight: Tensor, at: OutputPosition): ChannelContribution[] {
  const { inHeight: h, inWidth: w, kernelHeight: kh, kernelWidth: kw } = info;
  const group = Math.floor(at.o / info.outChannelsPerGroup);
  const ol = at.o - group * info.outChannelsPerGroup;
  // Input row iy reaches output row iy·s − p + i·d; keep the (iy, i) pairs that land on at.y.
  const taps = (out: number, pad: number, stride: number, dilation: number, k: number, size: number): Array<[number, number]> => {
    const found: Array<[number, number]> = [];
    for (let i = 0; i < k; i++) {
      const shifted = out + pad - i * dilation;
      if (shifted % stride === 0 && shifted / stride >= 0 && shifted / stride < size) found.push([shifted / stride, i]);
    }
    return found.reverse(); // kernel index up means input index down: list the inputs in reading order
  };
  const rows = taps(at.y, info.padTop, info.strideHeight, info.dilationHeight, kh, h);
  const cols = taps(at.x, info.padLeft, info.strideWidth, info.dilationWidth, kw, w);
  const channels: ChannelContribution[] = [];
  for (let cl = 0; cl < info.inChannelsPerGroup; cl++) {
    const c = group * info.inChannelsPerGroup + cl;
    const terms: Term[] = [];
    let sum = 0;
    for (const [iy, i] of rows) {
      for (const [ix, j] of cols) {
        const inputValue = x.data[((at.n * info.inChannels + c) * h + iy) * w + ix];
        const weightValue = weight.data[((c * info.outChannelsPerGroup + ol) * kh + i) * kw + j];
        const product = inputValue * weightValue;
        sum += product;
        terms.push({ inputIndex: [c, iy, ix], inputValue, sourceIndex: null, weightIndex: [c, ol, i, j], weightValue, product, padded: false });
      }
    }
    channels.push({ c, terms, sum });
  }
  return channels;
}

/** A pooling element: the window's taps (padding included), the reduction and its result, as the pool kernel computes it. */
export function explainPoolElement(info: ConvInfo, input: Tensor, at: OutputPosition): PoolElementExplanation {
  if (!isPool(info)) throw new EngineError('explainPoolElement', l10n.t('{0} is not a pooling op: use explainElement', info.op));
  const x = asNCHWTensor('explainPoolElement', input);
  checkAt('explainPoolElement', info, at);
  const { inHeight: h, inWidth: w } = info;
  const { rows, cols } = poolWindows(info);
  const row = rows[at.y];
  const col = cols[at.x];
  const plane = (at.n * info.inChannels + at.o) * h * w;
  const fill = padValue(info);
  const taps: PoolTap[] = [];
  let winner = -1;
  let best = -Infinity;
  let sum = 0;
  const p = info.normType ?? 2;
  for (let i = 0; i < info.kernelHeight; i++) {
    const iy = at.y * info.strideHeight - info.padTop + i * info.dilationHeight;
    for (let j = 0; j < info.kernelWidth; j++) {
      const ix = at.x * info.strideWidth - info.padLeft + j * info.dilationWidth;
      const inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
      const inPaddedExtent = iy < h + info.padBottom && ix < w + info.padRight;
      const inputValue = inside ? x.data[plane + iy * w + ix] : fill;
      const counted = info.op === 'avg_pool2d' && info.divisorOverride === null ? (info.countIncludePad ? inPaddedExtent : inside) : inside;
      taps.push({ inputIndex: [at.o, iy, ix], inputValue, padded: !inside, counted });
      if (!inside) continue;
      if (inputValue > best || Number.isNaN(inputValue)) {
        best = inputValue;
        winner = taps.length - 1;
      }
      sum += info.op === 'lp_pool2d' ? Math.pow(info.rules === 'onnx' ? Math.abs(inputValue) : inputValue, p) : inputValue;
    }
  }
  const value = poolValueAt(info, x, at);
  if (info.op === 'max_pool2d') {
    const flatIndex = winner >= 0 ? taps[winner].inputIndex[1] * w + taps[winner].inputIndex[2] : row.first * w + col.first;
    return { at, reduction: 'max', taps, winner, flatIndex, sum: null, divisor: null, normType: null, value };
  }
  const divisor = info.op === 'avg_pool2d' ? avgDivisor(info, row, col) : null;
  return { at, reduction: info.op === 'avg_pool2d' ? 'avg' : 'lp', taps, winner: -1, flatIndex: null, sum, divisor, normType: info.normType, value };
}

/** The pooled value at `at`, from the pool kernel itself (on that one plane), so explain and compute never disagree. */
function poolValueAt(info: ConvInfo, x: Tensor, at: OutputPosition): number {
  const { inHeight: h, inWidth: w } = info;
  const start = (at.n * info.inChannels + at.o) * h * w;
  const plane: Tensor = { shape: [1, 1, h, w], dtype: x.dtype, data: x.data.subarray(start, start + h * w) };
  const single: ConvInfo = { ...info, batch: 1, inChannels: 1, outChannels: 1, groups: 1 };
  return poolResolved(single, plane).data[at.y * info.outWidth + at.x];
}

/**
 * Each input channel's cross-correlation with its slice of output channel `o`'s kernel, before the
 * sum and without bias: `[C_in / groups, H_out, W_out]` for batch item `n`. Summing the maps and adding
 * the bias gives output channel `o`. For a transposed conv: each input channel's scattered map.
 */
export function partialMaps(info: ConvInfo, input: Tensor, weight: Tensor, n: number, o: number): Tensor {
  if (isPool(info)) throw new EngineError('partialMaps', l10n.t('{0} has no input channels to sum over: each channel is pooled on its own', info.op));
  const x = asNCHWTensor('partialMaps', input);
  checkOperands(info, x, weight, null);
  checkAt('partialMaps', info, { n, o, y: 0, x: 0 });
  const { inHeight: h, inWidth: w, kernelHeight: kh, kernelWidth: kw, outHeight, outWidth } = info;
  const cg = info.inChannelsPerGroup;
  const group = Math.floor(o / info.outChannelsPerGroup);
  const ol = o - group * info.outChannelsPerGroup;
  const single: ConvInfo = { ...info, batch: 1, inChannels: 1, outChannels: 1, groups: 1, inChannelsPerGroup: 1, outChannelsPerGroup: 1, hasBias: false };
  const planeSize = outHeight * outWidth;
  const out = allocate(x.dtype, cg * planeSize);
  for (let cl = 0; cl < cg; cl++) {
    const c = group * cg + cl;
    const xStart = (n * info.inChannels + c) * h * w;
    const xc: Tensor = { shape: [1, 1, h, w], dtype: x.dtype, data: x.data.slice(xStart, xStart + h * w) };
    // conv2d weight [o, cl] vs transposed weight [c, ol]: the kernel slice this channel meets.
    const wStart = info.op === 'conv_transpose2d' ? (c * info.outChannelsPerGroup + ol) * kh * kw : (o * cg + cl) * kh * kw;
    const wc: Tensor = { shape: [1, 1, kh, kw], dtype: weight.dtype, data: weight.data.slice(wStart, wStart + kh * kw) };
    const map = info.op === 'conv_transpose2d' ? convTranspose2dResolved(single, xc, wc, null) : conv2dResolved(single, xc, wc, null);
    out.set(map.data, cl * planeSize);
  }
  return { shape: [cg, outHeight, outWidth], dtype: x.dtype, data: out };
}

/** One step of a sliding-window walk: output element `(outY, outX)` and its window's top-left tap in input coordinates. */
export interface WindowPosition {
  outY: number;
  outX: number;
  top: number;
  left: number;
}

/**
 * The windows of a conv or pooling call in the order a step-through visits them (row by row).
 * `top`/`left` may be negative or beyond the input (the window starts in the padding); see
 * `padInput` for the padded input they index (add `padTop`/`padLeft`).
 */
export function windowPositions(info: ConvInfo): WindowPosition[] {
  if (info.op === 'conv_transpose2d') {
    throw new EngineError('windowPositions', l10n.t('conv_transpose2d scatters each input pixel instead of sliding a window; step through its input instead'));
  }
  const positions: WindowPosition[] = [];
  for (let outY = 0; outY < info.outHeight; outY++) {
    for (let outX = 0; outX < info.outWidth; outX++) {
      positions.push({ outY, outX, top: outY * info.strideHeight - info.padTop, left: outX * info.strideWidth - info.padLeft });
    }
  }
  return positions;
}
