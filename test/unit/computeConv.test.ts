import * as assert from 'node:assert/strict';
import { tensor, toNested, type Tensor } from '../../src/engine';
import { DEFAULT_PARAMS, formatParams, parseParams, type ComputeParams } from '../../src/compute/params';
import { chooseOperands, nameMatches, readKernel, readInput, ReadingError, type NamedTensor } from '../../src/compute/operands';
import { builtinKernel, BUILTIN_KERNELS } from '../../src/compute/kernels';
import { commentLines, fenceLanguageAt } from '../../src/compute/comment';
import { runJob, type ComputeJob } from '../../src/compute/job';
import { fromResultTensor, isResultFromWebview, isResultRequest, isResultToWebview, toResultTensor } from '../../src/protocol/resultPanel';

/** A tensor from nested lists (test shorthand). */
function t(nested: unknown): Tensor {
  const shape: number[] = [];
  for (let v = nested; Array.isArray(v); v = v[0]) shape.push(v.length);
  return tensor(shape, (nested as unknown[]).flat(4) as number[]);
}

function params(text: string): ComputeParams {
  const r = parseParams(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.params;
}

function job(input: Tensor, kernel: Tensor | null, p = '', bias: Tensor | null = null): ComputeJob {
  return {
    input: { name: 'X', tensor: input },
    kernel: kernel && { name: 'K', tensor: kernel },
    bias: bias && { name: 'b', tensor: bias },
    params: params(p),
    paramsText: p,
    cpuFlopsPerSecond: 0.15e12,
    gpuFlopsPerSecond: 12e12,
  };
}

const nested = (r: { shape: number[]; data: ArrayLike<number> }) => toNested({ shape: r.shape, dtype: 'float64', data: Float64Array.from(r.data) });

// The seeds' tensors (see ../shared/samples/README.md).
const X = t([[[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]]);
const K = t([[[0, 1], [2, 3]], [[1, 2], [3, 4]]]);

describe('compute/params', () => {
  it('an empty line gives the defaults', () => {
    assert.deepEqual(params(''), DEFAULT_PARAMS);
  });
  it('stride=2, padding=1, dilation=1, groups=1, padding_mode=zeros, op=conv2d', () => {
    const p = params('stride=2, padding=1, dilation=1, groups=1, padding_mode=zeros, op=conv2d');
    assert.deepEqual([p.stride, p.padding, p.dilation, p.groups, p.paddingMode, p.op], [[2, 2], 1, [1, 1], 1, 'zeros', 'conv2d']);
  });
  it("Python spellings: tuples, quoted 'same', True", () => {
    const p = params("stride=(1, 1), padding='same', convolution=True, dilation=(2, 1)");
    assert.deepEqual([p.stride, p.padding, p.convolution, p.dilation], [[1, 1], 'same', true, [2, 1]]);
    assert.deepEqual(params('padding=(1, 2, 3, 4)').padding, [1, 2, 3, 4]);
  });
  it('pools need kernel_size; their stride defaults to it', () => {
    const bad = parseParams('op=max_pool2d');
    assert.equal(bad.ok, false);
    assert.match(!bad.ok ? bad.error.message : '', /needs kernel_size/);
    const p = params('op=max_pool2d, kernel_size=2, stride=1');
    assert.deepEqual([p.op, p.kernelSize, p.stride], ['max_pool2d', [2, 2], [1, 1]]);
    // Over a conv line that sets stride=1 (the settings' default), a pool still strides by its window.
    const over = parseParams('op=max_pool2d, kernel_size=2', params('stride=1, padding=0'));
    assert.ok(over.ok && over.params.stride === null);
  });
  it('points at the offending part: unknown key, bad value, doubled key', () => {
    const text = 'stride=2, strid=3';
    const r = parseParams(text);
    assert.ok(!r.ok);
    assert.match(r.error.message, /unknown parameter "strid"/);
    assert.equal(text.slice(r.error.offset, r.error.offset + r.error.length), 'strid');
    const v = parseParams('stride=0');
    assert.ok(!v.ok && /at least 1/.test(v.error.message));
    const f = parseParams('padding=1.5');
    assert.ok(!f.ok && /whole number/.test(f.error.message));
    const d = parseParams('groups=2, groups=3');
    assert.ok(!d.ok && /twice/.test(d.error.message));
    const s = parseParams("padding='same', stride=2");
    assert.ok(!s.ok && /needs stride=1/.test(s.error.message));
    const o = parseParams('op=conv3d');
    assert.ok(!o.ok && /op must be one of/.test(o.error.message));
  });
  it('formatParams round-trips through parseParams', () => {
    for (const text of ['', 'stride=2, padding=(1, 2)', "padding='same', dilation=2", 'op=avg_pool2d, kernel_size=3, padding=1, ceil_mode=true', 'op=conv_transpose2d, stride=2, output_padding=1', 'convolution=true, padding_mode=reflect, padding=1']) {
      const line = formatParams(params(text));
      assert.equal(formatParams(params(line)), line, text);
    }
  });
});

describe('compute/operands', () => {
  const named = (name: string | undefined, tensor: Tensor, line = 0): NamedTensor => ({ name, tensor, line });
  it('names decide: X/input_data/img → input, K/kernel/weight → kernel, b → bias', () => {
    assert.ok(nameMatches('input_data', ['x', 'input']));
    assert.ok(nameMatches('self.conv.weight.data', ['weight']));
    assert.ok(nameMatches('K3', ['k']));
    assert.ok(!nameMatches('Y', ['x']));
    const b = t([1]).shape.length === 1 ? tensor([1], [0.5]) : t([1]);
    const ops = chooseOperands([named('K', K, 1), named('b', b, 2), named('X', X, 0)])!;
    assert.equal(ops.input.name, 'X');
    assert.equal(ops.kernel?.name, 'K');
    assert.equal(ops.bias?.name, 'b');
  });
  it('unnamed tensors fill in order: input, then kernel; the rest is ignored', () => {
    const ops = chooseOperands([named(undefined, X), named(undefined, K), named('Y', X)])!;
    assert.equal(ops.input.tensor, X);
    assert.equal(ops.kernel?.tensor, K);
    assert.equal(ops.ignored.length, 1);
    assert.equal(chooseOperands([]), undefined);
    assert.equal(chooseOperands([named('X', X)])!.kernel, undefined);
    // A lone tensor is the input whatever it is called.
    const lone = chooseOperands([named('K', K)])!;
    assert.equal(lone.input.name, 'K');
    assert.equal(lone.kernel, undefined);
    assert.equal(chooseOperands([named('b', tensor([2], [1, 2]))])!.input.name, 'b');
  });
  it('readings: HW, CHW, NCHW inputs; kH×kW, C_in×kH×kW, C_out×C_in×kH×kW kernels', () => {
    assert.equal(readInput(t([[1, 2], [3, 4]])).reading, 'H×W');
    assert.deepEqual(readInput(X).nchw.shape, [1, 2, 3, 3]);
    assert.equal(readKernel(K, X, 'C×H×W', 'conv2d', 1).reading, 'C_in×kH×kW');
    assert.deepEqual(readKernel(K, X, 'C×H×W', 'conv2d', 1).weight.shape, [1, 2, 2, 2]);
    assert.throws(() => readInput(tensor([3], [1, 2, 3])), /needs H×W, C×H×W or N×C×H×W/);
  });
  it('a channel mismatch names both shapes and both readings', () => {
    const X3 = tensor([3, 4, 4], new Array(48).fill(1));
    assert.throws(
      () => readKernel(K, X3, 'C×H×W', 'conv2d', 1),
      (err: unknown) =>
        err instanceof ReadingError &&
        err.message === 'the input has 3 channels (read as C×H×W, shape [3, 4, 4]) but the kernel has 2 (read as C_in×kH×kW, shape [2, 2, 2])',
    );
    assert.throws(() => readKernel(t([[1, -1]]), X, 'C×H×W', 'conv2d', 1), /the input has 2 channels .* but the kernel has 1 \(read as kH×kW/);
  });
});

describe('compute/kernels', () => {
  it('every built-in builds; spatial ones repeat over input channels', () => {
    for (const k of BUILTIN_KERNELS) assert.ok(builtinKernel(k.id, 1).kernel.data.length > 0, k.id);
    assert.deepEqual(builtinKernel('laplacian', 1).kernel.shape, [3, 3]);
    assert.deepEqual(builtinKernel('laplacian', 3).kernel.shape, [3, 3, 3]);
    assert.deepEqual(builtinKernel('mixer', 3, 7).kernel.shape, [3, 3, 1, 1]);
    assert.deepEqual(builtinKernel('mixer', 3, 7).kernel.data, builtinKernel('mixer', 3, 7).kernel.data);
  });
});

describe('compute/comment', () => {
  it('Python gets # lines; C-like //; Markdown an HTML comment; the indent is kept', () => {
    assert.deepEqual(commentLines('tensor([[56., 72.],\n        [104., 120.]])', 'python', '    '), ['    # tensor([[56., 72.],', '    #         [104., 120.]])']);
    assert.deepEqual(commentLines('a', 'typescript'), ['// a']);
    assert.deepEqual(commentLines('a -- b', 'markdown'), ['<!--', 'a - - b', '-->']);
  });
  it('inside a Markdown fence the fence language decides', () => {
    const lines = ['text', '```python', 'X = 1', '```', 'after'];
    assert.equal(fenceLanguageAt(lines, 2), 'python');
    assert.equal(fenceLanguageAt(lines, 4), undefined);
    assert.equal(fenceLanguageAt(lines, 0), undefined);
  });
});

describe('compute/job (the seeds)', () => {
  it('S1: corr2d_multi_in(X, K) = [[56, 72], [104, 120]] with partial maps [[19, 25], [37, 43]] and [[37, 47], [67, 77]]', () => {
    const v = runJob(job(X, K));
    assert.deepEqual(nested(v.output), [[56, 72], [104, 120]]);
    assert.deepEqual(v.output.shape, [2, 2]);
    assert.equal(v.breakdown.length, 1);
    assert.deepEqual(v.breakdown[0].partials.map(nested), [[[19, 25], [37, 43]], [[37, 47], [67, 77]]]);
    assert.deepEqual(nested(v.breakdown[0].sum), [[56, 72], [104, 120]]);
    assert.ok(v.readings.some((r) => r.includes('read as C×H×W')) && v.readings.some((r) => r.includes('read as C_in×kH×kW')));
    assert.match(v.outputText, /^tensor\(\[\[ *56\.?, +72\.?\],\n +\[104\.?, 120\.?\]\]\)$/);
    assert.equal(v.cost.macs, 2 * 2 * 2 * 2 * 2);
    assert.match(v.formula.height, /= 2$/);
  });
  it('S2: C_out×C_in×kH×kW gives one map per output channel', () => {
    const K3 = tensor([3, 2, 2, 2], [...K.data, ...K.data.map((v) => v + 1), ...K.data.map((v) => v + 2)]);
    const v = runJob(job(X, K3));
    assert.deepEqual(nested(v.output), [[[56, 72], [104, 120]], [[76, 100], [148, 172]], [[96, 128], [192, 224]]]);
    assert.equal(v.breakdown.length, 3);
  });
  it('S4: the Laplacian on the 5×5 image gives [[-2,-1,-2],[-1,0,-2],[-1,-2,2]]', () => {
    const img = tensor([1, 1, 5, 5], [0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0]);
    const v = runJob(job(img, builtinKernel('laplacian', 1).kernel));
    assert.deepEqual(nested(v.output), [[[[-2, -1, -2], [-1, 0, -2], [-1, -2, 2]]]]);
  });
  it('S5: [[0,1],[2,3]] on [[0,1,2],[3,4,5],[6,7,8]] (N×C×H×W) gives [[19,25],[37,43]]', () => {
    const v = runJob(job(t([[[[0, 1, 2], [3, 4, 5], [6, 7, 8]]]]), t([[[[0, 1], [2, 3]]]])));
    assert.deepEqual(nested(v.output), [[[[19, 25], [37, 43]]]]);
  });
  it('S11: [[50, 66], [98, 114]]', () => {
    const X11 = t([[[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[0, 2, 4], [6, 8, 10], [12, 14, 16]]]);
    const K11 = t([[[1, 1], [1, 1]], [[0, 1], [2, 3]]]);
    assert.deepEqual(nested(runJob(job(X11, K11)).output), [[50, 66], [98, 114]]);
  });
  it('S6: [[1, -1]] finds the edges of the 6×8 image', () => {
    const img = tensor([6, 8], Array.from({ length: 48 }, (_, i) => (i % 8 >= 2 && i % 8 < 6 ? 0 : 1)));
    const v = runJob(job(img, builtinKernel('edge', 1).kernel));
    assert.deepEqual(v.output.shape, [6, 7]);
    assert.deepEqual((nested(v.output) as number[][])[0], [0, 1, 0, 0, 0, -1, 0]);
  });
  it('S12: 2×2 max pooling with stride 1 on a 3×3 input needs no kernel', () => {
    const v = runJob(job(t([[0, 1, 2], [3, 4, 5], [6, 7, 8]]), null, 'op=max_pool2d, kernel_size=2, stride=1'));
    assert.deepEqual(nested(v.output), [[4, 5], [7, 8]]);
    assert.equal(v.cost.macs, 0);
  });
  it('conv_transpose2d with stride 2 spreads each input value over a 2×2 block', () => {
    const v = runJob(job(t([[1, 2], [3, 4]]), t([[1, 1], [1, 1]]), 'op=conv_transpose2d, stride=2'));
    assert.deepEqual(nested(v.output), [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]);
    assert.match(v.formula.height, /^\(2 − 1\)·2 − 0 − 0 \+ 1·\(2 − 1\) \+ 0 \+ 1 = 4$/);
  });
  it('avg_pool2d and true convolution (the flipped kernel)', () => {
    const x = t([[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
    assert.deepEqual(nested(runJob(job(x, null, 'op=avg_pool2d, kernel_size=2, stride=1')).output), [[2, 3], [5, 6]]);
    // Flipped [[0, 1], [2, 3]] is [[3, 2], [1, 0]]: 0·3 + 1·2 + 3·1 + 4·0 = 5 at the top left.
    const flipped = runJob(job(x, t([[0, 1], [2, 3]]), 'convolution=true'));
    assert.deepEqual(nested(flipped.output), [[5, 11], [23, 29]]);
    assert.ok(flipped.notes.some((n) => n.startsWith('True convolution')));
  });
  it('bias: added per output channel, and its shape is checked', () => {
    const v = runJob(job(X, K, '', tensor([1], [0.5])));
    assert.deepEqual(nested(v.output), [[56.5, 72.5], [104.5, 120.5]]);
    assert.equal(v.breakdown[0].bias, 0.5);
    assert.throws(() => runJob(job(X, K, '', tensor([2], [1, 2]))), /the bias has shape \[2\] but the kernel has 1 output channel/);
  });
  it('padding and stride: S8 sizes 6×6, 8×8, 3×3 for an 8×8 input and a 3×3 kernel', () => {
    const img = tensor([8, 8], new Array(64).fill(1));
    const k = builtinKernel('box-blur', 1).kernel;
    assert.deepEqual(runJob(job(img, k)).output.shape, [6, 6]);
    assert.deepEqual(runJob(job(img, k, 'padding=1')).output.shape, [8, 8]);
    assert.deepEqual(runJob(job(img, k, 'stride=2')).output.shape, [3, 3]);
  });
  it('100 input channels: the cost counts them all, the breakdown is left out', () => {
    const v = runJob(job(tensor([100, 8, 8], new Float64Array(100 * 8 * 8)), tensor([100, 100, 5, 5], new Float64Array(100 * 100 * 25))));
    assert.equal(v.cost.macs, 100 * 100 * 25 * 4 * 4);
    assert.equal(v.cost.flops, 2 * v.cost.macs);
    assert.equal(v.breakdown.length, 0);
    assert.match(v.breakdownNote ?? '', /100 partial maps/);
  });
  it('sum of partial maps plus bias equals the output, also with groups, padding and dilation', () => {
    const x = tensor([1, 4, 5, 5], Array.from({ length: 100 }, (_, i) => (i * 7) % 11 - 5));
    const w = tensor([6, 2, 3, 3], Array.from({ length: 108 }, (_, i) => (i * 5) % 7 - 3));
    const b = tensor([6], [1, -1, 2, -2, 0.5, 0]);
    const v = runJob(job(x, w, 'groups=2, padding=2, dilation=2, padding_mode=reflect', b));
    for (const ch of v.breakdown) {
      const sum = ch.sum.data;
      const out = ch.output.data;
      for (let i = 0; i < sum.length; i++) assert.ok(Math.abs(sum[i] + (ch.bias as number) - out[i]) < 1e-9);
    }
    assert.deepEqual(v.breakdown[3].inputChannels, [2, 3]);
  });
});

describe('protocol/resultPanel guards', () => {
  const request = {
    input: { name: 'X', tensor: toResultTensor(X) },
    kernel: { name: 'K', tensor: toResultTensor(K) },
    bias: null,
    params: 'stride=1',
    documentUri: 'file:///a.py',
    anchorLine: 3,
    anchorText: 'K = 1',
    indent: '',
    languageId: 'python',
  };
  it('accepts the webview messages and nothing else', () => {
    assert.ok(isResultFromWebview({ type: 'result/copy' }));
    assert.ok(isResultFromWebview({ type: 'result/insertComment' }));
    assert.ok(!isResultFromWebview({ type: 'result/copy', extra: '<script>' }));
    assert.ok(!isResultFromWebview({ type: 'result/delete' }));
    assert.ok(!isResultFromWebview('result/copy'));
    assert.ok(!isResultFromWebview(null));
  });
  it('checks a saved request field by field', () => {
    assert.ok(isResultRequest(request));
    assert.ok(!isResultRequest({ ...request, indent: 'x' }));
    assert.ok(!isResultRequest({ ...request, input: { name: 'X', tensor: { shape: [2, 2], data: [1, 2, 3] } } }));
    assert.ok(!isResultRequest({ ...request, anchorLine: -1 }));
    assert.ok(isResultToWebview({ type: 'result/failed', message: 'x' }));
  });
  it('NaN and infinities cross as strings', () => {
    const w = toResultTensor(tensor([3], [NaN, Infinity, -Infinity]));
    assert.deepEqual(w.data, ['NaN', 'Infinity', '-Infinity']);
    const back = fromResultTensor(w).data;
    assert.ok(Number.isNaN(back[0]) && back[1] === Infinity && back[2] === -Infinity);
  });
});
