import * as assert from 'node:assert/strict';
import {
  convInfo,
  convTransposeInfo,
  explainElement,
  explainPoolElement,
  padInput,
  partialMaps,
  poolInfo,
  receptiveField,
  receptiveFieldThrough,
  tensor,
  toNested,
  windowPositions,
} from '../../src/engine';

// S1: X = [[0..8], [1..9]] (2×3×3), K = [[[0,1],[2,3]], [[1,2],[3,4]]] as one output channel.
const X = tensor([2, 3, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
const K = tensor([1, 2, 2, 2], [0, 1, 2, 3, 1, 2, 3, 4]);
const s1 = convInfo(X.shape, K.shape);

describe('engine/explain', () => {
  it('S1 top-left: channel 0 is 0×0+1×1+3×2+4×3 = 19, channel 1 1×1+2×2+4×3+5×4 = 37, total 56', () => {
    const e = explainElement(s1, X, K, null, { n: 0, o: 0, y: 0, x: 0 });
    assert.deepEqual(
      e.channels[0].terms.map((t) => [t.inputValue, t.weightValue, t.product]),
      [
        [0, 0, 0],
        [1, 1, 1],
        [3, 2, 6],
        [4, 3, 12],
      ],
    );
    assert.deepEqual(e.channels.map((c) => c.sum), [19, 37]);
    assert.equal(e.total, 56);
    assert.deepEqual(e.channels[1].terms[3].inputIndex, [1, 1, 1]);
    assert.deepEqual(e.channels[1].terms[3].weightIndex, [0, 1, 1, 1]);
  });
  it('with bias 1 the total is 57 and the bias is reported alone', () => {
    const info = convInfo(X.shape, K.shape, { hasBias: true });
    const e = explainElement(info, X, K, tensor([1], [1]), { n: 0, o: 0, y: 1, x: 1 });
    assert.deepEqual([e.bias, e.total], [1, 121]);
  });
  it('zero padding: the three padded taps are marked and read 0; reflect reads the mirrored values', () => {
    const x = tensor([2, 2], [1, 2, 3, 4]);
    const w = tensor([1, 1, 2, 2], [1, 1, 1, 1]);
    const zeros = explainElement(convInfo(x.shape, w.shape, { padding: 1 }), x, w, null, { n: 0, o: 0, y: 0, x: 0 });
    assert.deepEqual(zeros.channels[0].terms.map((t) => t.padded), [true, true, true, false]);
    assert.equal(zeros.total, 1);
    const reflect = explainElement(convInfo(x.shape, w.shape, { padding: 1, paddingMode: 'reflect' }), x, w, null, { n: 0, o: 0, y: 0, x: 0 });
    assert.deepEqual(reflect.channels[0].terms.map((t) => t.inputValue), [4, 3, 2, 1]);
    assert.deepEqual(reflect.channels[0].terms[0].sourceIndex, [0, 1, 1]);
    assert.equal(reflect.total, 10);
  });
  it('true convolution reports the flipped weight index', () => {
    const info = convInfo(X.shape, K.shape, { convolution: true });
    const e = explainElement(info, X, K, null, { n: 0, o: 0, y: 0, x: 0 });
    assert.deepEqual(e.channels[0].terms[0].weightIndex, [0, 0, 1, 1]);
    assert.equal(e.channels[0].terms[0].weightValue, 3);
  });
  it('conv_transpose2d: output (1,1) of [[1,2],[3,4]] ⊛ ones 2×2 gathers all four inputs = 10', () => {
    const x = tensor([1, 2, 2], [1, 2, 3, 4]);
    const w = tensor([1, 1, 2, 2], [1, 1, 1, 1]);
    const e = explainElement(convTransposeInfo(x.shape, w.shape), x, w, null, { n: 0, o: 0, y: 1, x: 1 });
    assert.equal(e.total, 10);
    assert.deepEqual(e.channels[0].terms.map((t) => t.weightIndex), [[0, 0, 1, 1], [0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]]);
  });
  it('max pool element: the window, the winner and PyTorch index', () => {
    const x = tensor([3, 3], [1, 5, 2, 7, 3, 4, 0, 6, 8]);
    const e = explainPoolElement(poolInfo('max_pool2d', x.shape, { kernelSize: 2, stride: 1 }), x, { n: 0, o: 0, y: 0, x: 0 });
    assert.deepEqual(e.taps.map((t) => t.inputValue), [1, 5, 7, 3]);
    assert.deepEqual([e.winner, e.flatIndex, e.value], [2, 3, 7]);
  });
  it('avg pool element with padding: divisor 4 with count_include_pad, 1 without', () => {
    const x = tensor([2, 2], [1, 2, 3, 4]);
    const include = explainElement(poolInfo('avg_pool2d', x.shape, { kernelSize: 2, padding: 1 }), x, null, null, { n: 0, o: 0, y: 0, x: 0 });
    assert.deepEqual([include.sum, include.divisor, include.value], [1, 4, 0.25]);
    const exclude = explainPoolElement(poolInfo('avg_pool2d', x.shape, { kernelSize: 2, padding: 1, countIncludePad: false }), x, { n: 0, o: 0, y: 0, x: 0 });
    assert.deepEqual([exclude.divisor, exclude.value], [1, 1]);
  });
  it('a position outside the output is refused with the output shape', () => {
    assert.throws(() => explainElement(s1, X, K, null, { n: 0, o: 1, y: 0, x: 0 }), /explainElement: output position \(n=0, o=1, y=0, x=0\) is outside the output \[1, 1, 2, 2\]/);
  });
});

describe('engine/partialMaps', () => {
  it('S1: [[19,25],[37,43]] and [[37,47],[67,77]], which sum to [[56,72],[104,120]]', () => {
    assert.deepEqual(toNested(partialMaps(s1, X, K, 0, 0)), [
      [
        [19, 25],
        [37, 43],
      ],
      [
        [37, 47],
        [67, 77],
      ],
    ]);
  });
  it('groups=2: output channel 1 sees only input channel 1', () => {
    const w = tensor([2, 1, 1, 1], [2, 3]);
    const maps = partialMaps(convInfo([2, 1, 1], w.shape, { groups: 2 }), tensor([2, 1, 1], [5, 7]), w, 0, 1);
    assert.deepEqual(toNested(maps), [[[21]]]);
  });
});

describe('engine/receptive field and windows', () => {
  it('x=8×8 k=3 p=1 s=2: (0,0) reads rows -1..1, (3,3) rows 5..7', () => {
    const info = convInfo([8, 8], [1, 1, 3, 3], { padding: 1, stride: 2 });
    assert.deepEqual(receptiveField(info, 0, 0), { top: -1, left: -1, bottom: 1, right: 1 });
    assert.deepEqual(receptiveField(info, 3, 3), { top: 5, left: 5, bottom: 7, right: 7 });
  });
  it('two 3×3 convs: 5×5 in the input; with padding 1 each, -2..2', () => {
    const a = convInfo([8, 8], [1, 1, 3, 3]);
    const b = convInfo([6, 6], [1, 1, 3, 3]);
    assert.deepEqual(receptiveFieldThrough([a, b], 0, 0), { top: 0, left: 0, bottom: 4, right: 4 });
    const pa = convInfo([8, 8], [1, 1, 3, 3], { padding: 1 });
    assert.deepEqual(receptiveFieldThrough([pa, pa], 0, 0), { top: -2, left: -2, bottom: 2, right: 2 });
  });
  it('conv3×3 then max pool 2×2: output (1,1) reads rows 2..5', () => {
    const conv = convInfo([8, 8], [1, 1, 3, 3]);
    const pool = poolInfo('max_pool2d', [6, 6], { kernelSize: 2 });
    assert.deepEqual(receptiveFieldThrough([conv, pool], 1, 1), { top: 2, left: 2, bottom: 5, right: 5 });
  });
  it('conv_transpose2d k=2 s=2: output row 3 comes from input row 1', () => {
    const info = convTransposeInfo([2, 2], [1, 1, 2, 2], { stride: 2 });
    assert.deepEqual(receptiveField(info, 3, 0), { top: 1, left: 0, bottom: 1, right: 0 });
  });
  it('window positions of 3×3 by a 2×2 window, stride 1, padding 1: row by row from (-1,-1)', () => {
    const info = convInfo([2, 2], [1, 1, 2, 2], { padding: 1 });
    assert.deepEqual(
      windowPositions(info).map((p) => [p.outY, p.outX, p.top, p.left]),
      [
        [0, 0, -1, -1],
        [0, 1, -1, 0],
        [0, 2, -1, 1],
        [1, 0, 0, -1],
        [1, 1, 0, 0],
        [1, 2, 0, 1],
        [2, 0, 1, -1],
        [2, 1, 1, 0],
        [2, 2, 1, 1],
      ],
    );
  });
  it('padInput: replicate on [[1,2],[3,4]] p=1; max pool pads with -inf', () => {
    const x = tensor([2, 2], [1, 2, 3, 4]);
    assert.deepEqual(toNested(padInput(convInfo(x.shape, [1, 1, 1, 1], { padding: 1, paddingMode: 'replicate' }), x)), [
      [1, 1, 2, 2],
      [1, 1, 2, 2],
      [3, 3, 4, 4],
      [3, 3, 4, 4],
    ]);
    const padded = padInput(poolInfo('max_pool2d', x.shape, { kernelSize: 2, padding: [1, 0] }), x);
    assert.deepEqual(toNested(padded), [[-Infinity, -Infinity], [1, 2], [3, 4], [-Infinity, -Infinity]]);
  });
});
