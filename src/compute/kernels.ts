/**
 * Built-in kernels offered when only the input is selected: the classic image filters of the
 * chapter, the `[[1, -1]]` edge detector of d2l's first conv example, and a random 1×1 mixer.
 * Spatial filters are single-channel; on a C-channel input they are repeated over the channels
 * (one output channel, read as C_in×kH×kW), and the result says so. Pure: no vscode, no Node.
 */
import { tensor, type Tensor } from '../engine/tensor';

export interface BuiltinKernel {
  readonly id: string;
  readonly label: string;
  readonly detail: string;
  /** Row-major kH×kW values; undefined for the 1×1 mixer (its shape depends on the input). */
  readonly rows?: readonly (readonly number[])[];
}

export const BUILTIN_KERNELS: readonly BuiltinKernel[] = [
  { id: 'laplacian', label: 'Laplacian', detail: 'edges in every direction: [[0, 1, 0], [1, -4, 1], [0, 1, 0]]', rows: [[0, 1, 0], [1, -4, 1], [0, 1, 0]] },
  { id: 'sobel-x', label: 'Sobel x', detail: 'horizontal gradient (vertical edges): [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]', rows: [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]] },
  { id: 'sobel-y', label: 'Sobel y', detail: 'vertical gradient (horizontal edges): [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]', rows: [[-1, -2, -1], [0, 0, 0], [1, 2, 1]] },
  { id: 'box-blur', label: 'Box blur', detail: 'the 3×3 mean: every weight 1/9', rows: [[1 / 9, 1 / 9, 1 / 9], [1 / 9, 1 / 9, 1 / 9], [1 / 9, 1 / 9, 1 / 9]] },
  { id: 'identity', label: 'Identity', detail: 'returns the centre pixel: [[0, 0, 0], [0, 1, 0], [0, 0, 0]]', rows: [[0, 0, 0], [0, 1, 0], [0, 0, 0]] },
  { id: 'edge', label: '[[1, -1]]', detail: "d2l's edge detector: a neighbour's difference along the row", rows: [[1, -1]] },
  { id: 'mixer', label: 'Random 1×1 mixer', detail: 'C_out×C_in×1×1 with small random integers: mixes channels per pixel' },
];

/** mulberry32: a tiny seeded generator, so a mixer can be rebuilt exactly from its seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The kernel tensor for a built-in and an input of `inChannels` channels, with a phrase for the
 * result. A spatial filter is kH×kW for one channel, C_in×kH×kW (repeated) for more; the mixer is
 * `max(2, C_in)`×C_in×1×1 with integers in −2…2, from `seed`.
 */
export function builtinKernel(id: string, inChannels: number, seed = 1): { kernel: Tensor; description: string } {
  const k = BUILTIN_KERNELS.find((b) => b.id === id);
  if (!k) throw new RangeError(`unknown built-in kernel "${id}"`);
  if (!k.rows) {
    const cOut = Math.max(2, inChannels);
    const rnd = seeded(seed);
    const values = Array.from({ length: cOut * inChannels }, () => Math.floor(rnd() * 5) - 2);
    return { kernel: tensor([cOut, inChannels, 1, 1], values), description: `${k.label} (seed ${seed})` };
  }
  const kh = k.rows.length;
  const kw = k.rows[0].length;
  const flat = k.rows.flat();
  if (inChannels === 1) return { kernel: tensor([kh, kw], flat), description: `${k.label} (built-in)` };
  const repeated = Array.from({ length: inChannels }, () => flat).flat();
  return {
    kernel: tensor([inChannels, kh, kw], repeated),
    description: `${k.label} (built-in), repeated over the ${inChannels} input channels`,
  };
}
