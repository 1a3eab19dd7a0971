import * as assert from 'node:assert/strict';
import {
  avgPool2d,
  conv2d,
  convTranspose2d,
  globalAvgPool2d,
  globalMaxPool2d,
  lpPool2d,
  maxPool2d,
  tensor,
  toNested,
  type Tensor,
} from '../../src/engine';

const t = (rows: number[][]): Tensor => tensor([rows.length, rows[0].length], rows.flat());
const ones = (...shape: number[]): Tensor => tensor(shape, new Array(shape.reduce((a, b) => a * b, 1)).fill(1));
const x3 = t([
  [1, 2, 3],
  [4, 5, 6],
  [7, 8, 9],
]);
const identity1x1 = tensor([1, 1, 1, 1], [1]);

describe('engine/conv2d', () => {
  it('x=HW [2,2] w=[1,1,2,2] ones p=same → [1,2,2], extra pad bottom/right: [[10,6],[7,4]]', () => {
    const y = conv2d(t([[1, 2], [3, 4]]), ones(1, 1, 2, 2), null, { padding: 'same' });
    assert.deepEqual(toNested(y), [[[10, 6], [7, 4]]]);
  });
  it('x=[4,4] 0..15 w=ones 2×2 d=2 → [[20,24],[36,40]]', () => {
    const x = tensor([4, 4], Array.from({ length: 16 }, (_, i) => i));
    assert.deepEqual(toNested(conv2d(x, ones(1, 1, 2, 2), null, { dilation: 2 })), [[[20, 24], [36, 40]]]);
  });
  it('x=CHW [2,1,1] (1, 2) w=[2,1,1,1] (3, 5) g=2 bias (10, 20) → CHW [[[13]], [[30]]]', () => {
    const y = conv2d(tensor([2, 1, 1], [1, 2]), tensor([2, 1, 1, 1], [3, 5]), tensor([2], [10, 20]), { groups: 2 });
    assert.deepEqual(y.shape, [2, 1, 1]);
    assert.deepEqual([...y.data], [13, 30]);
  });
  it('x=NCHW [2,1,1,1] keeps the batch: [[[[2]]], [[[4]]]]', () => {
    const y = conv2d(tensor([2, 1, 1, 1], [1, 2]), tensor([1, 1, 1, 1], [2]));
    assert.deepEqual(toNested(y), [[[[2]]], [[[4]]]]);
  });
  it('x=[3,3] w=1×1 [[1]] p=1 mode=reflect → the reflected border', () => {
    const y = conv2d(x3, identity1x1, null, { padding: 1, paddingMode: 'reflect' });
    assert.deepEqual(toNested(y), [[[5, 4, 5, 6, 5], [2, 1, 2, 3, 2], [5, 4, 5, 6, 5], [8, 7, 8, 9, 8], [5, 4, 5, 6, 5]]]);
  });
  it('x=[3,3] p=1 mode=replicate repeats the edge; mode=circular wraps', () => {
    const rep = conv2d(x3, identity1x1, null, { padding: 1, paddingMode: 'replicate' });
    assert.deepEqual(toNested(rep), [[[1, 1, 2, 3, 3], [1, 1, 2, 3, 3], [4, 4, 5, 6, 6], [7, 7, 8, 9, 9], [7, 7, 8, 9, 9]]]);
    const circ = conv2d(x3, identity1x1, null, { padding: 1, paddingMode: 'circular' });
    assert.deepEqual(toNested(circ), [[[9, 7, 8, 9, 7], [3, 1, 2, 3, 1], [6, 4, 5, 6, 4], [9, 7, 8, 9, 7], [3, 1, 2, 3, 1]]]);
  });
  it('x=[3,3] p=[top 1, bottom 0, left 0, right 2] zeros → 4×5', () => {
    const y = conv2d(x3, identity1x1, null, { padding: [1, 0, 0, 2] });
    assert.deepEqual(toNested(y), [[[0, 0, 0, 0, 0], [1, 2, 3, 0, 0], [4, 5, 6, 0, 0], [7, 8, 9, 0, 0]]]);
  });
  it('convolution=true flips the kernel: [[1,2],[3,4]] on [[1,0],[0,0]] gives 4, cross-correlation 1', () => {
    const x = t([[1, 0], [0, 0]]);
    const w = tensor([1, 1, 2, 2], [1, 2, 3, 4]);
    assert.deepEqual([...conv2d(x, w, null, { convolution: true }).data], [4]);
    assert.deepEqual([...conv2d(x, w).data], [1]);
  });
  it('inf weight over zero padding gives NaN there (0·inf), as PyTorch', () => {
    const y = conv2d(ones(2, 2), tensor([1, 1, 1, 1], [Infinity]), null, { padding: 1 });
    assert.ok(Number.isNaN(y.data[0]));
    assert.equal(y.data[5], Infinity);
  });
  it('float32 in, float32 out, rounded once', () => {
    const y = conv2d(tensor([1, 1], [0.1], 'float32'), tensor([1, 1, 1, 1], [3], 'float32'));
    assert.equal(y.dtype, 'float32');
    assert.equal(y.data[0], Math.fround(Math.fround(0.1) * 3));
  });
  it('mixed dtypes are refused with both named', () => {
    assert.throws(() => conv2d(tensor([1, 1], [1]), tensor([1, 1, 1, 1], [1], 'float32')), /conv2d: input is float64 but the weight is float32/);
  });
});

describe('engine/conv_transpose2d', () => {
  const x = tensor([1, 2, 2], [1, 2, 3, 4]);
  it('x=[1,2,2] w=ones [1,1,2,2] s=1 → [[1,3,2],[4,10,6],[3,7,4]]', () => {
    assert.deepEqual(toNested(convTranspose2d(x, ones(1, 1, 2, 2))), [[[1, 3, 2], [4, 10, 6], [3, 7, 4]]]);
  });
  it('s=2 places each pixel as a 2×2 block', () => {
    assert.deepEqual(toNested(convTranspose2d(x, ones(1, 1, 2, 2), null, { stride: 2 })), [[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]);
  });
  it('s=1 p=1 crops to the centre [[10]]; s=2 output_padding=1 adds a zero row and column', () => {
    assert.deepEqual(toNested(convTranspose2d(x, ones(1, 1, 2, 2), null, { padding: 1 })), [[[10]]]);
    const y = convTranspose2d(x, ones(1, 1, 2, 2), tensor([1], [0.5]), { stride: 2, outputPadding: 1 });
    assert.deepEqual(y.shape, [1, 5, 5]);
    assert.equal(y.data[24], 0.5);
    assert.equal(y.data[0], 1.5);
  });
});

describe('engine/pools', () => {
  const x = t([
    [1, 5, 2],
    [7, 3, 4],
    [0, 6, 8],
  ]);
  it('max k=2 s=1 → [[7,5],[7,8]], indices h·W+w [[3,1],[3,8]]', () => {
    const { output, indices } = maxPool2d(x, { kernelSize: 2, stride: 1, returnIndices: true });
    assert.deepEqual(toNested(output), [[7, 5], [7, 8]]);
    assert.deepEqual(toNested(indices as Tensor), [[3, 1], [3, 8]]);
  });
  it('max with NaN in the window: NaN and its index, as PyTorch', () => {
    const { output, indices } = maxPool2d(t([[NaN, 1], [2, 3]]), { kernelSize: 2, returnIndices: true });
    assert.ok(Number.isNaN(output.data[0]));
    assert.equal(indices?.data[0], 0);
    assert.ok(Number.isNaN(globalMaxPool2d(t([[1, NaN]])).data[0]));
  });
  it('max ties: the first wins', () => {
    assert.equal(maxPool2d(t([[2, 2], [2, 2]]), { kernelSize: 2, returnIndices: true }).indices?.data[0], 0);
  });
  it('avg x=[[1,2],[3,4]] k=2 s=2 p=1: count_include_pad 1/4, without 1/1', () => {
    const x2 = t([[1, 2], [3, 4]]);
    assert.deepEqual(toNested(avgPool2d(x2, { kernelSize: 2, padding: 1 })), [[0.25, 0.5], [0.75, 1]]);
    assert.deepEqual(toNested(avgPool2d(x2, { kernelSize: 2, padding: 1, countIncludePad: false })), [[1, 2], [3, 4]]);
    assert.deepEqual(toNested(avgPool2d(x2, { kernelSize: 2, padding: 1, divisorOverride: 2 })), [[0.5, 1], [1.5, 2]]);
  });
  it('avg ceil_mode on width 5, k=2 s=2: a third window over the last column only, divided by 1', () => {
    const row = t([[2, 4, 6, 8, 10]]);
    assert.deepEqual(toNested(avgPool2d(row, { kernelSize: [1, 2] })), [[3, 7]]);
    assert.deepEqual(toNested(avgPool2d(row, { kernelSize: [1, 2], ceilMode: true })), [[3, 7, 10]]);
  });
  it('lp p=2 k=2 on [[3,4],[0,0]] → 5; p=1 sums', () => {
    assert.deepEqual([...lpPool2d(t([[3, 4], [0, 0]]), { normType: 2, kernelSize: 2 }).data], [5]);
    assert.deepEqual([...lpPool2d(t([[3, 4], [1, 2]]), { normType: 1, kernelSize: 2 }).data], [10]);
  });
  it('global pools keep the layout: CHW [2,1,2] → [2,1,1]', () => {
    const x2 = tensor([2, 1, 2], [1, 3, -1, 5]);
    assert.deepEqual(toNested(globalAvgPool2d(x2)), [[[2]], [[2]]]);
    assert.deepEqual(toNested(globalMaxPool2d(x2)), [[[3]], [[5]]]);
  });
});
