/**
 * conv2d as PyTorch defines it: channel-wise cross-correlation summed over each group's input
 * channels, plus bias. The float64 reference loops live here; float32 first asks the fast kernels.
 */
import * as l10n from '@vscode/l10n';
import { convInfo, type Conv2dOptions, type ConvInfo } from './convInfo';
import { EngineError } from './errors';
import { conv2dFloat32 } from './fast/index';
import { asNCHWTensor, fromNCHW, layoutOf } from './layout';
import { padInput } from './padding';
import { allocate, type Tensor, type TypedData } from './tensor';

/**
 * `conv2d(input, weight, bias?, options?)`, PyTorch's `F.conv2d` with `nn.Conv2d`'s padding modes.
 * - input `[H, W]` (one channel) → `[C_out, H_out, W_out]`; `[C, H, W]` → `[C_out, H_out, W_out]`;
 *   `[N, C, H, W]` → `[N, C_out, H_out, W_out]`.
 * - weight `[C_out, C_in / groups, kH, kW]`; bias `[C_out]` or null.
 * Input, weight and bias must share a dtype, which the result has too.
 */
export function conv2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  const layout = layoutOf('conv2d', input);
  // Object.assign rather than a spread: V8 builds the spread object slowly, and W1 (a 2×3×3 call) is all overhead.
  const info = convInfo(input.shape, weight.shape, Object.assign({}, options, { hasBias: bias !== null && bias !== undefined }));
  const y = conv2dResolved(info, asNCHWTensor('conv2d', input), weight, bias ?? null);
  return fromNCHW(y, layout, false);
}

/** Checks that input, weight and bias agree in dtype and that bias is `[C_out]`. */
export function checkOperands(info: ConvInfo, input: Tensor, weight: Tensor, bias: Tensor | null): void {
  const op = info.op;
  if (input.dtype !== weight.dtype) {
    throw new EngineError(op, l10n.t('input is {0} but the weight is {1}: cast one so they match', input.dtype, weight.dtype));
  }
  if (bias) {
    if (bias.dtype !== input.dtype) throw new EngineError(op, l10n.t('input is {0} but the bias is {1}: cast one so they match', input.dtype, bias.dtype));
    if (bias.shape.length !== 1 || bias.shape[0] !== info.outChannels) {
      throw new EngineError(op, l10n.t('bias must have shape [{0}] (one per output channel) but has shape [{1}]', info.outChannels, bias.shape.join(', ')));
    }
  }
}

/** The weight with both spatial axes reversed: `w[o, c, kH−1−i, kW−1−j]` (what true convolution uses). */
export function flipKernel(weight: Tensor): Tensor {
  const [o, c, kh, kw] = weight.shape;
  const out = allocate(weight.dtype, weight.data.length);
  for (let plane = 0; plane < o * c; plane++) {
    const base = plane * kh * kw;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) out[base + i * kw + j] = weight.data[base + (kh - 1 - i) * kw + (kw - 1 - j)];
    }
  }
  return { shape: [...weight.shape], dtype: weight.dtype, data: out };
}

/**
 * conv2d for an already resolved `info`: `x` is `[N, C_in, H, W]`, the result `[N, C_out, H_out, W_out]`.
 * Non-zero padding modes pad explicitly first and true convolution flips the kernel first, so the
 * loops (and the fast kernels) only ever see zero-padded cross-correlation.
 */
export function conv2dResolved(info: ConvInfo, x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  checkOperands(info, x, weight, bias);
  let plain = info;
  let input = x;
  if (info.paddingMode !== 'zeros') {
    input = padInput(info, x);
    plain = {
      ...info,
      inHeight: input.shape[2],
      inWidth: input.shape[3],
      padTop: 0,
      padBottom: 0,
      padLeft: 0,
      padRight: 0,
      paddingMode: 'zeros',
    };
  }
  const w = info.flipKernel ? flipKernel(weight) : weight;
  if (info.flipKernel) plain = { ...plain, flipKernel: false };

  const y = allocate(x.dtype, info.batch * info.outChannels * info.outHeight * info.outWidth);
  const b = bias ? bias.data : null;
  // The fast kernels may treat padding as absent; 0 · ±inf = NaN in padding is PyTorch's, so
  // non-finite weights stay on the reference loops, which add it.
  const handled =
    y instanceof Float32Array &&
    input.data instanceof Float32Array &&
    w.data instanceof Float32Array &&
    (b === null || b instanceof Float32Array) &&
    allFinite(w.data) &&
    conv2dFloat32(plain, input.data, w.data, b, y);
  if (!handled) crossCorrelate(plain, input.data, w.data, b, y);
  return { shape: [info.batch, info.outChannels, info.outHeight, info.outWidth], dtype: x.dtype, data: y };
}

function allFinite(data: TypedData): boolean {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return false;
  return true;
}

/**
 * For each kernel offset `k` along one axis, the output positions `[lo, hi)` whose tap
 * `o·stride − pad + k·dilation` lands inside `[0, size)`; the loops skip padding by range, not by test.
 */
export function validRanges(size: number, outSize: number, kernel: number, stride: number, dilation: number, padBegin: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (let k = 0; k < kernel; k++) {
    const offset = k * dilation - padBegin;
    const lo = Math.max(0, Math.ceil(-offset / stride));
    const hi = Math.min(outSize, Math.floor((size - 1 - offset) / stride) + 1);
    ranges.push([lo, Math.max(lo, hi)]);
  }
  return ranges;
}

/**
 * The reference loops: `y[n, o, oy, ox] = bias[o] + Σ_c Σ_kh Σ_kw x[n, g·C_g + c, oy·s − p + kh·d, …] · w[o, c, kh, kw]`,
 * summed in float64 per output plane and stored once (so float32 results are rounded once).
 * `x` `[N, C_in, H, W]`, `w` `[C_out, C_in/groups, kH, kW]`, `y` `[N, C_out, H_out, W_out]`.
 */
function crossCorrelate(info: ConvInfo, x: TypedData, w: TypedData, b: TypedData | null, y: TypedData): void {
  const { batch, inChannels, inHeight, inWidth, outChannels, outHeight, outWidth, kernelHeight, kernelWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padLeft } = info;
  const cg = info.inChannelsPerGroup;
  const og = info.outChannelsPerGroup;
  const rows = validRanges(inHeight, outHeight, kernelHeight, strideHeight, dilationHeight, padTop);
  const cols = validRanges(inWidth, outWidth, kernelWidth, strideWidth, dilationWidth, padLeft);
  const planeSize = outHeight * outWidth;
  const acc = new Float64Array(planeSize);
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < outChannels; o++) {
      const group = Math.floor(o / og);
      acc.fill(b ? b[o] : 0);
      for (let cl = 0; cl < cg; cl++) {
        const xPlane = (n * inChannels + group * cg + cl) * inHeight * inWidth;
        const wPlane = (o * cg + cl) * kernelHeight * kernelWidth;
        // Row by row, every tap of the kernel: the output row and the input rows it reads stay in cache.
        for (let oy = 0; oy < outHeight; oy++) {
          const aRow = oy * outWidth;
          for (let kh = 0; kh < kernelHeight; kh++) {
            if (oy < rows[kh][0] || oy >= rows[kh][1]) continue; // this tap is in the top or bottom padding
            const xRow = xPlane + (oy * strideHeight + kh * dilationHeight - padTop) * inWidth - padLeft;
            const wRow = wPlane + kh * kernelWidth;
            for (let kw = 0; kw < kernelWidth; kw++) {
              const wv = w[wRow + kw];
              const colHi = cols[kw][1];
              const xAt = xRow + kw * dilationWidth;
              if (strideWidth === 1) {
                for (let ox = cols[kw][0]; ox < colHi; ox++) acc[aRow + ox] += wv * x[xAt + ox];
              } else {
                for (let ox = cols[kw][0]; ox < colHi; ox++) acc[aRow + ox] += wv * x[xAt + ox * strideWidth];
              }
            }
          }
        }
        // 0 · ±inf = NaN wherever a non-finite weight meets zero padding, as in PyTorch.
        for (let kh = 0; kh < kernelHeight; kh++) {
          for (let kw = 0; kw < kernelWidth; kw++) {
            const wv = w[wPlane + kh * kernelWidth + kw];
            if (!Number.isFinite(wv)) addPaddingProducts(acc, outHeight, outWidth, rows[kh], cols[kw], 0 * wv);
          }
        }
      }
      y.set(acc, (n * outChannels + o) * planeSize);
    }
  }
}

/** Adds `value` (0 · a non-finite weight, i.e. NaN) at every output whose tap falls in the zero padding. */
function addPaddingProducts(acc: Float64Array, outHeight: number, outWidth: number, rows: [number, number], cols: [number, number], value: number): void {
  for (let oy = 0; oy < outHeight; oy++) {
    const rowInside = oy >= rows[0] && oy < rows[1];
    for (let ox = 0; ox < outWidth; ox++) {
      if (!rowInside || ox < cols[0] || ox >= cols[1]) acc[oy * outWidth + ox] += value;
    }
  }
}
