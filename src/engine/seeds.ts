/**
 * The textbook's helpers (Dive into Deep Learning, "multiple input and output channels") as named
 * operations, so the UI can speak the user's language. Each is defined by what the book's Python
 * does and computed by the engine's kernels; errors carry the helper's own name.
 */
import { conv2d } from './conv2d';
import { EngineError } from './errors';
import { avgPool2d, maxPool2d } from './pool';
import { reshape, type Tensor } from './tensor';

const shapeText = (t: Tensor): string => `[${t.shape.join(', ')}]`;

function expectRank(op: string, name: string, t: Tensor, rank: number, layout: string): void {
  if (t.shape.length !== rank) throw new EngineError(op, `${name} must be ${layout} (${rank}-D) but has shape ${shapeText(t)}`);
}

/** Runs conv2d and gives its errors the helper's name. */
function asHelper<T>(op: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof EngineError) throw new EngineError(op, e.detail);
    throw e;
  }
}

/** `corr2d(X, K)`: X `[H, W]`, K `[kH, kW]` → `[H − kH + 1, W − kW + 1]`, `Y[i, j] = Σ X[i:i+kH, j:j+kW] · K`. */
export function corr2d(x: Tensor, k: Tensor): Tensor {
  expectRank('corr2d', 'X', x, 2, 'H×W');
  expectRank('corr2d', 'K', k, 2, 'kH×kW');
  const y = asHelper('corr2d', () => conv2d(x, reshape(k, [1, 1, k.shape[0], k.shape[1]])));
  return reshape(y, y.shape.slice(1));
}

/** `corr2d_multi_in(X, K)`: X `[C, H, W]`, K `[C, kH, kW]` → `[H_out, W_out]`, the sum over channels of corr2d. */
export function corr2dMultiIn(x: Tensor, k: Tensor): Tensor {
  expectRank('corr2d_multi_in', 'X', x, 3, 'C×H×W');
  expectRank('corr2d_multi_in', 'K', k, 3, 'C×kH×kW');
  const y = asHelper('corr2d_multi_in', () => conv2d(x, reshape(k, [1, ...k.shape])));
  return reshape(y, y.shape.slice(1));
}

/** `corr2d_multi_in_out(X, K)`: X `[C, H, W]`, K `[O, C, kH, kW]` → `[O, H_out, W_out]`, one corr2d_multi_in per output channel. */
export function corr2dMultiInOut(x: Tensor, k: Tensor): Tensor {
  expectRank('corr2d_multi_in_out', 'X', x, 3, 'C×H×W');
  expectRank('corr2d_multi_in_out', 'K', k, 4, 'O×C×kH×kW');
  return asHelper('corr2d_multi_in_out', () => conv2d(x, k));
}

/**
 * `corr2d_multi_in_out_1x1(X, K)`: X `[C, H, W]`, K `[O, C, 1, 1]` (or `[O, C]`) → `[O, H, W]`,
 * computed as the book does, as the matrix product `K (O×C) · X (C×H·W)`.
 */
export function corr2dMultiInOut1x1(x: Tensor, k: Tensor): Tensor {
  const op = 'corr2d_multi_in_out_1x1';
  expectRank(op, 'X', x, 3, 'C×H×W');
  const is1x1 = k.shape.length === 4 && k.shape[2] === 1 && k.shape[3] === 1;
  if (!is1x1 && k.shape.length !== 2) throw new EngineError(op, `K must be O×C×1×1 or O×C but has shape ${shapeText(k)}`);
  if (x.dtype !== k.dtype) throw new EngineError(op, `X is ${x.dtype} but K is ${k.dtype}: cast one so they match`);
  const [c, h, w] = x.shape;
  const [o, kc] = k.shape;
  if (kc !== c) throw new EngineError(op, `X has ${c} channels but K expects ${kc} (K ${shapeText(k)})`);
  const hw = h * w;
  const acc = new Float64Array(o * hw);
  for (let i = 0; i < o; i++) {
    for (let j = 0; j < c; j++) {
      const kv = k.data[i * c + j];
      for (let p = 0; p < hw; p++) acc[i * hw + p] += kv * x.data[j * hw + p];
    }
  }
  const data = x.dtype === 'float32' ? new Float32Array(acc) : acc;
  return { shape: [o, h, w], dtype: x.dtype, data };
}

/** `pool2d(X, (pH, pW), mode)`: X `[H, W]` → `[H − pH + 1, W − pW + 1]`, max or mean of each window, stride 1. */
export function pool2d(x: Tensor, poolSize: readonly [number, number], mode: 'max' | 'avg' = 'max'): Tensor {
  expectRank('pool2d', 'X', x, 2, 'H×W');
  if (mode !== 'max' && mode !== 'avg') throw new EngineError('pool2d', `mode must be 'max' or 'avg' (got '${String(mode)}')`);
  return asHelper('pool2d', () => {
    const options = { kernelSize: poolSize, stride: 1 } as const;
    return mode === 'max' ? maxPool2d(x, options).output : avgPool2d(x, options);
  });
}
