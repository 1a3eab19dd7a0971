/**
 * conv2d as an implicit GEMM per image and group: Y[C_out/g × H_out·W_out] = W[C_out/g × K] ·
 * im2col(X)[K × H_out·W_out], K = C_in/g·kH·kW. Weights are packed into 4-row panels per call
 * (cheap next to the product). The im2col matrix is never built whole; work goes block by block
 * into a C block that is then copied to y, in one of two ways:
 * - packed: a block of at most KC rows × NC output pixels is packed into 8-column panels;
 * - rows (stride 1 along the width): no packing at all, the kernel reads 8 neighbouring inputs
 *   per row of K straight from the padded image (one extra load per k for the offset), a block
 *   being whole output rows, each padded to a multiple of 8. Measured: better than packing unless
 *   that padding wastes more than 1/16 of the work, or the kernel is 1×1 (rows of K are then whole
 *   channels apart, which the cache likes less than packed panels); always better when C_out is
 *   small, as packing then costs about as much as the product. A conv with a stride along the
 *   width runs in rows mode too, on its image split into column phases: phase p of a row holds
 *   columns p, p + s, p + 2s, … so the 8 neighbouring outputs of a tap read 8 neighbouring floats
 *   of one phase (W3, the 7×7/2 stem, no longer packs 147 rows of K per pixel).
 * Extra memory: one padded image, the packed weights and the blocks.
 */
import type { ConvInfo } from '../convInfo';
import { HeapLayout, type Kernels, type SimdKernels } from './kernels';

/** K rows per block: a 4×KC A panel (4 KiB) and an 8×KC B panel (8 KiB) share L1. */
const KC = 256;
/** Bytes of the packed B block and of the C block (each well inside L2). */
const B_BYTES = 192 * 1024;
const C_BYTES = 192 * 1024;
/** From this width a padded image is copied row by row into place (measured on W3, W7). */
const WIDE_ROW = 128;
/** Up to this many output channels per group, rows mode unless rows are under 4 wide (W7: 8). */
const FEW_CHANNELS = 16;

export interface GemmPlan {
  readonly k: number; // rows of the im2col matrix
  readonly kc: number; // K rows per block (the last block may be shorter)
  readonly mPad: number; // output channels per group, rounded up to 4
  readonly hp: number; // padded image height and width
  readonly wp: number;
  readonly padded: boolean;
  readonly rows: boolean; // rows mode (see above), else packed
  readonly phases: number; // column phases of the image as laid out (rows mode: the width stride, else 1)
  readonly wq: number; // floats per row of one phase (wp when phases is 1)
  readonly units: number; // work units: output rows (rows mode) or output pixels (packed)
  readonly unitsPerBlock: number;
  readonly rowPad: number; // rows mode: floats per output row in the C block (a multiple of 8)
  readonly ldc: number; // floats between the C block's channel rows
  readonly bBytes: number; // packed B block (0 in rows mode)
}

/**
 * `blocksWanted`: split the units into at least this many blocks (threads share blocks out).
 * `phases`: column phases allowed (the TypeScript kernels stay packed with a stride along the
 * width: their rows mode packs a panel per tile anyway, and W3 lost ~3% there).
 */
export function planGemm(info: ConvInfo, blocksWanted = 1, phases = true): GemmPlan {
  const k = info.inChannelsPerGroup * info.kernelHeight * info.kernelWidth;
  const kc = Math.ceil(k / Math.ceil(k / KC));
  const mPad = Math.ceil(info.outChannelsPerGroup / 4) * 4;
  const padded = info.padTop + info.padBottom + info.padLeft + info.padRight > 0;
  const hp = info.inHeight + info.padTop + info.padBottom;
  const wp = info.inWidth + info.padLeft + info.padRight;
  const rowPad = ceil8(info.outWidth);
  const pointwise = info.kernelHeight === 1 && info.kernelWidth === 1;
  const waste = rowPad / info.outWidth; // work per useful output in rows mode
  if ((info.strideWidth === 1 || phases) && (mPad <= FEW_CHANNELS ? waste <= 2 : !pointwise && waste <= 16 / 15)) {
    const phases = info.strideWidth;
    const wq = Math.ceil(wp / phases);
    const perBlock = Math.max(1, Math.min(Math.ceil(info.outHeight / blocksWanted), Math.floor(C_BYTES / (4 * mPad * rowPad))));
    return { k, kc, mPad, hp, wp, padded, rows: true, phases, wq, units: info.outHeight, unitsPerBlock: perBlock, rowPad, ldc: perBlock * rowPad, bBytes: 0 };
  }
  const pixels = info.outHeight * info.outWidth;
  const nc = Math.max(8, Math.min(ceil8(pixels / blocksWanted), floor8(B_BYTES / (4 * kc)), floor8(C_BYTES / (4 * mPad))));
  return { k, kc, mPad, hp, wp, padded, rows: false, phases: 1, wq: wp, units: pixels, unitsPerBlock: nc, rowPad, ldc: nc, bBytes: 4 * kc * nc };
}

function floor8(n: number): number {
  return Math.floor(n / 8) * 8;
}

function ceil8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/** Byte offsets of the buffers every block reads. */
export interface GemmBuffers {
  koff: number; // i32 per K row: its byte offset in the padded image from the window's corner
  bias: number;
  a: number; // packed weights
  stage: number; // one image as given
  wide: number; // the same, padded, before a split into column phases (= stage without padding)
  img: number; // the image the kernels read: padded, split into column phases (= stage if neither)
}

/** One thread's scratch: the packed B block, the C block, 8 i32 for the packer. */
export interface GemmScratch {
  b: number;
  c: number;
  cols: number;
}

export function layoutGemm(info: ConvInfo, plan: GemmPlan, layout: HeapLayout): GemmBuffers {
  const stage = layout.take(4 * info.inChannels * info.inHeight * info.inWidth);
  const wide = plan.phases > 1 && plan.padded ? layout.take(4 * info.inChannels * plan.hp * plan.wp) : stage;
  return {
    wide,
    koff: layout.take(4 * plan.k),
    bias: layout.take(4 * info.groups * plan.mPad),
    a: layout.take((plan.rows ? 5 : 4) * info.groups * plan.mPad * plan.k), // panelStep 20 or 16 bytes per k and 4 rows
    stage,
    img: plan.padded || plan.phases > 1 ? layout.take(4 * info.inChannels * plan.phases * plan.hp * plan.wq) : stage,
  };
}

export function layoutScratch(plan: GemmPlan, layout: HeapLayout): GemmScratch {
  return { b: layout.take(plan.bBytes), c: layout.take(4 * plan.mPad * plan.ldc), cols: layout.take(32) };
}

/** Bytes per k of a packed 4-row weight panel: 20 where rows mode reads koff[k] from it (see Kernels.convRows). */
export function panelStep(kern: Kernels, plan: GemmPlan): number {
  return plan.rows && kern.offsetsInA ? 20 : 16;
}

/** Fills the row offsets, the packed weights and the bias (after `reserve`). */
export function fillGemm(kern: Kernels, info: ConvInfo, plan: GemmPlan, buf: GemmBuffers, w: Float32Array, bias: Float32Array | null): void {
  const { kernelHeight: kh, kernelWidth: kw, groups } = info;
  const m = info.outChannelsPerGroup;
  const { k, kc, mPad, hp, phases, wq } = plan;
  const i32 = kern.i32;
  const f32 = kern.f32;
  // Row k = (ci, i, j) reads the image at (ci, i·dilation, j·dilation) from the window's corner:
  // column j·dilation is column ⌊j·dilation / phases⌋ of phase (j·dilation mod phases).
  let r = buf.koff >>> 2;
  for (let ci = 0; ci < info.inChannelsPerGroup; ci++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const col = j * info.dilationWidth;
        const p = col % phases;
        i32[r++] = 4 * (((ci * phases + p) * hp + i * info.dilationHeight) * wq + (col - p) / phases);
      }
    }
  }
  // Weights of group g, row o, are w[(g·m + o)·k + kk]; packed by K block, then 4-row panel, k-major.
  // One weight row at a time, read in order and written with a stride of 4 or 5 (a quarter of
  // the index arithmetic of element by element; W2 packs 250,000 weights per call).
  const step = panelStep(kern, plan) >>> 2; // floats per k: the 4 weights, after koff[k] if 5
  const lead = step - 4;
  const koff = buf.koff >>> 2;
  let d = buf.a >>> 2;
  for (let g = 0; g < groups; g++) {
    for (let k0 = 0; k0 < k; k0 += kc) {
      const kb = Math.min(kc, k - k0);
      for (let o0 = 0; o0 < mPad; o0 += 4) {
        if (lead) for (let kk = 0; kk < kb; kk++) i32[d + kk * step] = i32[koff + k0 + kk];
        for (let o = o0; o < o0 + 4; o++) {
          let at = d + lead + (o - o0);
          if (o < m) {
            for (let kk = k0, from = (g * m + o) * k + k0; kk < k0 + kb; kk++, at += step) f32[at] = w[from++];
          } else {
            for (let kk = 0; kk < kb; kk++, at += step) f32[at] = 0;
          }
        }
        d += step * kb;
      }
    }
  }
  let bp = buf.bias >>> 2;
  for (let g = 0; g < groups; g++) {
    for (let o = 0; o < mPad; o++) f32[bp++] = bias !== null && o < m ? bias[g * m + o] : 0;
  }
}

/** Copies image n of x into the heap and pads it (zeros) when the conv has padding. */
export function loadImage(kern: Kernels, info: ConvInfo, plan: GemmPlan, buf: GemmBuffers, x: Float32Array, n: number): void {
  const { inChannels: c, inHeight: h, inWidth: w } = info;
  const size = c * h * w;
  if (plan.phases === 2 && kern.simd) {
    // Stride 2 along the width: the padded image, then its columns split with vector shuffles.
    loadPadded(kern, info, plan, buf.stage, buf.wide, x, n);
    (kern as SimdKernels).phases2(buf.img, buf.wide, c, plan.hp, plan.wp, plan.wq);
  } else if (plan.phases > 1) {
    // Column phases (rows mode with a stride along the width), padding included.
    const { hp, phases, wq } = plan;
    const f32 = kern.f32;
    const top = info.padTop, left = info.padLeft;
    let d = buf.img >>> 2;
    for (let ch = 0; ch < c; ch++) {
      const plane = n * size + ch * h * w;
      for (let p = 0; p < phases; p++) {
        for (let r = 0; r < hp; r++) {
          const ir = r - top;
          if (ir < 0 || ir >= h) {
            f32.fill(0, d, d + wq);
            d += wq;
            continue;
          }
          const from = plane + ir * w;
          for (let q = 0, ic = p - left; q < wq; q++, ic += phases) f32[d++] = ic >= 0 && ic < w ? x[from + ic] : 0;
        }
      }
    }
  } else {
    loadPadded(kern, info, plan, buf.stage, buf.img, x, n);
  }
}

/** Image n of x, padded with zeros, at `dst` (hp×wp planes); `stage` (= dst without padding) may be used on the way. */
export function loadPadded(kern: Kernels, info: ConvInfo, plan: Pick<GemmPlan, 'padded' | 'hp' | 'wp'>, stage: number, dst: number, x: Float32Array, n: number): void {
  const { inChannels: c, inHeight: h, inWidth: w } = info;
  const size = c * h * w;
  if (!plan.padded) {
    kern.f32.set(x.subarray(n * size, (n + 1) * size), stage >>> 2);
  } else if (w >= WIDE_ROW) {
    // Wide rows: one copy per row straight into place beats copying everything twice.
    const f32 = kern.f32;
    const { hp, wp } = plan;
    for (let ch = 0; ch < c; ch++) {
      let at = (dst >>> 2) + ch * hp * wp + info.padTop * wp + info.padLeft;
      for (let r = 0, from = n * size + ch * h * w; r < h; r++, from += w, at += wp) f32.set(x.subarray(from, from + w), at);
    }
    kern.borders(dst, c, h, w, hp, wp, info.padTop, info.padLeft, 0);
  } else {
    kern.f32.set(x.subarray(n * size, (n + 1) * size), stage >>> 2);
    kern.pad(dst, stage, c, h, w, plan.hp, plan.wp, info.padTop, info.padLeft, 0);
  }
}

/** Receives `count` floats of output channel o (within the group) for output pixels from `pixel`, at heap float index `from`. */
export type Emit = (o: number, pixel: number, from: number, count: number) => void;

/** Computes work units [u0, u1) of group g for the loaded image, block by block, emitting each C block. */
export function gemmUnits(kern: Kernels, info: ConvInfo, plan: GemmPlan, buf: GemmBuffers, g: number, u0: number, u1: number, s: GemmScratch, emit: Emit): void {
  const { k, kc, mPad, hp, wq, rowPad, ldc } = plan;
  const m = info.outChannelsPerGroup;
  const ow = info.outWidth;
  const img = buf.img + 4 * g * info.inChannelsPerGroup * plan.phases * hp * wq;
  const aStep = panelStep(kern, plan);
  const a = buf.a + g * (mPad / 4) * k * aStep;
  const bias = buf.bias + 4 * g * mPad;
  const rowStep = 4 * info.strideHeight * wq;
  const c = s.c >>> 2;
  for (let u = u0; u < u1; u += plan.unitsPerBlock) {
    const count = Math.min(plan.unitsPerBlock, u1 - u);
    for (let k0 = 0; k0 < k; k0 += kc) {
      const kb = Math.min(kc, k - k0);
      const first = k0 === 0 ? 1 : 0;
      if (plan.rows) {
        for (let r = 0; r < count; r++) {
          kern.convRows(a + (mPad / 4) * k0 * aStep, img + (u + r) * rowStep, buf.koff + 4 * k0, kb, mPad / 4, rowPad / 8, s.c + 4 * r * rowPad, 4 * ldc, bias, first);
        }
      } else {
        kern.packB(s.b, img, buf.koff + 4 * k0, kb, u, count, ow, rowStep, 4 * info.strideWidth, s.cols);
        kern.gemm(a + (mPad / 4) * k0 * aStep, s.b, kb, mPad / 4, Math.ceil(count / 8), s.c, 4 * ldc, bias, first);
      }
    }
    for (let o = 0; o < m; o++) {
      if (!plan.rows) emit(o, u, c + o * ldc, count);
      else if (rowPad === ow) emit(o, u * ow, c + o * ldc, count * ow);
      else for (let r = 0; r < count; r++) emit(o, (u + r) * ow, c + o * ldc + r * rowPad, ow);
    }
  }
}

/** The whole conv on one thread. */
export function convGemm(kern: Kernels, info: ConvInfo, x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array): void {
  const plan = planGemm(info, 1, kern.simd);
  const layout = new HeapLayout();
  const buf = layoutGemm(info, plan, layout);
  const scratch = layoutScratch(plan, layout);
  kern.reserve(layout.bytes);
  fillGemm(kern, info, plan, buf, w, bias);
  const pixels = info.outHeight * info.outWidth;
  const m = info.outChannelsPerGroup;
  const f32 = kern.f32;
  for (let n = 0; n < info.batch; n++) {
    loadImage(kern, info, plan, buf, x, n);
    for (let g = 0; g < info.groups; g++) {
      const yBase = (n * info.outChannels + g * m) * pixels;
      gemmUnits(kern, info, plan, buf, g, 0, plan.units, scratch, (o, pixel, from, count) => {
        y.set(f32.subarray(from, from + count), yBase + o * pixels + pixel);
      });
    }
  }
}
