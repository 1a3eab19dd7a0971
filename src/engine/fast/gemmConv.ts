/**
 * conv2d as an implicit GEMM per image and group: Y[C_out/g × H_out·W_out] = W[C_out/g × K] ·
 * im2col(X)[K × H_out·W_out], K = C_in/g·kH·kW. Weights are packed into 4-row panels per call
 * (cheap next to the product); the im2col matrix is never built whole: a block of at most
 * KC rows × NC columns is packed into 8-column panels, multiplied into a C block, and the C block
 * is copied to y. Extra memory: one padded image, the packed weights and the two blocks.
 */
import type { ConvInfo } from '../convInfo';
import { HeapLayout, type Kernels } from './kernels';

/** K rows per block: a 4×KC A panel (4 KiB) and an 8×KC B panel (8 KiB) share L1. */
const KC = 256;
/** Bytes of the packed B block and of the C block (each well inside L2). */
const B_BYTES = 192 * 1024;
const C_BYTES = 192 * 1024;

export interface GemmPlan {
  readonly k: number; // rows of the im2col matrix
  readonly kc: number; // rows per block (the last block may be shorter)
  readonly mPad: number; // output channels per group, rounded up to 4
  readonly nc: number; // columns per block, a multiple of 8
  readonly hp: number;
  readonly wp: number;
  readonly padded: boolean;
}

export function planGemm(info: ConvInfo): GemmPlan {
  const k = info.inChannelsPerGroup * info.kernelHeight * info.kernelWidth;
  const kc = Math.ceil(k / Math.ceil(k / KC));
  const mPad = Math.ceil(info.outChannelsPerGroup / 4) * 4;
  const columns = info.outHeight * info.outWidth;
  const nc = Math.max(8, Math.min(Math.ceil(columns / 8) * 8, floor8(B_BYTES / (4 * kc)), floor8(C_BYTES / (4 * mPad))));
  const padded = info.padTop + info.padBottom + info.padLeft + info.padRight > 0;
  return {
    k, kc, mPad, nc, padded,
    hp: info.inHeight + info.padTop + info.padBottom,
    wp: info.inWidth + info.padLeft + info.padRight,
  };
}

function floor8(n: number): number {
  return Math.floor(n / 8) * 8;
}

/** Byte offsets of the buffers one call uses. */
export interface GemmBuffers {
  koff: number;
  cols: number;
  bias: number;
  a: number;
  stage: number;
  img: number;
}

/** Lays out what every block reads: row offsets, packed weights, bias, the image. */
export function prepareGemm(info: ConvInfo, plan: GemmPlan, layout: HeapLayout): GemmBuffers {
  const { groups, inChannels, inHeight, inWidth } = info;
  const buffers: GemmBuffers = {
    koff: layout.take(4 * plan.k),
    cols: layout.take(32),
    bias: layout.take(4 * groups * plan.mPad),
    a: layout.take(4 * groups * plan.mPad * plan.k),
    stage: layout.take(4 * inChannels * inHeight * inWidth),
    img: 0,
  };
  buffers.img = plan.padded ? layout.take(4 * inChannels * plan.hp * plan.wp) : buffers.stage;
  return buffers;
}

/** Fills the row offsets, the packed weights and the bias (after `reserve`). */
export function fillGemm(kern: Kernels, info: ConvInfo, plan: GemmPlan, buf: GemmBuffers, w: Float32Array, bias: Float32Array | null): void {
  const { kernelHeight: kh, kernelWidth: kw, groups } = info;
  const m = info.outChannelsPerGroup;
  const { k, kc, mPad, wp, hp } = plan;
  const i32 = kern.i32;
  const f32 = kern.f32;
  // Row k = (ci, i, j) reads the image at (ci, i·dilation, j·dilation) from the window's corner.
  let r = buf.koff >> 2;
  for (let ci = 0; ci < info.inChannelsPerGroup; ci++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) i32[r++] = 4 * (ci * hp * wp + i * info.dilationHeight * wp + j * info.dilationWidth);
    }
  }
  // Weights of group g, row o, are w[(g·m + o)·k + kk]; packed by K block, then 4-row panel, k-major.
  let d = buf.a >> 2;
  for (let g = 0; g < groups; g++) {
    for (let k0 = 0; k0 < k; k0 += kc) {
      const kb = Math.min(kc, k - k0);
      for (let o0 = 0; o0 < mPad; o0 += 4) {
        for (let kk = k0; kk < k0 + kb; kk++) {
          for (let o = o0; o < o0 + 4; o++) f32[d++] = o < m ? w[(g * m + o) * k + kk] : 0;
        }
      }
    }
  }
  let bp = buf.bias >> 2;
  for (let g = 0; g < groups; g++) {
    for (let o = 0; o < mPad; o++) f32[bp++] = bias !== null && o < m ? bias[g * m + o] : 0;
  }
}

/** Copies image n of x into the heap and pads it (zeros) when the conv has padding. */
export function loadImage(kern: Kernels, info: ConvInfo, plan: GemmPlan, buf: GemmBuffers, x: Float32Array, n: number): void {
  const size = info.inChannels * info.inHeight * info.inWidth;
  kern.f32.set(x.subarray(n * size, (n + 1) * size), buf.stage >> 2);
  if (plan.padded) {
    kern.pad(buf.img, buf.stage, info.inChannels, info.inHeight, info.inWidth, plan.hp, plan.wp, info.padTop, info.padLeft, 0);
  }
}

/**
 * Computes output columns [j0, j1) of group g for the loaded image, block by block, into the
 * C block at `cBlock`; `emit(o, jStart, count)` then copies row o of the block out.
 */
export function gemmColumns(
  kern: Kernels, info: ConvInfo, plan: GemmPlan, buf: GemmBuffers, g: number, j0: number, j1: number,
  bBlock: number, cBlock: number, emit: (row: number, j: number, count: number) => void,
): void {
  const { k, kc, mPad, nc, hp, wp } = plan;
  const img = buf.img + 4 * g * info.inChannelsPerGroup * hp * wp;
  const a = buf.a + 4 * g * mPad * k;
  const bias = buf.bias + 4 * g * mPad;
  const rowStep = 4 * info.strideHeight * wp;
  const colStep = 4 * info.strideWidth;
  const ldc = 4 * nc;
  for (let j = j0; j < j1; j += nc) {
    const n = Math.min(nc, j1 - j);
    const nt = Math.ceil(n / 8);
    for (let k0 = 0; k0 < k; k0 += kc) {
      const kb = Math.min(kc, k - k0);
      kern.packB(bBlock, img, buf.koff + 4 * k0, kb, j, n, info.outWidth, rowStep, colStep, buf.cols);
      kern.gemm(a + 4 * mPad * k0, bBlock, kb, mPad / 4, nt, cBlock, ldc, bias, k0 === 0 ? 1 : 0);
    }
    for (let o = 0; o < info.outChannelsPerGroup; o++) emit(o, j, n);
  }
}

/** Bytes of one thread's B and C blocks. */
export function blockBytes(plan: GemmPlan): { b: number; c: number } {
  return { b: 4 * plan.kc * plan.nc, c: 4 * plan.mPad * plan.nc };
}

/** The whole conv on one thread. */
export function convGemm(kern: Kernels, info: ConvInfo, x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array): void {
  const plan = planGemm(info);
  const layout = new HeapLayout();
  const buf = prepareGemm(info, plan, layout);
  const sizes = blockBytes(plan);
  const bBlock = layout.take(sizes.b);
  const cBlock = layout.take(sizes.c);
  kern.reserve(layout.bytes);
  fillGemm(kern, info, plan, buf, w, bias);
  const columns = info.outHeight * info.outWidth;
  const m = info.outChannelsPerGroup;
  for (let n = 0; n < info.batch; n++) {
    loadImage(kern, info, plan, buf, x, n);
    for (let g = 0; g < info.groups; g++) {
      const yBase = (n * info.outChannels + g * m) * columns;
      const f32 = kern.f32;
      const c = cBlock >> 2;
      gemmColumns(kern, info, plan, buf, g, 0, columns, bBlock, cBlock, (o, j, count) => {
        const from = c + o * plan.nc;
        y.set(f32.subarray(from, from + count), yBase + o * columns + j);
      });
    }
  }
}
