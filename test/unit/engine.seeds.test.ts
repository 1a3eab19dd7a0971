import * as assert from 'node:assert/strict';
import { corr2d, corr2dMultiIn, corr2dMultiInOut, corr2dMultiInOut1x1, pool2d, tensor, toNested } from '../../src/engine';

const X = tensor([3, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8]);

describe("engine/the seeds' helpers", () => {
  it('S5 corr2d([[0..8]], [[0,1],[2,3]]) → [[19,25],[37,43]]', () => {
    assert.deepEqual(toNested(corr2d(X, tensor([2, 2], [0, 1, 2, 3]))), [[19, 25], [37, 43]]);
  });
  it('S11 corr2d_multi_in → [[50,66],[98,114]]', () => {
    const x = tensor([2, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 2, 4, 6, 8, 10, 12, 14, 16]);
    const k = tensor([2, 2, 2], [1, 1, 1, 1, 0, 1, 2, 3]);
    assert.deepEqual(toNested(corr2dMultiIn(x, k)), [[50, 66], [98, 114]]);
  });
  it('S3 1×1 as a matrix product equals the correlation: X 3×2×2, K 2×3×1×1', () => {
    const x = tensor([3, 2, 2], [1, 2, 3, 4, 0, 1, 0, 1, -1, 2, -2, 1]);
    const k = tensor([2, 3, 1, 1], [1, 2, 3, -1, 0, 2]);
    const product = corr2dMultiInOut1x1(x, k);
    assert.deepEqual(toNested(product), toNested(corr2dMultiInOut(x, k)));
    // Output channel 0 at (0,0): 1·1 + 2·0 + 3·(−1) = −2.
    assert.equal(product.data[0], -2);
  });
  it('S12 pool2d 2×2 stride 1: max [[4,5],[7,8]], avg [[2,3],[5,6]]', () => {
    assert.deepEqual(toNested(pool2d(X, [2, 2])), [[4, 5], [7, 8]]);
    assert.deepEqual(toNested(pool2d(X, [2, 2], 'avg')), [[2, 3], [5, 6]]);
  });
  it("errors carry the helper's name", () => {
    assert.throws(() => corr2d(tensor([1, 3, 3], new Array(9).fill(0)), tensor([2, 2], [0, 0, 0, 0])), /^EngineError: corr2d: X must be H×W \(2-D\) but has shape \[1, 3, 3\]$/);
    assert.throws(() => corr2dMultiIn(tensor([2, 3, 3], new Array(18).fill(0)), tensor([3, 2, 2], new Array(12).fill(0))), /^EngineError: corr2d_multi_in: input has 2 channels but the weight expects 3/);
  });
});
