/**
 * max_pool2d (values only, no indices) with a SIMD kernel, stride 1 or 2 along the width.
 * Padding and ceil-mode overhang become -inf cells, which never win, so a window that reaches
 * outside the input takes the max over its cells inside, as PyTorch does. Channels go through in
 * chunks that fit L2, so the copy in, the pooling and the copy out stay in cache.
 */
import type { ConvInfo } from '../convInfo';
import { HeapLayout, type SimdKernels } from './kernels';

const CHUNK_BYTES = 256 * 1024;

export function maxPoolApplies(info: ConvInfo): boolean {
  return info.op === 'max_pool2d' && (info.strideWidth === 1 || info.strideWidth === 2);
}

export function maxPoolSimd(kern: SimdKernels, info: ConvInfo, x: Float32Array, y: Float32Array): void {
  const { inHeight: h, inWidth: w, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  // Rows and columns the windows read, including ceil-mode windows that run past the padding.
  const hp = Math.max(h + info.padTop + info.padBottom, (oh - 1) * sh + info.effectiveKernelHeight);
  const wp = Math.max(w + info.padLeft + info.padRight, (ow - 1) * sw + info.effectiveKernelWidth);
  const padded = hp !== h || wp !== w;
  const planes = info.batch * info.inChannels;
  const pairs = info.kernelHeight === 2 && info.kernelWidth === 2 && sw === 2 && dw === 1;
  const chunk = Math.max(1, Math.min(planes, Math.floor(CHUNK_BYTES / (4 * (h * w + oh * ow)))));
  const layout = new HeapLayout();
  const stage = layout.take(4 * chunk * h * w);
  const img = padded ? layout.take(4 * chunk * hp * wp) : stage;
  const out = layout.take(4 * chunk * oh * ow);
  kern.reserve(layout.bytes);
  const f32 = kern.f32;
  for (let p = 0; p < planes; p += chunk) {
    const count = Math.min(chunk, planes - p);
    f32.set(x.subarray(p * h * w, (p + count) * h * w), stage >>> 2);
    if (padded) kern.pad(img, stage, count, h, w, hp, wp, info.padTop, info.padLeft, -Infinity);
    if (pairs) kern.maxPool2x2(out, img, count, 4 * hp * wp, oh, ow, 4 * sh * wp, 4 * dh * wp);
    else kern.maxPool(out, img, count, 4 * hp * wp, oh, ow, 4 * sh * wp, 4 * sw, 4 * dh * wp, 4 * dw, info.kernelHeight, info.kernelWidth);
    y.set(f32.subarray(out >>> 2, (out >>> 2) + count * oh * ow), p * oh * ow);
  }
}
