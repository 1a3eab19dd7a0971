import * as assert from 'node:assert/strict';
import { conv2d, corr2dMultiInOut, maxPool2d, tensor } from '../../src/engine';
import { isPlaygroundFromWebview, isPlaygroundToWebview, nestedToWire, readPlaygroundArgs } from '../../src/protocol';
import { channelParts, forward, resolve } from '../../webview/playground/compute';
import { applyArgs, conformKernel, defaultState, DEFAULT_PARAMS, restoreState, type Params } from '../../webview/playground/state';
import { formatTensorText, parseTensorText } from '../../webview/playground/text';

const params = (p: Partial<Params> = {}): Params => ({ ...DEFAULT_PARAMS, ...p });
const X = tensor([2, 3, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
const K = tensor([1, 2, 2, 2], [0, 1, 2, 3, 1, 2, 3, 4]);

describe('playground/protocol: command arguments and messages', () => {
  it('reads nested lists and {shape, data} as tensors', () => {
    const r = readPlaygroundArgs({ input: [[1, 2], [3, 4]], kernel: { shape: [1, 1], data: [2] }, bias: 0.5, params: { stride: [2, 1], padding: 'same', op: 'conv2d' } });
    assert.ok('args' in r);
    assert.deepEqual(r.args.input, { shape: [2, 2], data: [1, 2, 3, 4] });
    assert.deepEqual(r.args.kernel, { shape: [1, 1], data: [2] });
    assert.deepEqual(r.args.bias, [0.5]);
  });
  it('refuses ragged lists, unknown options, strings for numbers and huge shapes', () => {
    assert.equal(nestedToWire([[1, 2], [3]]), undefined);
    assert.ok('error' in readPlaygroundArgs({ input: [[1, 2], [3]] }));
    assert.ok('error' in readPlaygroundArgs({ params: { padding: 'full' } }));
    assert.ok('error' in readPlaygroundArgs({ params: { stride: 0 } }));
    assert.ok('error' in readPlaygroundArgs({ kernel: [['1']] }));
    assert.ok('error' in readPlaygroundArgs({ input: { shape: [4096, 4096], data: [] } }));
    assert.ok('error' in readPlaygroundArgs('x'));
    assert.deepEqual(readPlaygroundArgs(undefined), { args: {} });
  });
  it('guards every message in both directions', () => {
    assert.ok(isPlaygroundFromWebview({ type: 'ready' }));
    assert.ok(isPlaygroundFromWebview({ type: 'requestSelection', target: 'kernel' }));
    assert.ok(!isPlaygroundFromWebview({ type: 'requestSelection', target: 'elsewhere' }));
    assert.ok(!isPlaygroundFromWebview({ type: 'runShell' }));
    assert.ok(isPlaygroundToWebview({ type: 'selection', target: 'input', text: '[[1]]', reason: null }));
    assert.ok(isPlaygroundToWebview({ type: 'image', name: 'a.png', mime: 'image/png', base64: 'iVBORw0KGgo=' }));
    assert.ok(!isPlaygroundToWebview({ type: 'image', name: 'a.png', mime: 'image/png', base64: '<script>' }));
    assert.ok(isPlaygroundToWebview({ type: 'init', args: null }));
    assert.ok(!isPlaygroundToWebview({ type: 'load', args: { input: { shape: [2], data: [1] } } }));
  });
});

describe('playground/state', () => {
  it('a saved state comes back whole; anything unsound gives the defaults', () => {
    const s = defaultState();
    s.params.stride = [2, 2];
    assert.deepEqual(restoreState(JSON.parse(JSON.stringify(s))), s);
    assert.deepEqual(restoreState({ ...s, input: { shape: [2, 2], data: [1] } }), defaultState());
    assert.deepEqual(restoreState({ ...s, params: { ...s.params, op: 'eval' } }), defaultState());
    assert.deepEqual(restoreState(null), defaultState());
  });
  it('arguments: an H×W input becomes 1×H×W, a C×kH×kW kernel 1×C×kH×kW, padding pairs become four sides', () => {
    const next = applyArgs(defaultState(), { input: { shape: [3, 3], data: [0, 1, 2, 3, 4, 5, 6, 7, 8] }, kernel: { shape: [1, 2, 2], data: [0, 1, 2, 3] }, params: { padding: [1, 2] } });
    assert.ok(typeof next !== 'string');
    assert.deepEqual(next.input.shape, [1, 3, 3]);
    assert.deepEqual(next.kernel.shape, [1, 1, 2, 2]);
    assert.deepEqual(next.params.padding, [1, 1, 2, 2]);
    assert.equal(typeof applyArgs(defaultState(), { input: { shape: [2, 1, 3, 3], data: new Array(18).fill(0) } }), 'string');
  });
  it('pool arguments default the stride to the window, as PyTorch does', () => {
    const next = applyArgs(defaultState(), { params: { op: 'max_pool2d', kernelSize: 3 } });
    assert.ok(typeof next !== 'string');
    assert.deepEqual(next.params.stride, [3, 3]);
  });
  it('adding an input channel adds a (zero) kernel slice; groups shrink the slices', () => {
    const s = defaultState();
    s.input = { shape: [3, 3, 3], data: new Array(27).fill(1) };
    conformKernel(s);
    assert.deepEqual(s.kernel.shape, [1, 3, 2, 2]);
    assert.deepEqual(s.kernel.data, [0, 1, 2, 3, 1, 2, 3, 4, 0, 0, 0, 0]);
    s.params.groups = 3;
    s.kernel = { shape: [3, 3, 2, 2], data: new Array(36).fill(1) };
    conformKernel(s);
    assert.deepEqual(s.kernel.shape, [3, 1, 2, 2]);
  });
});

describe('playground/compute: the engine behind every view', () => {
  it('S1: the default state gives [[56, 72], [104, 120]]', () => {
    const f = forward(params(), { input: X, kernel: K, bias: null });
    assert.deepEqual([...f.output.data], [56, 72, 104, 120]);
  });
  it('S2: three kernels K, K+1, K+2 stacked give the chapter\'s three maps', () => {
    const k3 = tensor([3, 2, 2, 2], [0, 1, 2].flatMap((d) => [0, 1, 2, 3, 1, 2, 3, 4].map((v) => v + d)));
    const f = forward(params(), { input: X, kernel: k3, bias: null });
    assert.deepEqual([...f.output.data], [56, 72, 104, 120, 76, 100, 148, 172, 96, 128, 192, 224]);
    assert.deepEqual([...f.output.data], [...corr2dMultiInOut(X, k3).data]);
  });
  it('every option reaches the engine: stride, same padding, reflect, dilation, flip, bias', () => {
    const x = tensor([1, 5, 5], Array.from({ length: 25 }, (_, i) => (i * 7) % 11));
    const k = tensor([2, 1, 3, 3], Array.from({ length: 18 }, (_, i) => (i % 5) - 2));
    const b = tensor([2], [0.5, -1]);
    const p = params({ stride: [2, 1], paddingKind: 'same', paddingMode: 'reflect', dilation: [1, 1], convolution: true });
    assert.throws(() => forward(p, { input: x, kernel: k, bias: b }), /same/);
    const q = params({ stride: [1, 1], paddingKind: 'same', paddingMode: 'reflect', dilation: [2, 1], convolution: true });
    const f = forward(q, { input: x, kernel: k, bias: b });
    const expected = conv2d(x, k, b, { padding: 'same', paddingMode: 'reflect', dilation: [2, 1], convolution: true });
    assert.deepEqual(f.output.shape, [2, 5, 5]);
    assert.deepEqual([...f.output.data], [...expected.data]);
  });
  it('max pooling returns the winners, and pools refuse padding=\'same\'', () => {
    const x = tensor([1, 3, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const f = forward(params({ op: 'max_pool2d', poolSize: [2, 2], stride: [1, 1] }), { input: x, kernel: K, bias: null });
    assert.deepEqual([...f.output.data], [4, 5, 7, 8]);
    assert.deepEqual([...(f.indices?.data ?? [])], [...(maxPool2d(x, { kernelSize: 2, stride: 1, returnIndices: true }).indices?.data ?? [])]);
    assert.throws(() => resolve(params({ op: 'avg_pool2d', paddingKind: 'same' }), [1, 3, 3], [1, 1, 1, 1], false), /same/);
  });
  it('channels view: the partial maps sum to the output minus its bias (S1: 19+37 = 56 …)', () => {
    const b = tensor([1], [0.25]);
    const f = forward(params(), { input: X, kernel: K, bias: b });
    const parts = channelParts(f.info, { input: X, kernel: K, bias: b }, 0);
    assert.deepEqual([...parts.partials[0].data], [19, 25, 37, 43]);
    assert.deepEqual([...parts.partials[1].data], [37, 47, 67, 77]);
    assert.deepEqual([...parts.sum.data].map((v) => v + 0.25), [...f.output.data]);
  });
  it('a transposed conv goes through the same path', () => {
    const w = tensor([2, 1, 2, 2], [1, 0, 0, 1, 0, 1, 1, 0]);
    const f = forward(params({ op: 'conv_transpose2d', stride: [2, 2] }), { input: X, kernel: w, bias: null });
    assert.deepEqual(f.output.shape, [1, 6, 6]);
  });
});

describe('playground/text: the editors\' text boxes', () => {
  const ok = (text: string) => {
    const r = parseTensorText(text);
    assert.ok(r.ok, r.ok ? '' : `${r.message} at ${r.line}:${r.column}`);
    return r.tensor;
  };
  it('reads lists, torch.tensor(…), printed tensor(…) and NumPy prints', () => {
    assert.deepEqual(ok('[[1, -1]]'), { shape: [1, 2], data: [1, -1] });
    assert.deepEqual(ok('torch.tensor([[0, 1], [2, 3]], dtype=torch.float32)'), { shape: [2, 2], data: [0, 1, 2, 3] });
    assert.deepEqual(ok('tensor([[[[19., 25.],\n          [37., 43.]]]])'), { shape: [1, 1, 2, 2], data: [19, 25, 37, 43] });
    assert.deepEqual(ok('[[-2. -1. -2.]\n [-1.  0. -2.]]'), { shape: [2, 3], data: [-2, -1, -2, -1, 0, -2] });
    assert.deepEqual(ok('K = torch.tensor([[1, -1]], dtype=torch.float32)'), { shape: [1, 2], data: [1, -1] });
  });
  it('points at the problem: line and column', () => {
    const r = parseTensorText('[[1, 2],\n [3, x]]');
    assert.ok(!r.ok);
    assert.equal(r.line, 2);
    assert.equal(r.column, 6);
  });
  it('a call still being typed is not read yet (its inner lists are already whole)', () => {
    const r = parseTensorText('torch.tensor([[[[1, -1], [2, 0]], [[0, 3]');
    assert.ok(!r.ok);
    assert.equal(r.message, 'a bracket is left open');
    assert.deepEqual([r.line, r.column], [1, 35], "the last bracket still open: [[0, 3] opened at column 35");
    assert.ok(parseTensorText('x = "[" # (\nX = torch.tensor([[1, 2]])').ok, 'brackets in strings and comments do not count');
  });
  it('what it writes it reads back', () => {
    const t = { shape: [2, 2, 3], data: [0, 1.5, -2, 3, 4, 5, 6, 7, 8, 9, 10, 0.125] };
    assert.deepEqual(ok(formatTensorText(t)), t);
  });
});
