/**
 * conv2d by Winograd's F(2×2, 3×3) (Lavin & Gray 2015), for stride 1 and no dilation: each 2×2
 * block of outputs ("tile") of a 3×3 kernel costs 16 multiplies per input channel instead of 36.
 * The GEMM kernel runs at the machine's multiply-add limit, so doing fewer of them is what is left
 * (W4: the 3×3 conv does 2.25× fewer, W2's 5×5 1.56×). Larger kernels are split into 3×3 blocks
 * ("subs": 5×5 is 2×2 subs of a 6×6 kernel padded with zeros), each sub adding C_in rows of K.
 *
 *   U = G·g·Gᵀ per (output channel, input channel, sub): packed once as gemm's A panels, per ξ;
 *   V = Bᵀ·d·B per (input channel, sub, tile): the wino_in kernel, straight into gemm's B panels;
 *   M_ξ = U_ξ·V_ξ for each of the 16 elements ξ: the existing gemm kernel;
 *   Y = Aᵀ·M·A + bias per (output channel, tile): the wino_out kernel.
 *
 * Work goes by blocks of tile rows whose V and M (16 × (K + C_out) × tiles floats) fit in L2. The
 * kernels take 4 tiles per step, so a tile row is padded to a multiple of 4 tiles; the padded image
 * is split into 2 column phases so the patches of 4 neighbouring tiles are 4 neighbouring floats.
 * Rounding differs from the direct sum by a few float32 ulps of the terms (the transforms add at
 * most 4 terms and halve), well inside the fast path's tolerance.
 */
import type { ConvInfo } from '../convInfo';
import { loadPadded } from './gemmConv';
import { HeapLayout, type SimdKernels } from './kernels';

/** Rows of K per block (as the GEMM's KC: one A panel and one B panel share L1). */
const KC = 256;
/** Bytes of V and M of one block of tile rows (inside L2 with room for the image and A). */
const BLOCK_BYTES = 1 << 20;

/** Multiplies saved per multiply done, at least this (5×5: 25 / 16; 7×7, 36 of 49, is not worth it). */
const MIN_GAIN = 1.5;

export function winogradApplies(info: ConvInfo): boolean {
  const { kernelHeight: kh, kernelWidth: kw } = info;
  const subs = Math.ceil(kh / 3) * Math.ceil(kw / 3);
  return (
    info.groups === 1 && info.strideHeight === 1 && info.strideWidth === 1 && info.dilationHeight === 1 && info.dilationWidth === 1 &&
    kh >= 2 && kw >= 2 && (kh * kw) / (4 * subs) >= MIN_GAIN &&
    // Few channels or narrow outputs: the transforms (per channel and tile) and the padding of a
    // tile row to 4 tiles would eat the saving.
    info.inChannels >= 8 && info.outChannels >= 16 && info.outWidth >= 8 && info.outHeight >= 2 &&
    // A window wholly in the padding must give exactly the bias, as the definition does; Winograd's
    // transforms mix a tile's outputs, so it would be off by rounding of its neighbours' terms.
    info.padTop < kh && info.padBottom < kh && info.padLeft < kw && info.padRight < kw
  );
}

/**
 * U = G·g·Gᵀ, G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1], of the 3×3 block of taps of weight row `from`
 * (kh×kw floats) at (dy, dx), taps outside the kernel 0; element ξ = 4·r + s goes to u[at + ξ·step].
 */
function transformWeights(w: Float32Array, from: number, kh: number, kw: number, dy: number, dx: number, u: Float32Array, at: number, step: number): void {
  const tap = (i: number, j: number) => (dy + i < kh && dx + j < kw ? w[from + (dy + i) * kw + dx + j] : 0);
  // Columns of G·g (4 rows each), then U's rows from them: scalar code, no arrays (W2: 40,000 calls).
  for (let c = 0; c < 3; c++) {
    const a = tap(0, c), b = tap(1, c), d = tap(2, c);
    gCol[4 * c] = a;
    gCol[4 * c + 1] = (a + b + d) / 2;
    gCol[4 * c + 2] = (a - b + d) / 2;
    gCol[4 * c + 3] = d;
  }
  for (let r = 0; r < 4; r++) {
    const a = gCol[r], b = gCol[4 + r], d = gCol[8 + r];
    u[at + 4 * r * step] = a;
    u[at + (4 * r + 1) * step] = (a + b + d) / 2;
    u[at + (4 * r + 2) * step] = (a - b + d) / 2;
    u[at + (4 * r + 3) * step] = d;
  }
}
const gCol = new Float64Array(12);

export function convWinograd(kern: SimdKernels, info: ConvInfo, x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array): void {
  const { inChannels: cin, outChannels: m, inHeight: h, inWidth: wd, outHeight: oh, outWidth: ow, kernelHeight: kh, kernelWidth: kw } = info;
  const sy = Math.ceil(kh / 3), sx = Math.ceil(kw / 3);
  const subs = sy * sx;
  const k = subs * cin; // rows of K: row k is input channel k mod C_in of sub ⌊k / C_in⌋
  const kc = Math.ceil(k / Math.ceil(k / KC));
  const mPad = Math.ceil(m / 4) * 4;
  const th = Math.ceil(oh / 2);
  const tw4 = Math.ceil(ow / 8) * 4; // tiles per row, a multiple of 4
  // The padded image covers every patch of every tile, the padding ones included.
  const hp = 2 * th + 3 * sy;
  const wq = tw4 + 2 * sx;
  const wp = 2 * wq;
  const perTileRow = 16 * 4 * (k + mPad) * tw4;
  const tb = Math.max(1, Math.min(th, Math.floor(BLOCK_BYTES / perTileRow)));
  const cols8 = Math.ceil((tb * tw4) / 8) * 8;
  const outRow = 2 * tw4; // floats per output row in the out block

  const layout = new HeapLayout();
  const stage = layout.take(4 * cin * h * wd);
  const wide = layout.take(4 * cin * hp * wp);
  const img = layout.take(4 * cin * hp * wp);
  const a = layout.take(4 * 16 * mPad * k);
  const zeros = layout.take(4 * mPad);
  const biasBuf = layout.take(4 * mPad);
  const v = layout.take(4 * 16 * k * cols8);
  const mBuf = layout.take(4 * 16 * mPad * cols8);
  const out = layout.take(4 * m * 2 * tb * outRow);
  kern.reserve(layout.bytes);
  const f32 = kern.f32;

  // U, per ξ: K blocks of kc rows, each mPad/4 panels of kb × 4 floats (gemm's A). Panel, k, then
  // the panel's 4 rows: each ξ's panels are written in order (16 streams, not scattered stores).
  f32.fill(0, a >>> 2, (a >>> 2) + 16 * mPad * k);
  for (let k0 = 0; k0 < k; k0 += kc) {
    const kb = Math.min(kc, k - k0);
    const block = (a >>> 2) + mPad * k0;
    for (let o0 = 0; o0 < m; o0 += 4) {
      for (let kk = 0; kk < kb; kk++) {
        const s = Math.floor((k0 + kk) / cin), ci = (k0 + kk) % cin;
        const dy = 3 * Math.floor(s / sx), dx = 3 * (s % sx);
        for (let o = o0; o < Math.min(o0 + 4, m); o++) {
          transformWeights(w, (o * cin + ci) * kh * kw, kh, kw, dy, dx, f32, block + o0 * kb + 4 * kk + o - o0, mPad * k);
        }
      }
    }
  }
  f32.fill(0, zeros >>> 2, (zeros >>> 2) + mPad);
  for (let o = 0; o < mPad; o++) f32[(biasBuf >>> 2) + o] = bias !== null && o < m ? bias[o] : 0;

  const planeStep = 4 * 2 * hp * wq; // one channel: phase 0 then phase 1
  const rowStep = 4 * wq;
  const pads = { padded: true, hp, wp };
  for (let n = 0; n < info.batch; n++) {
    loadPadded(kern, info, pads, stage, wide, x, n);
    kern.phases2(img, wide, cin, hp, wp, wq);
    for (let t0 = 0; t0 < th; t0 += tb) {
      const rows = Math.min(tb, th - t0);
      const n8 = Math.ceil((rows * tw4) / 8) * 8; // gemm columns: tiles of the block, row by row
      const vXi = 4 * k * n8;
      const mXi = 4 * mPad * n8;
      for (let k0 = 0; k0 < k; k0 += kc) {
        const kb = Math.min(kc, k - k0);
        // The subs (and their channels) whose rows of K fall in this block.
        for (let s = Math.floor(k0 / cin); s * cin < k0 + kb; s++) {
          const c0 = Math.max(0, k0 - s * cin), c1 = Math.min(cin, k0 + kb - s * cin);
          const dy = 3 * Math.floor(s / sx), dx = 3 * (s % sx);
          // Patch column j of tile tx is image column 2·tx + dx + j: phase (dx + j) mod 2.
          const p0 = 4 * ((dx % 2) * hp * wq + (dx >> 1));
          const p1 = 4 * (((dx + 1) % 2) * hp * wq + ((dx + 1) >> 1));
          const dst = v + 4 * k0 * n8 + 32 * (s * cin + c0 - k0);
          for (let r = 0; r < rows; r++) {
            const src = img + c0 * planeStep + (2 * (t0 + r) + dy) * rowStep;
            kern.winoIn(dst, src + p0, src + p1, c1 - c0, planeStep, rowStep, tw4 / 4, r * tw4, 32 * kb, vXi);
          }
        }
      }
      for (let xi = 0; xi < 16; xi++) {
        for (let k0 = 0; k0 < k; k0 += kc) {
          const kb = Math.min(kc, k - k0);
          kern.gemm(a + 4 * (xi * mPad * k + mPad * k0), v + xi * vXi + 4 * k0 * n8, kb, mPad / 4, n8 / 8, mBuf + xi * mXi, 4 * n8, zeros, k0 === 0 ? 1 : 0);
        }
      }
      const outPlane = 4 * 2 * tb * outRow;
      for (let r = 0; r < rows; r++) {
        kern.winoOut(out + r * 2 * 4 * outRow, mBuf + 4 * r * tw4, biasBuf, m, 4 * n8, mXi, tw4 / 4, outPlane, 4 * outRow);
      }
      const y0 = 2 * t0;
      const y1 = Math.min(oh, 2 * (t0 + rows));
      for (let o = 0; o < m; o++) {
        const plane = (out >>> 2) + o * 2 * tb * outRow;
        const yBase = ((n * m + o) * oh) * ow;
        if (outRow === ow) {
          y.set(f32.subarray(plane, plane + (y1 - y0) * ow), yBase + y0 * ow); // rows back to back: one copy
        } else {
          for (let yy = y0; yy < y1; yy++) {
            const from = plane + (yy - y0) * outRow;
            y.set(f32.subarray(from, from + ow), yBase + yy * ow);
          }
        }
      }
    }
  }
}
