/**
 * The plain TypeScript kernel set, for hosts without WebAssembly SIMD. Same packed layouts as the
 * SIMD set; the 4×8 tile is computed as two 4×4 halves so the 16 accumulators stay in registers.
 * Sums are kept in float64 locals and rounded to float32 when stored.
 */
import type { Kernels } from './kernels';

export class ScalarKernels implements Kernels {
  readonly simd = false;
  readonly offsetsInA = false;
  f32 = new Float32Array(0);
  i32 = new Int32Array(0);
  /** convRows packs one 8-column panel here, then runs the packed tile on it. */
  private panel = new Float32Array(0);
  private readonly columns = new Int32Array(8);

  reserve(bytes: number): void {
    if (bytes <= this.f32.byteLength) return;
    const buffer = new ArrayBuffer(Math.ceil((bytes * 1.25) / 64) * 64);
    this.f32 = new Float32Array(buffer);
    this.i32 = new Int32Array(buffer);
  }

  gemm(a: number, b: number, kc: number, mt: number, nt: number, c: number, ldc: number, bias: number, first: number): void {
    const f = this.f32;
    let ap = a >>> 2;
    let bi = bias >>> 2;
    const ld = ldc >>> 2;
    for (let i = 0; i < mt; i++) {
      const crow = (c >>> 2) + 4 * i * ld;
      for (let j = 0; j < nt; j++) {
        const bp = (b >>> 2) + j * kc * 8;
        tile4x4(f, ap, f, bp, kc, crow + 8 * j, ld, bi, first);
        tile4x4(f, ap, f, bp + 4, kc, crow + 8 * j + 4, ld, bi, first);
      }
      ap += kc * 4;
      bi += 4;
    }
  }

  convRows(a: number, src: number, koff: number, kc: number, mt: number, nt: number, c: number, ldc: number, bias: number, first: number): void {
    const f = this.f32;
    const offs = this.i32;
    if (this.panel.length < 8 * kc) this.panel = new Float32Array(8 * kc);
    const panel = this.panel;
    const ld = ldc >>> 2;
    for (let j = 0; j < nt; j++) {
      const s = (src >>> 2) + 8 * j;
      for (let k = 0, d = 0; k < kc; k++, d += 8) {
        const o = s + (offs[(koff >>> 2) + k] >>> 2);
        for (let col = 0; col < 8; col++) panel[d + col] = f[o + col];
      }
      for (let i = 0; i < mt; i++) {
        const ap = (a >>> 2) + i * kc * 4;
        const cp = (c >>> 2) + 4 * i * ld + 8 * j;
        tile4x4(f, ap, panel, 0, kc, cp, ld, (bias >>> 2) + 4 * i, first);
        tile4x4(f, ap, panel, 4, kc, cp + 4, ld, (bias >>> 2) + 4 * i, first);
      }
    }
  }

  packB(dst: number, img: number, koff: number, kc: number, j0: number, nc: number, ow: number, rowStep: number, colStep: number, _cols: number): void {
    const f = this.f32;
    const offs = this.i32;
    const ko = koff >>> 2;
    const end = j0 + nc;
    let d = dst >>> 2;
    const src = this.columns; // element offset of each panel column, -1 past the block
    let j = j0;
    if (colStep === 4 && rowStep === 4 * ow) {
      // Columns contiguous across output rows (1×1, stride 1): whole panels row of K by row of K,
      // each read in order, as the SIMD pack_b does.
      const panels = Math.floor(nc / 8);
      for (let k = 0; k < kc; k++) {
        let s = ((img + offs[ko + k]) >>> 2) + j0;
        for (let p = 0, t = d + 8 * k; p < panels; p++, t += 8 * kc, s += 8) {
          f[t] = f[s]; f[t + 1] = f[s + 1]; f[t + 2] = f[s + 2]; f[t + 3] = f[s + 3];
          f[t + 4] = f[s + 4]; f[t + 5] = f[s + 5]; f[t + 6] = f[s + 6]; f[t + 7] = f[s + 7];
        }
      }
      d += 8 * kc * panels;
      j += 8 * panels;
    }
    for (; j < end; j += 8) {
      for (let c = 0; c < 8; c++) {
        const jc = j + c;
        const oh = Math.floor(jc / ow);
        src[c] = jc < end ? (img + oh * rowStep + (jc - oh * ow) * colStep) >>> 2 : -1;
      }
      const s0 = src[0], s1 = src[1], s2 = src[2], s3 = src[3], s4 = src[4], s5 = src[5], s6 = src[6], s7 = src[7];
      if (s7 >= 0) {
        for (let k = 0; k < kc; k++, d += 8) {
          const o = offs[ko + k] >>> 2;
          f[d] = f[s0 + o]; f[d + 1] = f[s1 + o]; f[d + 2] = f[s2 + o]; f[d + 3] = f[s3 + o];
          f[d + 4] = f[s4 + o]; f[d + 5] = f[s5 + o]; f[d + 6] = f[s6 + o]; f[d + 7] = f[s7 + o];
        }
      } else {
        for (let k = 0; k < kc; k++, d += 8) {
          const o = offs[ko + k] >>> 2;
          for (let c = 0; c < 8; c++) f[d + c] = src[c] >= 0 ? f[src[c] + o] : 0;
        }
      }
    }
  }

  borders(dst: number, planes: number, h: number, w: number, hp: number, wp: number, top: number, left: number, value: number): void {
    const f = this.f32;
    let d = dst >>> 2;
    for (let p = 0; p < planes; p++) {
      for (let r = 0; r < hp; r++, d += wp) {
        if (r < top || r >= top + h) f.fill(value, d, d + wp);
        else {
          f.fill(value, d, d + left);
          f.fill(value, d + left + w, d + wp);
        }
      }
    }
  }

  pad(dst: number, src: number, planes: number, h: number, w: number, hp: number, wp: number, top: number, left: number, value: number): void {
    const f = this.f32;
    let d = dst >>> 2;
    let s = src >>> 2;
    for (let p = 0; p < planes; p++, s += h * w) {
      for (let r = 0; r < hp; r++, d += wp) {
        const ir = r - top;
        if (ir < 0 || ir >= h) {
          f.fill(value, d, d + wp);
        } else {
          f.fill(value, d, d + left);
          f.copyWithin(d + left, s + ir * w, s + ir * w + w);
          f.fill(value, d + left + w, d + wp);
        }
      }
    }
  }
}

/** One 4×4 block of a 4×8 tile: the A panel (in f, like C) steps 4 floats per k, the B panel (in fb) 8. */
function tile4x4(f: Float32Array, a: number, fb: Float32Array, b: number, kc: number, c: number, ld: number, bias: number, first: number): void {
  let c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
  if (first) {
    c00 = c01 = c02 = c03 = f[bias];
    c10 = c11 = c12 = c13 = f[bias + 1];
    c20 = c21 = c22 = c23 = f[bias + 2];
    c30 = c31 = c32 = c33 = f[bias + 3];
  } else {
    c00 = f[c]; c01 = f[c + 1]; c02 = f[c + 2]; c03 = f[c + 3];
    c10 = f[c + ld]; c11 = f[c + ld + 1]; c12 = f[c + ld + 2]; c13 = f[c + ld + 3];
    c20 = f[c + 2 * ld]; c21 = f[c + 2 * ld + 1]; c22 = f[c + 2 * ld + 2]; c23 = f[c + 2 * ld + 3];
    c30 = f[c + 3 * ld]; c31 = f[c + 3 * ld + 1]; c32 = f[c + 3 * ld + 2]; c33 = f[c + 3 * ld + 3];
  }
  for (let k = 0; k < kc; k++, a += 4, b += 8) {
    const a0 = f[a], a1 = f[a + 1], a2 = f[a + 2], a3 = f[a + 3];
    const b0 = fb[b], b1 = fb[b + 1], b2 = fb[b + 2], b3 = fb[b + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  f[c] = c00; f[c + 1] = c01; f[c + 2] = c02; f[c + 3] = c03;
  f[c + ld] = c10; f[c + ld + 1] = c11; f[c + ld + 2] = c12; f[c + ld + 3] = c13;
  f[c + 2 * ld] = c20; f[c + 2 * ld + 1] = c21; f[c + 2 * ld + 2] = c22; f[c + 2 * ld + 3] = c23;
  f[c + 3 * ld] = c30; f[c + 3 * ld + 1] = c31; f[c + 3 * ld + 2] = c32; f[c + 3 * ld + 3] = c33;
}
