// PyTorch golden fixtures (test/fixtures/torch, made by scripts/torch/make_fixtures.py with Debian's
// python3-torch): every op and option, NaN/inf, the seeds' worked examples S1–S15, the errors PyTorch
// raises, and PyTorch's printed strings.
import * as assert from 'node:assert/strict';
import {
  EngineError,
  avgPool2d,
  conv2d,
  convCost,
  convInfo,
  convTranspose2d,
  corr2d,
  corr2dMultiIn,
  corr2dMultiInOut,
  corr2dMultiInOut1x1,
  formatCount,
  formatDuration,
  formatTensor,
  globalAvgPool2d,
  globalMaxPool2d,
  lpPool2d,
  maxPool2d,
  pool2d,
  reshape,
  tensor,
  timeAt,
  zeros,
  type DType,
  type Tensor,
} from '../../src/engine';
import { assertTensorClose, decodeTensor, decodeValue, readJson, type EncodedTensor, type OpCase, type Tolerance } from './fixtureData';

const dir = ['test', 'fixtures', 'torch'];

/**
 * float64 fixtures hold small integers: exact. float32: 1e-5 relative, plus 1e-6 of the tensor's
 * largest magnitude for values that cancel to near 0 (float32 sums in another order differ there
 * by a few 1e-7 of the scale; measured worst 3e-7).
 */
function toleranceFor(c: OpCase): Tolerance {
  // Max pooling copies an input element, so it is exact in any dtype (down to the sign of a zero).
  if (c.op === 'max_pool2d' || c.op === 'global_max_pool2d') return { rtol: 0, atol: 0 };
  if (c.dtype === 'float32') {
    const scale = c.expected.data.map(decodeValue).reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 0);
    return { rtol: 1e-5, atol: 1e-6 * scale };
  }
  // Averages, Lp norms and divisions are not integers, but PyTorch and the engine do the same float64 operations.
  return c.op === 'lp_pool2d' ? { rtol: 1e-13, atol: 0 } : { rtol: 0, atol: 0 };
}

/** Runs one op through the engine's public API, as a fixture names it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function runOp(op: string, x: Tensor, w: Tensor | null, b: Tensor | null, options: any): { output: Tensor; indices?: Tensor } {
  switch (op) {
    case 'conv2d':
      return { output: conv2d(x, w as Tensor, b, options) };
    case 'conv_transpose2d':
      return { output: convTranspose2d(x, w as Tensor, b, options) };
    case 'max_pool2d':
      return maxPool2d(x, options);
    case 'avg_pool2d':
      return { output: avgPool2d(x, options) };
    case 'lp_pool2d':
      return { output: lpPool2d(x, options) };
    case 'global_max_pool2d':
      return { output: globalMaxPool2d(x) };
    case 'global_avg_pool2d':
      return { output: globalAvgPool2d(x) };
    default:
      throw new Error(`fixture: unknown op ${op}`);
  }
}

function runOpCase(c: OpCase): { output: Tensor; indices?: Tensor } {
  const x = decodeTensor(c.input, c.dtype);
  const w = c.weight ? decodeTensor(c.weight, c.dtype) : null;
  const b = c.bias ? decodeTensor(c.bias, c.dtype) : null;
  return runOp(c.op, x, w, b, c.options);
}

function checkOpCase(c: OpCase): void {
  const { output, indices } = runOpCase(c);
  assert.equal(output.dtype, c.dtype, 'dtype');
  assertTensorClose(output, c.expected, toleranceFor(c), 'output');
  if (c.indices) {
    assert.ok(indices, 'indices were asked for');
    assertTensorClose(indices, c.indices, { rtol: 0, atol: 0 }, 'indices');
    // Without indices max pooling may take the fast float32 kernel: it must give the same values.
    const valuesOnly = runOpCase({ ...c, options: { ...c.options, returnIndices: false } });
    assert.equal(valuesOnly.indices, undefined);
    assertTensorClose(valuesOnly.output, c.expected, toleranceFor(c), 'output without indices');
  }
}

const opFiles = ['conv2d', 'conv_transpose2d', 'max_pool2d', 'avg_pool2d', 'lp_pool2d', 'global_pools', 'nan_inf'];

describe('conformance: PyTorch golden fixtures', () => {
  for (const file of opFiles) {
    const { cases } = readJson<{ cases: OpCase[] }>(...dir, `${file}.json`);
    describe(`${file}.json (${cases.length} cases)`, () => {
      for (const c of cases) it(c.name, () => checkOpCase(c));
    });
  }

  describe('errors.json: what PyTorch rejects, the engine rejects', () => {
    interface ErrorCase {
      name: string;
      op: string;
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      options: any;
      input: { shape: number[]; dtype: DType };
      weight: { shape: number[]; dtype: DType } | null;
      bias: { shape: number[]; dtype: DType } | null;
      torchMessage: string;
    }
    const { cases } = readJson<{ cases: ErrorCase[] }>(...dir, 'errors.json');
    for (const c of cases) {
      it(`${c.name} (PyTorch: ${c.torchMessage.slice(0, 60)}…)`, () => {
        // Zeros of the recorded shapes and dtypes (one case mixes float32 and float64 on purpose).
        const x = zeros(c.input.shape, c.input.dtype);
        const w = c.weight ? zeros(c.weight.shape, c.weight.dtype) : null;
        const b = c.bias ? zeros(c.bias.shape, c.bias.dtype) : null;
        const call = (): unknown => runOp(c.op, x, w, b, c.options);
        assert.throws(call, (e: unknown) => e instanceof EngineError && e.message.startsWith(`${c.op}: `));
      });
    }
  });

  describe('seeds.json: the worked examples S1–S15', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const { cases } = readJson<{ cases: any[] }>(...dir, 'seeds.json');
    for (const c of cases) {
      it(`${c.id}: ${c.what}`, () => {
        switch (c.kind) {
          case 'op':
            checkOpCase(c.case);
            if (c.sameAsConvolution !== undefined) {
              // S15: true convolution and cross-correlation agree only for a kernel symmetric under the flip.
              const x = decodeTensor(c.case.input, 'float64');
              const w = decodeTensor(c.case.weight, 'float64');
              const same = conv2d(x, w, null, { convolution: true }).data.every((v, i) => v === conv2d(x, w).data[i]);
              assert.equal(same, c.sameAsConvolution);
            }
            return;
          case 'helper':
            return checkHelper(c);
          case 'train':
            return checkTraining(c);
          case 'cost':
            return checkLectureCost(c);
          case 'cost-compare':
            return checkSeparableCost(c);
          default:
            throw new Error(`fixture: unknown kind ${c.kind}`);
        }
      });
    }
  });

  describe('format.json: printed exactly as PyTorch prints', () => {
    interface FormatCase {
      name: string;
      shape: number[];
      data: Array<number | string>;
      dtype: DType;
      integer: boolean;
      showDtype: boolean;
      options: { precision?: number; linewidth?: number; threshold?: number; edgeitems?: number; sci_mode?: boolean };
      expected: string;
    }
    const { cases } = readJson<{ cases: FormatCase[] }>(...dir, 'format.json');
    for (const c of cases) {
      it(c.name, () => {
        const t = tensor(c.shape, c.data.map(decodeValue), c.dtype);
        const { sci_mode: sciMode, ...rest } = c.options;
        assert.equal(formatTensor(t, { ...rest, sciMode, showDtype: c.showDtype, integer: c.integer }), c.expected);
      });
    }
  });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function checkHelper(c: any): void {
  const args: Tensor[] = c.args.map((a: EncodedTensor) => decodeTensor(a, 'float32'));
  const helpers: Record<string, (...t: Tensor[]) => Tensor> = {
    corr2d,
    corr2dMultiIn,
    corr2dMultiInOut,
    corr2dMultiInOut1x1,
    pool2d: (x) => pool2d(x, c.poolSize, c.mode),
  };
  // The seeds print float32 tensors; the helpers run in float32 as theirs did, and in float64 too.
  assertTensorClose(helpers[c.helper](...args), c.expected, { rtol: 1e-5, atol: 1e-6 }, `${c.helper} float32`);
  const exact = c.args.every((a: EncodedTensor) => a.data.every((v) => Number.isInteger(v)));
  if (exact) {
    const args64 = c.args.map((a: EncodedTensor) => decodeTensor(a, 'float64'));
    assertTensorClose(helpers[c.helper](...args64), c.expected, { rtol: 0, atol: 0 }, `${c.helper} float64`);
  }
}

/**
 * S7: the seed's training loop on the engine. The gradient of Σ(ŷ − y)² with respect to the kernel
 * is itself a cross-correlation of the input with 2(ŷ − y), so conv2d computes it too.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function checkTraining(c: any): void {
  const x = reshape(decodeTensor(c.x, 'float32'), [1, 1, ...c.x.shape]);
  const y = decodeTensor(c.y, 'float32');
  let w = decodeTensor(c.weight0, 'float32');
  let b = decodeTensor(c.bias0, 'float32');
  const losses: number[] = [];
  for (let step = 0; step < c.steps; step++) {
    const yHat = conv2d(x, w, b);
    const twiceDiff = new Float32Array(yHat.data.length);
    let loss = 0;
    let biasGrad = 0;
    for (let i = 0; i < twiceDiff.length; i++) {
      const d = yHat.data[i] - y.data[i];
      loss += d * d;
      twiceDiff[i] = 2 * d;
      biasGrad += 2 * d;
    }
    const weightGrad = conv2d(x, tensor([1, 1, ...y.shape], twiceDiff, 'float32'));
    w = tensor(w.shape, w.data.map((v, i) => v - c.lr * weightGrad.data[i]), 'float32');
    b = tensor(b.shape, [b.data[0] - c.lr * biasGrad], 'float32');
    losses.push(loss);
  }
  losses.forEach((l, i) => assert.ok(Math.abs(l - c.losses[i]) <= 1e-4 * Math.max(1, c.losses[i]), `loss at step ${i + 1}: ${l} vs ${c.losses[i]}`));
  assertTensorClose(w, c.weight, { rtol: 1e-4, atol: 1e-5 }, 'learned kernel');
  assertTensorClose(b, c.bias, { rtol: 1e-4, atol: 1e-5 }, 'learned bias');
  assert.ok(losses[losses.length - 1] < losses[0] / 10, 'the loss falls');
}

/** S10: ≈1.02 G multiply-adds per sample; ×10 layers ×1M samples ≈ 10.2 P; ≈19 h at 0.15e12 MAC/s, ≈14 min at 12e12. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function checkLectureCost(c: any): void {
  const cost = convCost(convInfo(c.inputShape, c.weightShape));
  assert.equal(cost.macs, c.macsPerSample);
  assert.equal(cost.flops, 2 * c.macsPerSample);
  assert.equal(formatCount(cost.macs), '1.02 G');
  const total = cost.macs * c.layers * c.samples;
  assert.equal(total, c.totalMacs);
  assert.equal(formatCount(total), '10.2 P');
  assert.equal(timeAt(total, 0.15e12), c.secondsAt['0.15e12']);
  assert.equal(formatDuration(timeAt(total, 0.15e12)), '19.0 h');
  assert.equal(formatDuration(timeAt(total, 12e12)), '14.2 min');
  // Counting FLOPs (2 per multiply-add) doubles the time.
  assert.equal(formatDuration(timeAt(2 * total, 0.15e12)), '37.9 h');
  assert.equal(formatDuration(timeAt(2 * total, 12e12)), '28.4 min');
}

/** S13: depthwise then pointwise needs far fewer multiply-adds than one full conv. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function checkSeparableCost(c: any): void {
  const depthwise = convCost(convInfo(c.inputShape, c.depthwise.weightShape, { groups: c.depthwise.groups }));
  const midShape = [1, 4, 4, 4];
  const pointwise = convCost(convInfo(midShape, c.pointwise.weightShape));
  const full = convCost(convInfo(c.inputShape, c.full.weightShape));
  assert.equal(depthwise.macs, c.depthwise.macs);
  assert.equal(pointwise.macs, c.pointwise.macs);
  assert.equal(full.macs, c.full.macs);
  assert.ok(depthwise.macs + pointwise.macs < full.macs / 3);
}
