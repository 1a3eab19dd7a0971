/**
 * Shared by the fast-path tests: random conv shapes, a ConvInfo for them, and the definition of
 * conv2d in float64 to compare against.
 */
import * as assert from 'node:assert/strict';
import type { ConvInfo } from '../../src/engine/convInfo';

/** A small deterministic generator, so a failure names a reproducible case. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface Shape {
  n: number; cin: number; h: number; w: number; cout: number; kh: number; kw: number;
  sh: number; sw: number; dh: number; dw: number; pt: number; pb: number; pl: number; pr: number; groups: number;
}

export function info(s: Shape, op: ConvInfo['op'] = 'conv2d', ceil = false): ConvInfo {
  const ekh = s.dh * (s.kh - 1) + 1;
  const ekw = s.dw * (s.kw - 1) + 1;
  const size = (i: number, p: number, e: number, st: number) =>
    (ceil ? Math.ceil((i + p - e) / st) : Math.floor((i + p - e) / st)) + 1;
  return {
    op, batch: s.n, inChannels: s.cin, inHeight: s.h, inWidth: s.w, outChannels: s.cout,
    outHeight: size(s.h, s.pt + s.pb, ekh, s.sh), outWidth: size(s.w, s.pl + s.pr, ekw, s.sw),
    kernelHeight: s.kh, kernelWidth: s.kw, strideHeight: s.sh, strideWidth: s.sw,
    dilationHeight: s.dh, dilationWidth: s.dw, padTop: s.pt, padBottom: s.pb, padLeft: s.pl, padRight: s.pr,
    effectiveKernelHeight: ekh, effectiveKernelWidth: ekw, groups: s.groups,
    inChannelsPerGroup: s.cin / s.groups, outChannelsPerGroup: s.cout / s.groups,
    paddingMode: 'zeros', hasBias: false, flipKernel: false, ceilMode: ceil, countIncludePad: true,
    divisorOverride: null, normType: null, outputPaddingHeight: 0, outputPaddingWidth: 0,
  } as ConvInfo;
}

/** The definition, in float64; also returns each output's Σ|term| to scale the tolerance. */
export function naiveConv(c: ConvInfo, x: Float32Array, w: Float32Array, bias: Float32Array | null): { y: Float64Array; scale: Float64Array } {
  const y = new Float64Array(c.batch * c.outChannels * c.outHeight * c.outWidth);
  const scale = new Float64Array(y.length);
  let i = 0;
  for (let n = 0; n < c.batch; n++)
    for (let o = 0; o < c.outChannels; o++) {
      const g = Math.floor(o / c.outChannelsPerGroup);
      for (let oy = 0; oy < c.outHeight; oy++)
        for (let ox = 0; ox < c.outWidth; ox++, i++) {
          let s = bias ? bias[o] : 0;
          let a = Math.abs(s);
          for (let ci = 0; ci < c.inChannelsPerGroup; ci++)
            for (let ky = 0; ky < c.kernelHeight; ky++)
              for (let kx = 0; kx < c.kernelWidth; kx++) {
                const iy = oy * c.strideHeight - c.padTop + ky * c.dilationHeight;
                const ix = ox * c.strideWidth - c.padLeft + kx * c.dilationWidth;
                if (iy < 0 || iy >= c.inHeight || ix < 0 || ix >= c.inWidth) continue;
                const t = x[((n * c.inChannels + g * c.inChannelsPerGroup + ci) * c.inHeight + iy) * c.inWidth + ix] *
                  w[((o * c.inChannelsPerGroup + ci) * c.kernelHeight + ky) * c.kernelWidth + kx];
                s += t;
                a += Math.abs(t);
              }
          y[i] = s;
          scale[i] = a;
        }
    }
  return { y, scale };
}

export function randomArray(r: () => number, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = r() * 2 - 1;
  return a;
}

export function randomShape(r: () => number, depthwise: boolean, fixed: Partial<Shape> = {}): Shape {
  const pick = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const groups = depthwise ? pick(1, 6) : [1, 1, 1, 2, 3][pick(0, 4)];
  const cin = depthwise ? groups : groups * pick(1, 5);
  // Up to 16 output channels a group runs in rows mode when the width stride is 1; more, packed.
  const cout = groups * (depthwise ? pick(1, 3) : r() < 0.3 ? pick(17, 30) : pick(1, 7));
  const kh = pick(1, 5), kw = pick(1, 5);
  const dh = pick(1, 2), dw = pick(1, 2);
  const pt = pick(0, 2), pb = pick(0, 2), pl = pick(0, 2), pr = pick(0, 2);
  const h = Math.max(dh * (kh - 1) + 1 - pt - pb, 1) + pick(0, 12);
  const w = Math.max(dw * (kw - 1) + 1 - pl - pr, 1) + pick(0, 21);
  return { n: pick(1, 2), cin, h, w, cout, kh, kw, sh: pick(1, 3), sw: pick(1, 3), dh, dw, pt, pb, pl, pr, groups, ...fixed };
}

export function check(name: string, got: Float32Array, want: { y: Float64Array; scale: Float64Array }): void {
  assert.equal(got.length, want.y.length, `${name}: length`);
  for (let i = 0; i < got.length; i++) {
    const err = Math.abs(got[i] - want.y[i]);
    if (!(err <= 1e-4 * (want.scale[i] + 1e-6))) assert.fail(`${name}: y[${i}] = ${got[i]}, want ${want.y[i]} (Σ|term| ${want.scale[i]})`);
  }
}

/** Random input, weight and bias for `s` (bias `'maybe'`: half the time), drawn in that order so seeded cases stay the same. */
export function randomOperands(r: () => number, s: Shape, c: ConvInfo, bias: 'always' | 'maybe'): { x: Float32Array; w: Float32Array; b: Float32Array | null } {
  const x = randomArray(r, s.n * s.cin * s.h * s.w);
  const w = randomArray(r, s.cout * c.inChannelsPerGroup * s.kh * s.kw);
  const b = bias === 'always' || r() < 0.5 ? randomArray(r, s.cout) : null;
  return { x, w, b };
}

export type Driver = (c: ConvInfo, x: Float32Array, w: Float32Array, b: Float32Array | null, y: Float32Array) => void;

/** Runs `driver` on `cases` random shapes and checks each against the definition. */
export function fuzz(label: string, driver: Driver, depthwise: boolean, cases: number, seed: number, fixed: Partial<Shape> = {}): void {
  const r = rng(seed);
  for (let t = 0; t < cases; t++) {
    const s = randomShape(r, depthwise, fixed);
    if (s.h < s.dh * (s.kh - 1) + 1 - s.pt - s.pb || s.w < s.dw * (s.kw - 1) + 1 - s.pl - s.pr) continue;
    const c = info(s);
    if (c.outHeight < 1 || c.outWidth < 1) continue;
    const { x, w, b } = randomOperands(r, s, c, 'maybe');
    const y = new Float32Array(s.n * s.cout * c.outHeight * c.outWidth).fill(NaN);
    driver(c, x, w, b, y);
    check(`${label} case ${t} ${JSON.stringify(s)} bias=${b !== null}`, y, naiveConv(c, x, w, b));
  }
}
