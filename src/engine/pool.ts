/**
 * Pooling as PyTorch computes it: max (with dilation, ceil mode and indices), average
 * (count_include_pad, divisor_override), Lp (PyTorch's scaled average of x^p) and global pools.
 * Each output reads the taps of its window that fall inside the input; padding is never copied.
 */
import * as l10n from '@vscode/l10n';
import { globalPoolInfo, poolInfo, type ConvInfo, type Pool2dOptions, type Size2d } from './convInfo';
import { EngineError } from './errors';
import { maxPool2dFloat32 } from './fast/index';
import { asNCHWTensor, fromNCHW, layoutOf } from './layout';
import { allocate, type Tensor } from './tensor';

export interface MaxPool2dOptions {
  kernelSize: Size2d;
  /** Defaults to the kernel size. */
  stride?: Size2d | null;
  padding?: Pool2dOptions['padding'];
  dilation?: Size2d;
  ceilMode?: boolean;
  returnIndices?: boolean;
  rules?: Pool2dOptions['rules'];
}

export interface AvgPool2dOptions {
  kernelSize: Size2d;
  stride?: Size2d | null;
  padding?: Pool2dOptions['padding'];
  ceilMode?: boolean;
  /** Default true (PyTorch): padded taps count in the divisor. */
  countIncludePad?: boolean;
  divisorOverride?: number | null;
  /** Not in PyTorch's avg_pool2d; ONNX AveragePool has it. */
  dilation?: Size2d;
  rules?: Pool2dOptions['rules'];
}

export interface LpPool2dOptions {
  normType: number;
  kernelSize: Size2d;
  stride?: Size2d | null;
  ceilMode?: boolean;
  /** Not in PyTorch's lp_pool2d; ONNX LpPool has them. */
  padding?: Pool2dOptions['padding'];
  dilation?: Size2d;
  rules?: Pool2dOptions['rules'];
}

export interface MaxPoolResult {
  output: Tensor;
  /** Flat index `h·W + w` of each maximum within its input plane, as PyTorch returns it (float64 holding integers). */
  indices?: Tensor;
}

/**
 * Per output position along one axis: the input positions its window reads (inside the input,
 * in order), where PyTorch's loop starts (`first`, for the index of an empty window) and how
 * many taps lie inside the explicitly padded extent `[−pad_begin, size + pad_end)`.
 */
interface AxisWindow {
  taps: number[];
  first: number;
  paddedCount: number;
}

function axisWindows(size: number, outSize: number, kernel: number, stride: number, dilation: number, padBegin: number, padEnd: number): AxisWindow[] {
  const windows: AxisWindow[] = [];
  for (let o = 0; o < outSize; o++) {
    const start = o * stride - padBegin;
    const taps: number[] = [];
    let paddedCount = 0;
    for (let k = 0; k < kernel; k++) {
      const i = start + k * dilation;
      if (i >= 0 && i < size) taps.push(i);
      if (i < size + padEnd) paddedCount++;
    }
    let first = start;
    while (first < 0) first += dilation;
    windows.push({ taps, first, paddedCount });
  }
  return windows;
}

/** The row and column windows of a resolved pooling call. */
export function poolWindows(info: ConvInfo): { rows: AxisWindow[]; cols: AxisWindow[] } {
  return {
    rows: axisWindows(info.inHeight, info.outHeight, info.kernelHeight, info.strideHeight, info.dilationHeight, info.padTop, info.padBottom),
    cols: axisWindows(info.inWidth, info.outWidth, info.kernelWidth, info.strideWidth, info.dilationWidth, info.padLeft, info.padRight),
  };
}

/**
 * The divisor of one average window: divisor_override, else the taps inside the padded extent
 * (count_include_pad, not the ceil-mode overhang), else the taps inside the input.
 */
export function avgDivisor(info: ConvInfo, row: AxisWindow, col: AxisWindow): number {
  if (info.divisorOverride !== null) return info.divisorOverride;
  return info.countIncludePad ? row.paddedCount * col.paddedCount : row.taps.length * col.taps.length;
}

/**
 * Pools `x` `[N, C, H, W]` for a resolved `info` into `[N, C, H_out, W_out]`; max pooling also
 * fills `indices` (same shape) when given.
 */
export function poolResolved(info: ConvInfo, x: Tensor, indices?: Float64Array): Tensor {
  const { inHeight: h, inWidth: w, outHeight, outWidth } = info;
  const planes = info.batch * info.inChannels;
  const y = allocate(x.dtype, planes * outHeight * outWidth);
  if (info.op === 'max_pool2d' && !indices && y instanceof Float32Array && x.data instanceof Float32Array && maxPool2dFloat32(info, x.data, y)) {
    return { shape: [info.batch, info.inChannels, outHeight, outWidth], dtype: x.dtype, data: y };
  }
  const { rows, cols } = poolWindows(info);
  const xd = x.data;
  const p = info.normType ?? 2;
  for (let plane = 0; plane < planes; plane++) {
    const xBase = plane * h * w;
    for (let oy = 0; oy < outHeight; oy++) {
      const row = rows[oy];
      for (let ox = 0; ox < outWidth; ox++) {
        const col = cols[ox];
        const out = (plane * outHeight + oy) * outWidth + ox;
        if (info.op === 'max_pool2d') {
          // PyTorch's rule: a NaN always takes over (so NaN propagates), otherwise only a strictly larger value.
          let best = -Infinity;
          let bestIndex = row.first * w + col.first;
          for (const iy of row.taps) {
            for (const ix of col.taps) {
              const v = xd[xBase + iy * w + ix];
              if (v > best || Number.isNaN(v)) {
                best = v;
                bestIndex = iy * w + ix;
              }
            }
          }
          y[out] = best;
          if (indices) indices[out] = bestIndex;
          continue;
        }
        if (row.taps.length === 0 || col.taps.length === 0) {
          y[out] = 0; // a window wholly in padding reads nothing (PyTorch leaves 0)
          continue;
        }
        let sum = 0;
        for (const iy of row.taps) {
          for (const ix of col.taps) {
            const v = xd[xBase + iy * w + ix];
            sum += info.op === 'avg_pool2d' ? v : lpPower(v, p, info.rules === 'onnx');
          }
        }
        if (info.op === 'avg_pool2d') {
          y[out] = sum / avgDivisor(info, row, col);
        } else if (info.rules === 'onnx') {
          y[out] = Math.pow(sum, 1 / p);
        } else {
          // PyTorch: avg_pool2d(x^p) with count_include_pad, times kH·kW, to the power 1/p; so a
          // clipped ceil-mode window is scaled up as if it were full.
          const average = sum / (row.paddedCount * col.paddedCount);
          y[out] = Math.pow(average * info.kernelHeight * info.kernelWidth, 1 / p);
        }
      }
    }
  }
  return { shape: [info.batch, info.inChannels, outHeight, outWidth], dtype: x.dtype, data: y };
}

/** `x^p` as PyTorch's lp_pool2d takes it, or `|x|^p` as ONNX's LpPool does. */
function lpPower(v: number, p: number, absolute: boolean): number {
  return Math.pow(absolute ? Math.abs(v) : v, p);
}

/**
 * `max_pool2d(input, options)`: PyTorch's `F.max_pool2d`. Input `[H, W]`, `[C, H, W]` or
 * `[N, C, H, W]`; output (and indices) in the same layout with `H_out × W_out` planes.
 */
export function maxPool2d(input: Tensor, options: MaxPool2dOptions): MaxPoolResult {
  const layout = layoutOf('max_pool2d', input);
  const info = poolInfo('max_pool2d', input.shape, options);
  const indexData = options.returnIndices ? new Float64Array(info.batch * info.inChannels * info.outHeight * info.outWidth) : undefined;
  const output = fromNCHW(poolResolved(info, asNCHWTensor('max_pool2d', input), indexData), layout, true);
  if (!indexData) return { output };
  return { output, indices: { shape: output.shape, dtype: 'float64', data: indexData } };
}

/** `avg_pool2d(input, options)`: PyTorch's `F.avg_pool2d` (count_include_pad defaults to true). Layout kept. */
export function avgPool2d(input: Tensor, options: AvgPool2dOptions): Tensor {
  const layout = layoutOf('avg_pool2d', input);
  const info = poolInfo('avg_pool2d', input.shape, options);
  return fromNCHW(poolResolved(info, asNCHWTensor('avg_pool2d', input)), layout, true);
}

/** `lp_pool2d(input, options)`: PyTorch's `F.lp_pool2d`, `(Σ x^p)^(1/p)` over each window. Layout kept. */
export function lpPool2d(input: Tensor, options: LpPool2dOptions): Tensor {
  const layout = layoutOf('lp_pool2d', input);
  if (options.normType === undefined) throw new EngineError('lp_pool2d', l10n.t('norm_type is required'));
  const info = poolInfo('lp_pool2d', input.shape, { ...options, countIncludePad: true });
  return fromNCHW(poolResolved(info, asNCHWTensor('lp_pool2d', input)), layout, true);
}

/** Global max pooling (`adaptive_max_pool2d(x, 1)`): each plane to its maximum; `[…, H, W]` → `[…, 1, 1]`. */
export function globalMaxPool2d(input: Tensor): Tensor {
  const layout = layoutOf('max_pool2d', input);
  const info = globalPoolInfo('max_pool2d', input.shape);
  return fromNCHW(poolResolved(info, asNCHWTensor('max_pool2d', input)), layout, true);
}

/** Global average pooling (`adaptive_avg_pool2d(x, 1)`): each plane to its mean; `[…, H, W]` → `[…, 1, 1]`. */
export function globalAvgPool2d(input: Tensor): Tensor {
  const layout = layoutOf('avg_pool2d', input);
  const info = globalPoolInfo('avg_pool2d', input.shape);
  return fromNCHW(poolResolved(info, asNCHWTensor('avg_pool2d', input)), layout, true);
}
