import * as assert from 'node:assert/strict';
import { convCost, convInfo, costLines, convTransposeInfo, formatCount, formatDuration, outputSizeFormula, poolInfo, timeAt } from '../../src/engine';

describe('engine/cost', () => {
  it('S10: C_in=C_out=100, 5×5, 64×64 out → 1,024,000,000 MACs, 2,048,000,000 FLOPs, 250,100 params', () => {
    const cost = convCost(convInfo([100, 68, 68], [100, 100, 5, 5], { hasBias: true }));
    assert.equal(cost.macs, 1_024_000_000);
    assert.equal(cost.flops, 2_048_000_000);
    assert.equal(cost.biasAdds, 409_600);
    assert.deepEqual([cost.weightParams, cost.biasParams, cost.params], [250_000, 100, 250_100]);
  });
  it('S10: ×10 layers ×1M samples ≈ 10.2 P MACs: 19.0 h at 0.15e12/s, 14.2 min at 12e12/s; FLOPs double it', () => {
    const total = 1_024_000_000 * 10 * 1_000_000;
    assert.equal(formatCount(total), '10.2 P');
    assert.equal(formatDuration(timeAt(total, 0.15e12)), '19.0 h');
    assert.equal(formatDuration(timeAt(total, 12e12)), '14.2 min');
    assert.equal(formatDuration(timeAt(2 * total, 0.15e12)), '37.9 h');
  });
  it('x=[1,3,5,5] w=[4,3,3,3] bias float32: 972 MACs, 36 bias adds, 112 params, 300/144/448 bytes', () => {
    const cost = convCost(convInfo([1, 3, 5, 5], [4, 3, 3, 3], { hasBias: true }), 'float32');
    assert.deepEqual([cost.macs, cost.biasAdds, cost.params], [972, 36, 112]);
    assert.deepEqual([cost.inputBytes, cost.outputBytes, cost.weightBytes], [300, 144, 448]);
    assert.equal(cost.arithmeticIntensity, 1944 / 892);
  });
  it('depthwise groups=C: C·9 MACs per pixel instead of C²·9', () => {
    assert.equal(convCost(convInfo([1, 8, 4, 4], [8, 1, 3, 3], { groups: 8 })).macs, 8 * 9 * 4);
  });
  it('conv_transpose2d x=[1,2,2,2] w=[2,3,2,2]: every input pixel meets 3·4 weights → 96 MACs', () => {
    assert.equal(convCost(convTransposeInfo([1, 2, 2, 2], [2, 3, 2, 2])).macs, 96);
  });
  it('max pool 2×2 s=2 on 4×4: 4 windows of 4 taps → 12 comparisons, no MACs', () => {
    const cost = convCost(poolInfo('max_pool2d', [1, 1, 4, 4], { kernelSize: 2 }));
    assert.deepEqual([cost.macs, cost.reductionOps, cost.reductionLabel, cost.params], [0, 12, 'comparisons', 0]);
  });
});

describe('engine/costLines', () => {
  it('S10 ×10 layers ×1M samples at 0.15e12 and 12e12: both conventions, labelled', () => {
    const cost = convCost(convInfo([100, 68, 68], [100, 100, 5, 5]));
    const lines = costLines(cost, { repeat: 10 * 1_000_000, opsPerSecond: [0.15e12, 12e12] });
    assert.deepEqual(
      lines.map((l) => `${l.label}: ${l.text}`),
      [
        'multiply-adds (MACs): 10.2 P',
        'FLOPs (2 per multiply-add): 20.5 P',
        'parameters: 250 K',
        'time at 150 Gop/s, one op per multiply-add: 19.0 h',
        'time at 150 Gop/s, FLOPs (two ops per multiply-add): 37.9 h',
        'time at 12.0 Top/s, one op per multiply-add: 14.2 min',
        'time at 12.0 Top/s, FLOPs (two ops per multiply-add): 28.4 min',
      ],
    );
  });
  it('a pool lists its comparisons', () => {
    const lines = costLines(convCost(poolInfo('max_pool2d', [1, 1, 4, 4], { kernelSize: 2 })));
    assert.deepEqual(lines, [{ label: 'comparisons', value: 12, text: '12' }]);
  });
});

describe('engine/formatCount and formatDuration', () => {
  it('counts: 512, 1.50 K, 999,600 → 1.00 M, 1.02 G', () => {
    assert.deepEqual([512, 1500, 999_600, 1.024e9].map(formatCount), ['512', '1.50 K', '1.00 M', '1.02 G']);
  });
  it('durations: 4.80 µs, 1.50 min, 19.0 h, 3.00 days', () => {
    assert.deepEqual([4.8e-6, 90, 68_266.67, 3 * 86400].map(formatDuration), ['4.80 µs', '1.50 min', '19.0 h', '3.00 days']);
  });
});

describe('engine/outputSizeFormula', () => {
  it('S9: 8×8, k=3, p=1, s=2 → floor((8 + 1 + 1 − 1·(3 − 1) − 1) / 2) + 1 = 4', () => {
    const f = outputSizeFormula(convInfo([8, 8], [1, 1, 3, 3], { padding: 1, stride: 2 }));
    assert.equal(f.height, 'floor((8 + 1 + 1 − 1·(3 − 1) − 1) / 2) + 1 = 4');
  });
  it('ceil mode that drops the last window says so', () => {
    const f = outputSizeFormula(poolInfo('max_pool2d', [1, 4], { kernelSize: 1, stride: 2, ceilMode: true }));
    assert.equal(f.width, 'ceil((4 + 0 + 0 − 1·(1 − 1) − 1) / 2) + 1 − 1 = 2 (the last window would start past the input)');
  });
  it('conv_transpose2d: (2 − 1)·2 − 0 − 0 + 1·(2 − 1) + 0 + 1 = 4', () => {
    assert.equal(outputSizeFormula(convTransposeInfo([2, 2], [1, 1, 2, 2], { stride: 2 })).height, '(2 − 1)·2 − 0 − 0 + 1·(2 − 1) + 0 + 1 = 4');
  });
});
