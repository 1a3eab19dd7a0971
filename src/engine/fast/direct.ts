/**
 * Direct loops for tiny convolutions (the textbook examples users type): below a few thousand
 * multiply-adds, copying into WebAssembly memory and packing cost more than the arithmetic.
 * No allocation, one pass over y; sums in float64, rounded once when stored. The taps that fall
 * in the padding are cut off by range per output row and column, not tested one by one.
 */
import type { ConvInfo } from '../convInfo';

export function convDirect(info: ConvInfo, x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array): void {
  const { inHeight: h, inWidth: wd, outHeight: oh, outWidth: ow, kernelHeight: kh, kernelWidth: kw } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, padTop, padLeft } = info;
  const cig = info.inChannelsPerGroup;
  const m = info.outChannelsPerGroup;
  const plane = h * wd;
  const taps = kh * kw;
  let out = 0;
  for (let n = 0; n < info.batch; n++) {
    for (let co = 0; co < info.outChannels; co++) {
      const xGroup = (n * info.inChannels + Math.floor(co / m) * cig) * plane;
      const wBase = co * cig * taps;
      const b = bias === null ? 0 : bias[co];
      for (let oy = 0; oy < oh; oy++) {
        const top = oy * sh - padTop;
        const i0 = top >= 0 ? 0 : Math.ceil(-top / dh);
        const i1 = Math.min(kh, Math.floor((h - 1 - top) / dh) + 1);
        for (let ox = 0; ox < ow; ox++) {
          const left = ox * sw - padLeft;
          const j0 = left >= 0 ? 0 : Math.ceil(-left / dw);
          const j1 = Math.min(kw, Math.floor((wd - 1 - left) / dw) + 1);
          let s = b;
          for (let ci = 0; ci < cig; ci++) {
            const xc = xGroup + ci * plane + top * wd + left;
            const wc = wBase + ci * taps;
            for (let i = i0; i < i1; i++) {
              const xr = xc + i * dh * wd;
              const wr = wc + i * kw;
              for (let j = j0; j < j1; j++) s += x[xr + j * dw] * w[wr + j];
            }
          }
          y[out++] = s;
        }
      }
    }
  }
}
