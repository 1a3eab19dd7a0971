/**
 * Direct loops for tiny convolutions (the textbook examples users type): below a few thousand
 * multiply-adds, copying into WebAssembly memory and packing cost more than the arithmetic.
 * No allocation, one pass over y; sums in float64, rounded once when stored.
 */
import type { ConvInfo } from '../convInfo';

export function convDirect(info: ConvInfo, x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array): void {
  const { inHeight: h, inWidth: wd, outHeight: oh, outWidth: ow, kernelHeight: kh, kernelWidth: kw } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, padTop, padLeft } = info;
  const cig = info.inChannelsPerGroup;
  const m = info.outChannelsPerGroup;
  let out = 0;
  for (let n = 0; n < info.batch; n++) {
    for (let co = 0; co < info.outChannels; co++) {
      const xBase = (n * info.inChannels + Math.floor(co / m) * cig) * h * wd;
      const wBase = co * cig * kh * kw;
      const b = bias === null ? 0 : bias[co];
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++) {
          let s = b;
          for (let ci = 0; ci < cig; ci++) {
            const xc = xBase + ci * h * wd;
            const wc = wBase + ci * kh * kw;
            for (let i = 0; i < kh; i++) {
              const iy = oy * sh - padTop + i * dh;
              if (iy < 0 || iy >= h) continue;
              for (let j = 0; j < kw; j++) {
                const ix = ox * sw - padLeft + j * dw;
                if (ix >= 0 && ix < wd) s += x[xc + iy * wd + ix] * w[wc + i * kw + j];
              }
            }
          }
          y[out++] = s;
        }
      }
    }
  }
}
