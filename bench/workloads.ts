/**
 * Workloads W1–W8 of ../shared/notes/performance.md: float32, NCHW in and out, OIHW weights.
 * Values are seeded pseudo-random in [-1, 1), the same for every engine.
 */

export interface ConvWorkload {
  readonly kind: 'conv';
  readonly id: string;
  readonly what: string;
  readonly n: number; readonly cin: number; readonly h: number; readonly w: number;
  readonly cout: number; readonly k: number; readonly stride: number; readonly pad: number; readonly groups: number;
}

export interface PoolWorkload {
  readonly kind: 'maxpool';
  readonly id: string;
  readonly what: string;
  readonly n: number; readonly c: number; readonly h: number; readonly w: number;
  readonly k: number; readonly stride: number;
}

export type Workload = ConvWorkload | PoolWorkload;

const conv = (id: string, what: string, cin: number, h: number, cout: number, k: number, stride: number, pad: number, groups = 1): ConvWorkload =>
  ({ kind: 'conv', id, what, n: 1, cin, h, w: h, cout, k, stride, pad, groups });

export const workloads: readonly Workload[] = [
  { kind: 'conv', id: 'W1', what: 'textbook X 2×3×3, K 3×2×2×2', n: 1, cin: 2, h: 3, w: 3, cout: 3, k: 2, stride: 1, pad: 0, groups: 1 },
  conv('W2', "seeds' layer 100→100, 5×5, out 64×64", 100, 68, 100, 5, 1, 0),
  conv('W3', 'stem 3→64, 7×7/2, pad 3, 224²', 3, 224, 64, 7, 2, 3),
  conv('W4', 'mid 64→64, 3×3, pad 1, 56²', 64, 56, 64, 3, 1, 1),
  conv('W5', 'pointwise 256→64, 1×1, 56²', 256, 56, 64, 1, 1, 0),
  conv('W6', 'depthwise 128, 3×3, pad 1, 56²', 128, 56, 128, 3, 1, 1, 128),
  conv('W7', 'image 3→8, 3×3, pad 1, 512²', 3, 512, 8, 3, 1, 1),
  { kind: 'maxpool', id: 'W8', what: 'max pool 2×2/2 on 64×112²', n: 1, c: 64, h: 112, w: 112, k: 2, stride: 2 },
];

export function outSize(size: number, k: number, stride: number, pad: number): number {
  return Math.floor((size + 2 * pad - k) / stride) + 1;
}

/** GFLOP (2·MACs) of a conv workload. */
export function gflop(c: ConvWorkload): number {
  const oh = outSize(c.h, c.k, c.stride, c.pad);
  const ow = outSize(c.w, c.k, c.stride, c.pad);
  return (2 * c.n * c.cout * oh * ow * (c.cin / c.groups) * c.k * c.k) / 1e9;
}

/** GB moved by a max pool workload (input + output, float32). */
export function poolGigabytes(p: PoolWorkload): number {
  const oh = outSize(p.h, p.k, p.stride, 0);
  const ow = outSize(p.w, p.k, p.stride, 0);
  return (4 * p.n * p.c * (p.h * p.w + oh * ow)) / 1e9;
}

export interface ConvData {
  x: Float32Array; // [n, cin, h, w]
  weight: Float32Array; // [cout, cin/groups, k, k]
  bias: Float32Array; // [cout]
}

export function random(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}

export function convData(c: ConvWorkload): ConvData {
  return {
    x: random(c.n * c.cin * c.h * c.w, 1),
    weight: random(c.cout * (c.cin / c.groups) * c.k * c.k, 2),
    bias: random(c.cout, 3),
  };
}

export function poolInput(p: PoolWorkload): Float32Array {
  return random(p.n * p.c * p.h * p.w, 4);
}
