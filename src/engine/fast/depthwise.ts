/**
 * Depthwise conv (one input channel per group, any channel multiplier), stride 1 or 2 along the
 * width: a direct SIMD kernel per output channel (3×3 with stride 1 has its own, weights held in
 * registers). The GEMM path would pad each group's single row of weights to a 4-row panel and pack
 * kH·kW rows per pixel, for only 2·kH·kW FLOPs per pixel. Channels go through in chunks that fit
 * L2, so copying in, padding, computing and copying out stay in cache.
 */
import type { ConvInfo } from '../convInfo';
import { HeapLayout, type SimdKernels } from './kernels';

const CHUNK_BYTES = 256 * 1024;

export function depthwiseApplies(info: ConvInfo): boolean {
  return info.inChannelsPerGroup === 1 && (info.strideWidth === 1 || info.strideWidth === 2);
}

export function convDepthwise(kern: SimdKernels, info: ConvInfo, x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array): void {
  const { inChannels: c, inHeight: h, inWidth: wd, outHeight: oh, outWidth: ow, kernelHeight: kh, kernelWidth: kw } = info;
  const hp = h + info.padTop + info.padBottom;
  const wp = wd + info.padLeft + info.padRight;
  const padded = hp !== h || wp !== wd;
  const m = info.outChannelsPerGroup;
  const taps = kh * kw;
  const plane = oh * ow;
  const threeByThree = kh === 3 && kw === 3 && info.strideWidth === 1;
  const chunk = Math.max(1, Math.min(c, Math.floor(CHUNK_BYTES / (4 * (h * wd + (padded ? hp * wp : 0) + m * plane)))));
  const layout = new HeapLayout();
  const wBuf = layout.take(4 * w.length);
  const stage = layout.take(4 * chunk * h * wd);
  const img = padded ? layout.take(4 * chunk * hp * wp) : stage;
  const out = layout.take(4 * chunk * m * plane);
  kern.reserve(layout.bytes);
  const f32 = kern.f32;
  f32.set(w, wBuf >>> 2);
  const rowStep = 4 * info.strideHeight * wp;
  const dilRow = 4 * info.dilationHeight * wp;
  const dilCol = 4 * info.dilationWidth;
  for (let n = 0; n < info.batch; n++) {
    for (let c0 = 0; c0 < c; c0 += chunk) {
      const count = Math.min(chunk, c - c0);
      const xAt = (n * c + c0) * h * wd;
      f32.set(x.subarray(xAt, xAt + count * h * wd), stage >>> 2);
      if (padded) kern.pad(img, stage, count, h, wd, hp, wp, info.padTop, info.padLeft, 0);
      for (let o = 0; o < count * m; o++) {
        const co = c0 * m + o;
        const src = img + 4 * Math.floor(o / m) * hp * wp;
        const b = bias === null ? 0 : bias[co];
        if (threeByThree) kern.depthwise3x3(out + 4 * o * plane, src, wBuf + 4 * co * taps, b, oh, ow, rowStep, dilRow, dilCol);
        else kern.depthwise(out + 4 * o * plane, src, wBuf + 4 * co * taps, b, oh, ow, rowStep, 4 * info.strideWidth, dilRow, dilCol, kh, kw);
      }
      const yAt = (n * c + c0) * m * plane;
      y.set(f32.subarray(out >>> 2, (out >>> 2) + count * m * plane), yAt);
    }
  }
}
