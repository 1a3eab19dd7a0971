import * as assert from 'node:assert/strict';
import { corr2d, tensor } from '../../src/engine';
import { learnKernel, lossAndGradient, randomNormal } from '../../webview/playground/learn';
import { edgeImage } from '../../webview/playground/state';

const X = tensor([6, 8], edgeImage().data);
const K_TRUE = tensor([1, 2], [1, -1]);

describe('playground/learn (seed 004: learn [[1, -1]] from X and Y)', () => {
  it('the target is the seed\'s Y: 6×7, column 1 = 1, column 5 = −1, the rest 0', () => {
    const y = corr2d(X, K_TRUE);
    assert.deepEqual(y.shape, [6, 7]);
    for (let r = 0; r < 6; r++) assert.deepEqual([...y.data.subarray(r * 7, r * 7 + 7)], [0, 1, 0, 0, 0, -1, 0]);
  });

  it('the gradient X ⋆ 2E matches central finite differences of the summed squared error', () => {
    const y = corr2d(X, K_TRUE);
    const k = [0.3, -1.7];
    const { grad } = lossAndGradient(X, y, tensor([1, 2], k));
    for (let i = 0; i < 2; i++) {
      const eps = 1e-6;
      const up = [...k];
      const down = [...k];
      up[i] += eps;
      down[i] -= eps;
      const numeric = (lossAndGradient(X, y, tensor([1, 2], up)).loss - lossAndGradient(X, y, tensor([1, 2], down)).loss) / (2 * eps);
      assert.ok(Math.abs(numeric - grad.data[i]) < 1e-4, `∂L/∂K[${i}]: analytic ${grad.data[i]} vs numeric ${numeric}`);
    }
  });

  it('hand-checked gradient at K = 0: 2·Σ(−Y)·X = [−12, 12]', () => {
    // E = −Y; Σ_yx Y·X[y, x] over column 1 (X = 1) and column 5 (X = 0) → 6; shifted by one: column 2 (0) and 6 (1) → −6.
    const { loss, grad } = lossAndGradient(X, corr2d(X, K_TRUE), tensor([1, 2], [0, 0]));
    assert.equal(loss, 12);
    assert.deepEqual([...grad.data], [-12, 12]);
  });

  for (const seed of [1, 2, 3, 4, 5, 42, 2024]) {
    it(`seed ${seed}: lr 0.01, 20 steps, loss falls ≥ 100× and the kernel approaches [[1, −1]]`, () => {
      const start = randomNormal(2, seed);
      const run = learnKernel(X, K_TRUE, start, 0.01, 20);
      const first = run.steps[0].loss;
      const last = run.steps[19].loss;
      assert.ok(first / last >= 100, `loss ${first} → ${last} is only ${(first / last).toFixed(1)}×`);
      assert.ok(first / run.finalLoss >= 100);
      const k = run.steps[19].kernel;
      assert.ok(Math.abs(k[0] - 1) < 0.25 && Math.abs(k[1] + 1) < 0.25, `kernel ${k}`);
      // And never up: gradient descent on this quadratic with lr below 2/λmax (λmax = 60) only descends.
      for (let i = 1; i < 20; i++) assert.ok(run.steps[i].loss <= run.steps[i - 1].loss);
    });
  }

  it('the worst start (error along the slow direction [1, −1]) still falls 128.8× = (1/0.88²)^19 in 20 steps', () => {
    // Hessian 2·[[18, 12], [12, 18]]: eigenvalues 60 along [1, 1] and 12 along [1, −1]; lr 0.01 shrinks the error by 0.88 per step.
    const run = learnKernel(X, K_TRUE, [3, -3], 0.01, 20);
    const ratio = run.steps[0].loss / run.steps[19].loss;
    assert.ok(Math.abs(ratio - (1 / 0.88 ** 2) ** 19) < 1e-6 * ratio, `ratio ${ratio}`);
    assert.ok(ratio >= 100);
  });

  it('random starts are repeatable by seed and standard normal in bulk', () => {
    assert.deepEqual(randomNormal(2, 7), randomNormal(2, 7));
    const many = randomNormal(20000, 3);
    const mean = many.reduce((a, b) => a + b, 0) / many.length;
    const variance = many.reduce((a, b) => a + (b - mean) ** 2, 0) / many.length;
    assert.ok(Math.abs(mean) < 0.03 && Math.abs(variance - 1) < 0.05, `mean ${mean}, variance ${variance}`);
  });
});
