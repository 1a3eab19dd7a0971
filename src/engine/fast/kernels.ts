/**
 * The contract between the conv drivers (gemmConv.ts, depthwise.ts, maxPool.ts) and a kernel set:
 * WebAssembly SIMD (wasmKernels.ts) or plain TypeScript (scalarKernels.ts). Both work on one heap
 * of bytes addressed by byte offsets, so a driver lays out its buffers once and either set runs.
 */

export interface Kernels {
  /** True for the WebAssembly SIMD set (it also has `depthwise` and `maxPool`). */
  readonly simd: boolean;
  /** `convRows` reads each k's image offset from the A panel (see there). */
  readonly offsetsInA: boolean;
  /** Views of the heap. `reserve` may replace them: read them after it. */
  readonly f32: Float32Array;
  readonly i32: Int32Array;
  /** Makes the heap at least `bytes` long (contents beyond what was written are unspecified). */
  reserve(bytes: number): void;
  /**
   * C[4·mt × 8·nt] = (first ? bias : C) + A·B for packed panels: A holds mt panels of kc × 4
   * floats, B nt panels of kc × 8; C rows are `ldc` bytes apart, bias holds 4·mt floats.
   */
  gemm(a: number, b: number, kc: number, mt: number, nt: number, c: number, ldc: number, bias: number, first: number): void;
  /**
   * One output row segment of a stride-1 conv without packing: C[4·mt × 8·nt] = (first ? bias : C)
   * + A·B where row k of B is the 8·nt floats at byte src + koff[k]. The last panel may compute
   * up to 7 outputs past the row (C needs the room). Where `offsetsInA`, each k of an A panel is
   * 20 bytes, koff[k] (i32) then the 4 weights, and `koff` is unused; else A is as for `gemm` and
   * koff[k] is i32[koff/4 + k].
   */
  convRows(a: number, src: number, koff: number, kc: number, mt: number, nt: number, c: number, ldc: number, bias: number, first: number): void;
  /**
   * Packs kc rows × columns [j0, j0 + nc) of the implicit im2col matrix of a padded image into
   * 8-column panels, zeros past nc. Row k starts at byte `i32[koff/4 + k]` of the image; column j
   * is output pixel (j / ow, j % ow) at byte (j / ow)·rowStep + (j % ow)·colStep. `cols`: 32 bytes of scratch.
   */
  packB(dst: number, img: number, koff: number, kc: number, j0: number, nc: number, ow: number, rowStep: number, colStep: number, cols: number): void;
  /** Copies planes of h×w floats into hp×wp planes at (top, left), the border filled with `value`. */
  pad(dst: number, src: number, planes: number, h: number, w: number, hp: number, wp: number, top: number, left: number, value: number): void;
  /** Fills only the border of hp×wp planes whose h×w image is already at (top, left). */
  borders(dst: number, planes: number, h: number, w: number, hp: number, wp: number, top: number, left: number, value: number): void;
}

/** The WebAssembly set adds direct kernels that only pay off with SIMD. */
export interface SimdKernels extends Kernels {
  readonly simd: true;
  depthwise(dst: number, img: number, w: number, bias: number, oh: number, ow: number, rowStep: number, colStep: number, dilRow: number, dilCol: number, kh: number, kw: number): void;
  /** `depthwise` for a 3×3 kernel with stride 1 along the width. */
  depthwise3x3(dst: number, img: number, w: number, bias: number, oh: number, ow: number, rowStep: number, dilRow: number, dilCol: number): void;
  maxPool(dst: number, img: number, planes: number, planeStep: number, oh: number, ow: number, rowStep: number, colStep: number, dilRow: number, dilCol: number, kh: number, kw: number): void;
  /**
   * Splits planes of hp×wp floats into two column phases of hp×wq floats each (phase p: columns
   * p, p + 2, …), phase 0 then phase 1 per plane; reads up to 8 floats past the source.
   */
  phases2(dst: number, src: number, planes: number, hp: number, wp: number, wq: number): void;
  /**
   * Winograd F(2×2, 3×3) input transform of one row of tiles (winograd.ts), 4 tiles per step:
   * the 16 elements of each tile's Bᵀ·d·B, for `planes` planes of a column-phase split image
   * (patch columns 0 and 1 of the first tile at p0 and p1), into gemm's packed B panels: element ξ of
   * tile column col, plane k, at dst + ξ·xiStep + (col div 8)·panelStep + 32·k + 4·(col mod 8).
   */
  winoIn(dst: number, p0: number, p1: number, planes: number, planeStep: number, rowStep: number, steps: number, col0: number, panelStep: number, xiStep: number): void;
  /**
   * Winograd output transform of one row of tiles, 4 tiles per step: Aᵀ·M·A + bias, element ξ of
   * M at m + ξ·xiStep (channels ldc bytes apart), each tile's 2×2 outputs into 2 rows outRow
   * bytes apart (channels outPlane bytes apart).
   */
  winoOut(out: number, m: number, bias: number, channels: number, ldc: number, xiStep: number, steps: number, outPlane: number, outRow: number): void;
  /**
   * Winograd's weight transform U = G·g·Gᵀ of one 3×3 block for 4 output channels (oStride bytes
   * apart) and n input channels (ciStride bytes apart, their 4 channels' U 16 bytes apart at dst):
   * taps of the block past rv rows or cv columns (kw4 bytes a row) count as 0; element ξ of U
   * goes to dst + ξ·xiStep.
   */
  winoWeights(dst: number, src: number, n: number, oStride: number, ciStride: number, kw4: number, rv: number, cv: number, xiStep: number): void;
  /** The 2×2 window with stride 2 along the width and no dilation (dilRow: bytes to the window's second row). */
  maxPool2x2(dst: number, img: number, planes: number, planeStep: number, oh: number, ow: number, rowStep: number, dilRow: number): void;
}

/** Bytes the vector kernels may read or write past the end of a buffer. */
export const SLACK = 256;

/** Hands out 64-byte aligned byte ranges of the heap, in order, from `start`. */
export class HeapLayout {
  constructor(private end = 64) {}
  take(bytes: number): number {
    const at = this.end;
    this.end = at + Math.ceil((bytes + SLACK) / 64) * 64;
    return at;
  }
  get bytes(): number {
    return this.end;
  }
}
