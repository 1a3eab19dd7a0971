/**
 * "Learn a kernel" (seed 004, d2l 6.2.4): from an input X and a target Y = X ⋆ K_true, gradient
 * descent on a randomly started kernel with the summed squared error
 *   l = (Y_hat − Y)²,  l.sum().backward(),  K −= lr · K.grad.
 * Both the forward pass and the gradient are engine cross-correlations: for
 * L = Σ (X ⋆ K − Y)², ∂L/∂K[i, j] = Σ_yx 2·E[y, x]·X[y + i, x + j] with E = Y_hat − Y,
 * which is X cross-correlated with the output error 2E used as the kernel. Pure, for the worker and tests.
 */
import { corr2d, tensor, type Tensor } from '../../src/engine';

export interface LearnStep {
  /** 1-based step number. */
  step: number;
  /** The loss computed in this step, before its update (what d2l prints). */
  loss: number;
  /** The kernel after this step's update. */
  kernel: number[];
}

export interface LearnRun {
  target: Tensor;
  start: number[];
  steps: LearnStep[];
  /** Loss of the final kernel (after the last update). */
  finalLoss: number;
}

/** Loss Σ(X ⋆ K − Y)² and its gradient with respect to K. */
export function lossAndGradient(x: Tensor, y: Tensor, k: Tensor): { loss: number; grad: Tensor } {
  const yHat = corr2d(x, k);
  const twiceError = new Float64Array(yHat.data.length);
  let loss = 0;
  for (let i = 0; i < twiceError.length; i++) {
    const e = yHat.data[i] - y.data[i];
    loss += e * e;
    twiceError[i] = 2 * e;
  }
  // The gradient: X ⋆ (2E), the error map sliding over the input as a kernel.
  const grad = corr2d(x, tensor(y.shape, twiceError));
  return { loss, grad };
}

/** Runs `steps` of gradient descent from `start` (kH×kW values) towards Y = X ⋆ trueKernel. */
export function learnKernel(x: Tensor, trueKernel: Tensor, start: readonly number[], lr: number, steps: number): LearnRun {
  const target = corr2d(x, trueKernel);
  const shape = trueKernel.shape;
  let k = tensor(shape, start);
  const out: LearnStep[] = [];
  for (let s = 1; s <= steps; s++) {
    const { loss, grad } = lossAndGradient(x, target, k);
    const next = new Float64Array(k.data.length);
    for (let i = 0; i < next.length; i++) next[i] = k.data[i] - lr * grad.data[i];
    k = tensor(shape, next);
    out.push({ step: s, loss, kernel: [...next] });
  }
  return { target, start: [...start], steps: out, finalLoss: lossAndGradient(x, target, k).loss };
}

/** Standard normal values from a seeded generator (mulberry32 + Box–Muller), like `torch.randn`. */
export function randomNormal(count: number, seed: number): number[] {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out: number[] = [];
  while (out.length < count) {
    const u = 1 - uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    out.push(r * Math.cos(2 * Math.PI * v));
    if (out.length < count) out.push(r * Math.sin(2 * Math.PI * v));
  }
  return out;
}
