/**
 * Depthwise conv (one input channel per group, any channel multiplier), stride 1 or 2 along the
 * width: a direct SIMD kernel per output channel. The GEMM path would pad each group's single row
 * of weights to a 4-row panel and pack kH·kW rows per pixel, for only 2·kH·kW FLOPs per pixel.
 */
import type { ConvInfo } from '../convInfo';
import { HeapLayout, type SimdKernels } from './kernels';

export function depthwiseApplies(info: ConvInfo): boolean {
  return info.inChannelsPerGroup === 1 && (info.strideWidth === 1 || info.strideWidth === 2);
}

export function convDepthwise(kern: SimdKernels, info: ConvInfo, x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array): void {
  const { inChannels: c, inHeight: h, inWidth: wd, outChannels: co, outHeight: oh, outWidth: ow, kernelHeight: kh, kernelWidth: kw } = info;
  const hp = h + info.padTop + info.padBottom;
  const wp = wd + info.padLeft + info.padRight;
  const padded = hp !== h || wp !== wd;
  const taps = kh * kw;
  const plane = oh * ow;
  const layout = new HeapLayout();
  const wBuf = layout.take(4 * w.length);
  const stage = layout.take(4 * c * h * wd);
  const img = padded ? layout.take(4 * c * hp * wp) : stage;
  const out = layout.take(4 * co * plane);
  kern.reserve(layout.bytes);
  const f32 = kern.f32;
  f32.set(w, wBuf >> 2);
  const m = info.outChannelsPerGroup;
  for (let n = 0; n < info.batch; n++) {
    f32.set(x.subarray(n * c * h * wd, (n + 1) * c * h * wd), stage >> 2);
    if (padded) kern.pad(img, stage, c, h, wd, hp, wp, info.padTop, info.padLeft, 0);
    for (let o = 0; o < co; o++) {
      const src = img + 4 * Math.floor(o / m) * hp * wp;
      kern.depthwise(out + 4 * o * plane, src, wBuf + 4 * o * taps, bias === null ? 0 : bias[o], oh, ow,
        4 * info.strideHeight * wp, 4 * info.strideWidth, 4 * info.dilationHeight * wp, 4 * info.dilationWidth, kh, kw);
    }
    y.set(f32.subarray(out >> 2, (out >> 2) + co * plane), n * co * plane);
  }
}
