/**
 * Preset tensors: the chapter's worked examples (so the numbers match the seeds) and the classic
 * image kernels. Names are English keys translated by `t` where they are shown.
 */
import type { WireTensor } from '../../src/protocol';
import { edgeImage } from './state';

export interface Preset {
  id: string;
  /** English label, translated where shown. */
  label: string;
  make(): WireTensor;
}

const range = (n: number, f: (i: number) => number = (i) => i) => Array.from({ length: n }, (_, i) => f(i));

export const INPUT_PRESETS: readonly Preset[] = [
  { id: 'two-channel', label: 'Two channels 2×3×3 (chapter)', make: () => ({ shape: [2, 3, 3], data: [...range(9), ...range(9, (i) => i + 1)] }) },
  { id: 'two-channel-b', label: 'Two channels 2×3×3 (seed 004)', make: () => ({ shape: [2, 3, 3], data: [...range(9, (i) => i + 1), ...range(9, (i) => 2 * i)] }) },
  { id: 'three-channel', label: 'Three channels 3×3×3 (1×1 example)', make: () => ({ shape: [3, 3, 3], data: range(27) }) },
  { id: 'ramp', label: '3×3 ramp 0…8', make: () => ({ shape: [1, 3, 3], data: range(9) }) },
  { id: 'edges', label: '6×8 edges, X[:, 2:6] = 0', make: () => ({ shape: [1, 6, 8], data: edgeImage().data }) },
  {
    id: 'shape5',
    label: '5×5 shape (Laplacian example)',
    make: () => ({ shape: [1, 5, 5], data: [0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0] }),
  },
  { id: 'ones8', label: '8×8 ones', make: () => ({ shape: [1, 8, 8], data: range(64, () => 1) }) },
  { id: 'checker', label: '8×8 checkerboard', make: () => ({ shape: [1, 8, 8], data: range(64, (i) => ((i >> 3) + i) % 2) }) },
  { id: 'rgb32', label: '3×32×32 random (benchmark size)', make: () => ({ shape: [3, 32, 32], data: range(3072, () => Math.round(Math.random() * 9)) }) },
];

/** Whole-tensor kernels from the chapter. */
const KERNEL_EXAMPLES: readonly Preset[] = [
  { id: 'k-two', label: 'Two-channel 2×2 (chapter)', make: () => ({ shape: [1, 2, 2, 2], data: [0, 1, 2, 3, 1, 2, 3, 4] }) },
  {
    id: 'k-stack',
    label: 'Stack K, K+1, K+2 (3 outputs)',
    make: () => ({ shape: [3, 2, 2, 2], data: [0, 1, 2].flatMap((d) => [0, 1, 2, 3, 1, 2, 3, 4].map((v) => v + d)) }),
  },
  { id: 'k-1x1', label: '1×1 kernel 2×3×1×1', make: () => ({ shape: [2, 3, 1, 1], data: [1, 0, -1, 0.5, 0.5, 0.5] }) },
  { id: 'k-seed004', label: 'Seed 004: [[1, 1], [1, 1]] and [[0, 1], [2, 3]]', make: () => ({ shape: [1, 2, 2, 2], data: [1, 1, 1, 1, 0, 1, 2, 3] }) },
];

/** 2-D patterns, copied into every (output, input) slice of the current kernel. */
export interface Pattern {
  id: string;
  label: string;
  height: number;
  width: number;
  values: number[];
}

export const PATTERNS: readonly Pattern[] = [
  { id: 'edge', label: 'Edge [[1, −1]]', height: 1, width: 2, values: [1, -1] },
  { id: 'identity', label: 'Identity 3×3', height: 3, width: 3, values: [0, 0, 0, 0, 1, 0, 0, 0, 0] },
  { id: 'box', label: 'Box blur 3×3', height: 3, width: 3, values: range(9, () => 1 / 9) },
  { id: 'gauss', label: 'Gaussian 3×3', height: 3, width: 3, values: [1, 2, 1, 2, 4, 2, 1, 2, 1].map((v) => v / 16) },
  { id: 'sobel-x', label: 'Sobel x', height: 3, width: 3, values: [-1, 0, 1, -2, 0, 2, -1, 0, 1] },
  { id: 'sobel-y', label: 'Sobel y', height: 3, width: 3, values: [-1, -2, -1, 0, 0, 0, 1, 2, 1] },
  { id: 'laplacian', label: 'Laplacian', height: 3, width: 3, values: [0, 1, 0, 1, -4, 1, 0, 1, 0] },
  { id: 'sharpen', label: 'Sharpen', height: 3, width: 3, values: [0, -1, 0, -1, 5, -1, 0, -1, 0] },
  { id: 'ramp2', label: '2×2 [[0, 1], [2, 3]]', height: 2, width: 2, values: [0, 1, 2, 3] },
];

/** A pattern as an O×I kernel with the same slice everywhere. */
export function patternKernel(p: Pattern, out: number, inPerGroup: number): WireTensor {
  const data: number[] = [];
  for (let i = 0; i < out * inPerGroup; i++) data.push(...p.values);
  return { shape: [out, inPerGroup, p.height, p.width], data };
}

export function kernelPresets(out: number, inPerGroup: number): Preset[] {
  return [...PATTERNS.map((p) => ({ id: p.id, label: p.label, make: () => patternKernel(p, out, inPerGroup) })), ...KERNEL_EXAMPLES];
}

/** Random small integers, readable in the grid: [lo, hi]. */
export function randomInts(count: number, lo: number, hi: number): number[] {
  return range(count, () => lo + Math.floor(Math.random() * (hi - lo + 1)));
}
