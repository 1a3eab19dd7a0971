import * as assert from 'node:assert/strict';
import { tensor, numel, reshape, stridesOf, toNested, cast } from '../../src/engine/tensor';

describe('engine/tensor', () => {
  it('numel of [2, 3, 3] is 18 and of [] is 1', () => {
    assert.equal(numel([2, 3, 3]), 18);
    assert.equal(numel([]), 1);
  });
  it('rejects values that do not fill the shape', () => {
    assert.throws(() => tensor([2, 2], [1, 2, 3]), /holds 4 elements but 3 values/);
  });
  it('row-major strides and nesting', () => {
    assert.deepEqual(stridesOf([2, 3, 4]), [12, 4, 1]);
    assert.deepEqual(toNested(reshape(tensor([6], [0, 1, 2, 3, 4, 5]), [2, 3])), [[0, 1, 2], [3, 4, 5]]);
  });
  it('float32 cast rounds', () => {
    assert.equal(cast(tensor([1], [0.1]), 'float32').data[0], Math.fround(0.1));
  });
});
