import * as assert from 'node:assert/strict';
import { EngineError, convInfo, convTransposeInfo, poolInfo } from '../../src/engine';

const throwsEngine = (fn: () => unknown, message: string): void => {
  assert.throws(fn, (e: unknown) => e instanceof EngineError && e.message === message);
};

describe('engine/convInfo', () => {
  it('x=[1,3,8,8] w=[2,3,3,3] p=1 s=2 → out 4×4, pads 1 each side, effective kernel 3', () => {
    const info = convInfo([1, 3, 8, 8], [2, 3, 3, 3], { padding: 1, stride: 2 });
    assert.deepEqual([info.outHeight, info.outWidth, info.padTop, info.padBottom, info.padLeft, info.padRight], [4, 4, 1, 1, 1, 1]);
    assert.equal(info.effectiveKernelHeight, 3);
  });
  it('x=[8,8] w=[1,1,3,5] p=(0,1) s=(3,4) → 2×2 (S9)', () => {
    const info = convInfo([8, 8], [1, 1, 3, 5], { padding: [0, 1], stride: [3, 4] });
    assert.deepEqual([info.outHeight, info.outWidth], [2, 2]);
  });
  it("p='same' k=4 d=1: total 3, top/left 1, bottom/right 2 (PyTorch puts the odd pixel last)", () => {
    const info = convInfo([1, 1, 5, 5], [1, 1, 4, 4], { padding: 'same' });
    assert.deepEqual([info.padTop, info.padBottom, info.padLeft, info.padRight, info.outHeight], [1, 2, 1, 2, 5]);
  });
  it("p='same' k=3 d=2: total 4 split 2/2", () => {
    const info = convInfo([1, 1, 5, 5], [1, 1, 3, 3], { padding: 'same', dilation: 2 });
    assert.deepEqual([info.padTop, info.padBottom, info.outWidth], [2, 2, 5]);
  });
  it('four sides are [top, bottom, left, right]', () => {
    const info = convInfo([4, 4], [1, 1, 1, 1], { padding: [1, 2, 3, 4] });
    assert.deepEqual([info.outHeight, info.outWidth], [7, 11]);
  });
  it('channel mismatch names both counts and the weight', () => {
    throwsEngine(() => convInfo([1, 3, 5, 5], [2, 4, 3, 3]), 'conv2d: input has 3 channels but the weight expects 4 (weight [2, 4, 3, 3])');
  });
  it('grouped channel mismatch explains the product', () => {
    throwsEngine(() => convInfo([1, 3, 5, 5], [2, 1, 3, 3], { groups: 2 }), 'conv2d: input has 3 channels but the weight expects 2 (1 per group × groups=2) (weight [2, 1, 3, 3])');
  });
  it('dilated kernel larger than the padded input', () => {
    throwsEngine(() => convInfo([1, 1, 6, 6], [1, 1, 5, 5], { dilation: 2 }), 'conv2d: the dilated kernel 9×9 is larger than the padded input 6×6');
  });
  it("padding='same' with stride 2", () => {
    throwsEngine(() => convInfo([1, 1, 6, 6], [1, 1, 3, 3], { padding: 'same', stride: 2 }), "conv2d: padding='same' needs stride 1 (got stride 2)");
  });
  it('groups must divide the output channels', () => {
    throwsEngine(() => convInfo([1, 4, 5, 5], [3, 2, 3, 3], { groups: 2 }), 'conv2d: groups=2 must divide the 3 output channels (weight [3, 2, 3, 3])');
  });
  it('reflect padding must be smaller than the input', () => {
    throwsEngine(
      () => convInfo([3, 3], [1, 1, 3, 3], { padding: 3, paddingMode: 'reflect' }),
      "conv2d: padding_mode='reflect' needs each padding smaller than the input (top padding 3, input 3×3)",
    );
  });
  it('negative padding, zero stride and a 5-D input are refused', () => {
    throwsEngine(() => convInfo([3, 3], [1, 1, 1, 1], { padding: -1 }), 'conv2d: padding must not be negative (got -1, -1, -1, -1)');
    throwsEngine(() => convInfo([3, 3], [1, 1, 1, 1], { stride: 0 }), 'conv2d: stride must be positive (got 0, 0)');
    throwsEngine(() => convInfo([1, 1, 1, 3, 3], [1, 1, 1, 1]), 'conv2d: expected an input of 2 (H, W), 3 (C, H, W) or 4 (N, C, H, W) dimensions, but got shape [1, 1, 1, 3, 3]');
  });
});

describe('engine/poolInfo', () => {
  it('k=2 stride defaults to the kernel: 5×5 → 2×2', () => {
    const info = poolInfo('max_pool2d', [5, 5], { kernelSize: 2 });
    assert.deepEqual([info.strideHeight, info.outHeight], [2, 2]);
  });
  it('ceil_mode: 5 wide k=2 s=2 → 3; 4 wide k=1 s=2 → 2 (the window starting past the input is dropped)', () => {
    assert.equal(poolInfo('max_pool2d', [1, 5], { kernelSize: [1, 2], ceilMode: true }).outWidth, 3);
    const dropped = poolInfo('max_pool2d', [1, 4], { kernelSize: 1, stride: 2, ceilMode: true });
    assert.equal(dropped.outWidth, 2);
    assert.equal(dropped.ceilDroppedColumn, true);
  });
  it('padding above half the kernel follows PyTorch (refused) unless rules are ONNX', () => {
    throwsEngine(() => poolInfo('avg_pool2d', [5, 5], { kernelSize: 3, padding: 2 }), 'avg_pool2d: padding should be at most half the kernel size (kernel 3×3 allows 1, 1; got 2, 2, 2, 2)');
    // (5 + 2 + 2 − 3) / 3 + 1 = 3
    assert.equal(poolInfo('avg_pool2d', [5, 5], { kernelSize: 3, padding: 2, rules: 'onnx' }).outHeight, 3);
  });
  it('output too small', () => {
    throwsEngine(() => poolInfo('max_pool2d', [2, 2], { kernelSize: 3 }), 'max_pool2d: the output would be 0×0: the window 3×3 does not fit the padded input 2×2');
  });
});

describe('engine/convTransposeInfo', () => {
  it('x=[1,2,4,4] w=[2,3,3,3] s=2 p=1 op=1 → C_out 3, 8×8', () => {
    const info = convTransposeInfo([1, 2, 4, 4], [2, 3, 3, 3], { stride: 2, padding: 1, outputPadding: 1 });
    assert.deepEqual([info.outChannels, info.outHeight, info.outWidth], [3, 8, 8]);
  });
  it('output_padding must stay below the stride or the dilation', () => {
    throwsEngine(
      () => convTransposeInfo([1, 2, 4, 4], [2, 2, 3, 3], { outputPadding: 1 }),
      'conv_transpose2d: output_padding (1, 1) must be smaller than the stride (1, 1) or the dilation (1, 1)',
    );
  });
});
