/**
 * Padding modes as index maps: where a position outside the input reads from. PyTorch pads
 * explicitly for reflect / replicate / circular and then convolves without padding; the kernels do
 * the same through `padInput`, and zero padding is skipped in the loops instead of copied.
 */
import type { ConvInfo, PaddingMode } from './convInfo';
import { asNCHWTensor, layoutOf } from './layout';
import { allocate, type Tensor } from './tensor';

/**
 * The input index that position `i` (possibly outside `[0, size)`) reads in `mode`, or -1 when it
 * reads a padding value (zeros). Valid for the pad sizes PyTorch allows (reflect: pad < size;
 * circular: pad ≤ size), which `convInfo` enforces.
 */
export function sourceIndex(mode: PaddingMode, i: number, size: number): number {
  if (i >= 0 && i < size) return i;
  switch (mode) {
    case 'zeros':
      return -1;
    case 'reflect':
      // Mirror about the edge pixel, which is not repeated: -1 reads 1, size reads size - 2.
      return i < 0 ? -i : 2 * (size - 1) - i;
    case 'replicate':
      return i < 0 ? 0 : size - 1;
    case 'circular':
      return ((i % size) + size) % size;
  }
}

/** What a padded position holds when it reads no input: −∞ for max pooling (never wins), else 0. */
export function padValue(info: ConvInfo): number {
  return info.op === 'max_pool2d' ? -Infinity : 0;
}

/**
 * The padded input that the windows of `info` slide over, in the caller's layout (HW, CHW or NCHW):
 * `[…, H + padTop + padBottom, W + padLeft + padRight]`. Positions beyond the input follow
 * `info.paddingMode`; zero padding holds −∞ for max pooling. For a transposed conv (which pads
 * nothing on its input) the input is returned as it is.
 */
export function padInput(info: ConvInfo, input: Tensor): Tensor {
  if (info.op === 'conv_transpose2d') return input;
  const layout = layoutOf('padInput', input);
  const x = asNCHWTensor('padInput', input);
  const [n, c, h, w] = x.shape;
  const ph = h + info.padTop + info.padBottom;
  const pw = w + info.padLeft + info.padRight;
  const out = allocate(x.dtype, n * c * ph * pw);
  const fill = padValue(info);
  const rowSource = Array.from({ length: ph }, (_, r) => sourceIndex(info.paddingMode, r - info.padTop, h));
  const colSource = Array.from({ length: pw }, (_, q) => sourceIndex(info.paddingMode, q - info.padLeft, w));
  for (let plane = 0; plane < n * c; plane++) {
    const inBase = plane * h * w;
    const outBase = plane * ph * pw;
    for (let r = 0; r < ph; r++) {
      const sr = rowSource[r];
      for (let q = 0; q < pw; q++) {
        const sq = colSource[q];
        out[outBase + r * pw + q] = sr < 0 || sq < 0 ? fill : x.data[inBase + sr * w + sq];
      }
    }
  }
  const spatial = [ph, pw];
  const shape = layout === 'HW' ? spatial : layout === 'CHW' ? [c, ...spatial] : [n, c, ...spatial];
  return { shape, dtype: x.dtype, data: out };
}
