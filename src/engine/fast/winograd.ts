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
 * What Winograd must know of an input first. Its transforms add and subtract the values of a
 * window, so an inf can come out NaN where the definition gives ±inf (such inputs take the direct
 * path). And a kernel that is not a whole number of 3×3 subs is padded with zero taps, which do not
 * cancel exactly: a window of zeros (as after a ReLU) would come out as the bias plus the rounding
 * of its neighbours' terms; `restoreZeroWindows` sets those back to the bias, as PyTorch prints them.
 */
export const enum WinogradInput {
  NonFinite,
  HasZeros,
  Plain,
}

export function checkWinogradInput(x: Float32Array): WinogradInput {
  // In float64 a product of four float32 values can neither overflow nor underflow, so it is 0
  // exactly when one of them is 0, and p·0 is NaN exactly when one is ±inf or NaN (±0 otherwise).
  // Eight values a step as two such products: 0.27–0.29 ms for W2's 409,600 floats (a product of
  // two a step: 0.4 ms).
  let poison = 0, zeros = false;
  const end = x.length & ~7;
  for (let i = 0; i < end; i += 8) {
    const p = x[i] * x[i + 1] * x[i + 2] * x[i + 3];
    const q = x[i + 4] * x[i + 5] * x[i + 6] * x[i + 7];
    poison += p * 0 + q * 0;
    if (p === 0 || q === 0) zeros = true;
  }
  for (let i = end; i < x.length; i++) {
    poison += x[i] * 0;
    if (x[i] === 0) zeros = true;
  }
  if (poison !== 0) return WinogradInput.NonFinite;
  return zeros ? WinogradInput.HasZeros : WinogradInput.Plain;
}

/** Outputs whose window reads only zeros (image or padding) become exactly the bias. */
export function restoreZeroWindows(info: ConvInfo, x: Float32Array, bias: Float32Array | null, y: Float32Array): void {
  const { inChannels: cin, inHeight: h, inWidth: w, outChannels: m, outHeight: oh, outWidth: ow, kernelHeight: kh, kernelWidth: kw, padTop, padLeft } = info;
  const plane = h * w;
  const nonzero = new Uint8Array(plane);
  // Prefix sums of the pixels where some channel is not zero: a window's count in four reads.
  const sums = new Int32Array((h + 1) * (w + 1));
  const count = (r0: number, r1: number, c0: number, c1: number) =>
    sums[r1 * (w + 1) + c1] - sums[r0 * (w + 1) + c1] - sums[r1 * (w + 1) + c0] + sums[r0 * (w + 1) + c0];
  for (let n = 0; n < info.batch; n++) {
    nonzero.fill(0);
    for (let c = 0; c < cin; c++) {
      const base = (n * cin + c) * plane;
      for (let p = 0; p < plane; p++) if (x[base + p] !== 0) nonzero[p] = 1;
    }
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        sums[(i + 1) * (w + 1) + j + 1] = nonzero[i * w + j] + sums[i * (w + 1) + j + 1] + sums[(i + 1) * (w + 1) + j] - sums[i * (w + 1) + j];
      }
    }
    for (let oy = 0; oy < oh; oy++) {
      const r0 = Math.max(0, oy - padTop), r1 = Math.min(h, oy - padTop + kh);
      for (let ox = 0; ox < ow; ox++) {
        const c0 = Math.max(0, ox - padLeft), c1 = Math.min(w, ox - padLeft + kw);
        if (r0 < r1 && c0 < c1 && count(r0, r1, c0, c1) > 0) continue;
        for (let o = 0; o < m; o++) y[((n * m + o) * oh + oy) * ow + ox] = bias !== null ? bias[o] + 0 : 0; // + 0: a −0 bias plus +0 terms
      }
    }
  }
}

/**
 * U = G·g·Gᵀ, G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1], of the 3×3 block of taps of weight row `from`
 * (kh×kw floats) at (dy, dx), taps outside the kernel 0; element ξ = 4·r + s goes to u[at + ξ·step].
 * The scalar form of the wino_weights kernel, for a last group of fewer than 4 output channels.
 */
function transformWeights(w: Float32Array, from: number, kh: number, kw: number, dy: number, dx: number, u: Float32Array, at: number, step: number): void {
  const tap = (i: number, j: number) => (dy + i < kh && dx + j < kw ? w[from + (dy + i) * kw + dx + j] : 0);
  // Columns of G·g (4 rows each), then U's rows from them, in float64 as the kernel does.
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

export interface WinogradPlan {
  readonly sx: number; // 3×3 subs across the kernel's width
  readonly k: number; // rows of K: row k is input channel k mod C_in of sub ⌊k / C_in⌋
  readonly kc: number; // rows of K per block
  readonly mPad: number; // output channels rounded up to 4
  readonly th: number; // tile rows
  readonly tw4: number; // tiles per row, a multiple of 4
  readonly hp: number; // padded image rows, and floats per row of one column phase
  readonly wq: number;
  readonly tb: number; // tile rows per block (a thread's task)
  readonly cols8: number; // gemm columns of a full block
  readonly outRow: number; // floats per output row in the out block
}

/** `blocksWanted`: split the tile rows into at least this many blocks (threads share them out). */
export function planWinograd(info: ConvInfo, blocksWanted = 1): WinogradPlan {
  const { inChannels: cin, outChannels: m, outHeight: oh, outWidth: ow, kernelHeight: kh, kernelWidth: kw } = info;
  const sy = Math.ceil(kh / 3), sx = Math.ceil(kw / 3);
  const k = sy * sx * cin;
  const mPad = Math.ceil(m / 4) * 4;
  const th = Math.ceil(oh / 2);
  const tw4 = Math.ceil(ow / 8) * 4;
  const perTileRow = 16 * 4 * (k + mPad) * tw4;
  const tb = Math.max(1, Math.min(Math.ceil(th / blocksWanted), Math.floor(BLOCK_BYTES / perTileRow)));
  return {
    sx, k, kc: Math.ceil(k / Math.ceil(k / KC)), mPad, th, tw4,
    // The padded image covers every patch of every tile, the padding ones included.
    hp: 2 * th + 3 * sy, wq: tw4 + 2 * sx,
    tb, cols8: Math.ceil((tb * tw4) / 8) * 8, outRow: 2 * tw4,
  };
}

/** Byte offsets of the buffers every block reads. */
export interface WinogradBuffers {
  stage: number; // one image as given
  wide: number; // the same, padded
  img: number; // padded and split into 2 column phases
  weights: number; // the weights as given, for the transform
  u: number; // transformed weights: per ξ, gemm's A panels
  zeros: number; // a zero bias for the products
  bias: number;
}

/** One thread's scratch: V and M of a block, and its outputs. */
export interface WinogradScratch {
  v: number;
  m: number;
  out: number;
}

export function layoutWinograd(info: ConvInfo, plan: WinogradPlan, layout: HeapLayout): WinogradBuffers {
  const { inChannels: cin, inHeight: h, inWidth: wd } = info;
  const imgBytes = 4 * cin * plan.hp * 2 * plan.wq;
  return {
    stage: layout.take(4 * cin * h * wd),
    wide: layout.take(imgBytes),
    img: layout.take(imgBytes),
    weights: layout.take(4 * info.outChannels * cin * info.kernelHeight * info.kernelWidth),
    u: layout.take(4 * 16 * plan.mPad * plan.k),
    zeros: layout.take(4 * plan.mPad),
    bias: layout.take(4 * plan.mPad),
  };
}

export function layoutWinogradScratch(info: ConvInfo, plan: WinogradPlan, layout: HeapLayout): WinogradScratch {
  return {
    v: layout.take(4 * 16 * plan.k * plan.cols8),
    m: layout.take(4 * 16 * plan.mPad * plan.cols8),
    out: layout.take(4 * info.outChannels * 2 * plan.tb * plan.outRow),
  };
}

/**
 * Transforms the weights (gemm's A panels per ξ) and fills the bias (after `reserve`). Whole
 * groups of 4 output channels go through the SIMD kernel, a run of input channels of one sub per
 * call; a last partial group takes the scalar transform (W2: 1.6 ms of scalar code before).
 */
export function fillWinograd(kern: SimdKernels, info: ConvInfo, plan: WinogradPlan, buf: WinogradBuffers, w: Float32Array, bias: Float32Array | null): void {
  const { inChannels: cin, outChannels: m, kernelHeight: kh, kernelWidth: kw } = info;
  const { sx, k, kc, mPad } = plan;
  const f32 = kern.f32;
  f32.set(w, buf.weights >>> 2);
  // Per ξ: K blocks of kc rows, each mPad/4 panels of kb × 4 floats (a panel's k holds 4 channels).
  if (mPad !== m) f32.fill(0, buf.u >>> 2, (buf.u >>> 2) + 16 * mPad * k); // the partial group's missing channels
  const taps = kh * kw;
  for (let k0 = 0; k0 < k; k0 += kc) {
    const kb = Math.min(kc, k - k0);
    const block = (buf.u >>> 2) + mPad * k0;
    for (let o0 = 0; o0 < m; o0 += 4) {
      // Rows k0 … k0 + kb of K in runs of one sub each (row k: channel k mod C_in of sub ⌊k / C_in⌋).
      for (let kk = 0; kk < kb; ) {
        const s = Math.floor((k0 + kk) / cin), ci = (k0 + kk) % cin;
        const run = Math.min(kb - kk, cin - ci);
        const dy = 3 * Math.floor(s / sx), dx = 3 * (s % sx);
        const at = block + o0 * kb + 4 * kk;
        if (o0 + 4 <= m) {
          const src = buf.weights + 4 * ((o0 * cin + ci) * taps + dy * kw + dx);
          kern.winoWeights(4 * at, src, run, 4 * cin * taps, 4 * taps, 4 * kw, Math.min(3, kh - dy), Math.min(3, kw - dx), 4 * mPad * k);
        } else {
          for (let r = 0; r < run; r++) {
            for (let o = o0; o < m; o++) transformWeights(w, (o * cin + ci + r) * taps, kh, kw, dy, dx, f32, at + 4 * r + o - o0, mPad * k);
          }
        }
        kk += run;
      }
    }
  }
  f32.fill(0, buf.zeros >>> 2, (buf.zeros >>> 2) + mPad);
  for (let o = 0; o < mPad; o++) f32[(buf.bias >>> 2) + o] = bias !== null && o < m ? bias[o] : 0;
}

/** Copies image n of x into the heap, padded and split into column phases. */
export function loadWinogradImage(kern: SimdKernels, info: ConvInfo, plan: WinogradPlan, buf: WinogradBuffers, x: Float32Array, n: number): void {
  const wp = 2 * plan.wq;
  loadPadded(kern, info, { padded: true, hp: plan.hp, wp }, buf.stage, buf.wide, x, n);
  kern.phases2(buf.img, buf.wide, info.inChannels, plan.hp, wp, plan.wq);
}

/**
 * Computes tile rows [t0, t0 + tb) of the loaded image; `emit(o, pixel, from, count)` receives
 * `count` outputs of channel o from output pixel `pixel` at heap float index `from`.
 */
export function winogradBlock(kern: SimdKernels, info: ConvInfo, plan: WinogradPlan, buf: WinogradBuffers, s: WinogradScratch, t0: number, emit: (o: number, pixel: number, from: number, count: number) => void): void {
  const { inChannels: cin, outChannels: m, outHeight: oh, outWidth: ow } = info;
  const { sx, k, kc, mPad, th, tw4, hp, wq, tb, outRow } = plan;
  const planeStep = 4 * 2 * hp * wq; // one channel: phase 0 then phase 1
  const rowStep = 4 * wq;
  const rows = Math.min(tb, th - t0);
  const n8 = Math.ceil((rows * tw4) / 8) * 8; // gemm columns: tiles of the block, row by row
  const vXi = 4 * k * n8;
  const mXi = 4 * mPad * n8;
  for (let k0 = 0; k0 < k; k0 += kc) {
    const kb = Math.min(kc, k - k0);
    // The subs (and their channels) whose rows of K fall in this block.
    for (let sub = Math.floor(k0 / cin); sub * cin < k0 + kb; sub++) {
      const c0 = Math.max(0, k0 - sub * cin), c1 = Math.min(cin, k0 + kb - sub * cin);
      const dy = 3 * Math.floor(sub / sx), dx = 3 * (sub % sx);
      // Patch column j of tile tx is image column 2·tx + dx + j: phase (dx + j) mod 2.
      const p0 = 4 * ((dx % 2) * hp * wq + (dx >> 1));
      const p1 = 4 * (((dx + 1) % 2) * hp * wq + ((dx + 1) >> 1));
      const dst = s.v + 4 * k0 * n8 + 32 * (sub * cin + c0 - k0);
      for (let r = 0; r < rows; r++) {
        const src = buf.img + c0 * planeStep + (2 * (t0 + r) + dy) * rowStep;
        kern.winoIn(dst, src + p0, src + p1, c1 - c0, planeStep, rowStep, tw4 / 4, r * tw4, 32 * kb, vXi);
      }
    }
  }
  for (let xi = 0; xi < 16; xi++) {
    for (let k0 = 0; k0 < k; k0 += kc) {
      const kb = Math.min(kc, k - k0);
      kern.gemm(buf.u + 4 * (xi * mPad * k + mPad * k0), s.v + xi * vXi + 4 * k0 * n8, kb, mPad / 4, n8 / 8, s.m + xi * mXi, 4 * n8, buf.zeros, k0 === 0 ? 1 : 0);
    }
  }
  const outPlane = 4 * 2 * tb * outRow;
  for (let r = 0; r < rows; r++) {
    kern.winoOut(s.out + r * 2 * 4 * outRow, s.m + 4 * r * tw4, buf.bias, m, 4 * n8, mXi, tw4 / 4, outPlane, 4 * outRow);
  }
  const y0 = 2 * t0;
  const y1 = Math.min(oh, 2 * (t0 + rows));
  for (let o = 0; o < m; o++) {
    const plane = (s.out >>> 2) + o * 2 * tb * outRow;
    if (outRow === ow) {
      emit(o, y0 * ow, plane, (y1 - y0) * ow); // rows back to back: one piece
    } else {
      for (let yy = y0; yy < y1; yy++) emit(o, yy * ow, plane + (yy - y0) * outRow, ow);
    }
  }
}

/** The whole conv on one thread. */
export function convWinograd(kern: SimdKernels, info: ConvInfo, x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array): void {
  const plan = planWinograd(info);
  const layout = new HeapLayout();
  const buf = layoutWinograd(info, plan, layout);
  const scratch = layoutWinogradScratch(info, plan, layout);
  kern.reserve(layout.bytes);
  fillWinograd(kern, info, plan, buf, w, bias);
  const pixels = info.outHeight * info.outWidth;
  const f32 = kern.f32;
  for (let n = 0; n < info.batch; n++) {
    loadWinogradImage(kern, info, plan, buf, x, n);
    const yBase = n * info.outChannels * pixels;
    for (let t0 = 0; t0 < plan.th; t0 += plan.tb) {
      winogradBlock(kern, info, plan, buf, scratch, t0, (o, pixel, from, count) => y.set(f32.subarray(from, from + count), yBase + o * pixels + pixel));
    }
  }
}
