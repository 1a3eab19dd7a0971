import * as assert from 'node:assert/strict';
import { formatFixed, formatScientific, formatTensor, tensor } from '../../src/engine';
import { exactFixed, exactScientific } from '../../src/engine/format';

describe('engine/format', () => {
  it('S1 result prints as PyTorch: integers with a trailing point, right-aligned', () => {
    assert.equal(formatTensor(tensor([2, 2], [56, 72, 104, 120])), 'tensor([[ 56.,  72.],\n        [104., 120.]])');
  });
  it('exact half-way decimals round to even like Python: 0.125 → 0.12, 0.375 → 0.38, -0.125 → -0.12, 2.5 → 2', () => {
    assert.deepEqual([formatFixed(0.125, 2), formatFixed(0.375, 2), formatFixed(-0.125, 2), formatFixed(2.5, 0)], ['0.12', '0.38', '-0.12', '2']);
  });
  it('decimals that look half-way are not ties in binary: 0.15 → 0.1, 0.45 → 0.5', () => {
    // 0.15 = 0.1499999999999999944… and 0.45 = 0.4500000000000000111… in binary.
    assert.deepEqual([formatFixed(0.15, 1), formatFixed(0.45, 1)], ['0.1', '0.5']);
  });
  it('scientific: 9.99996 carries to 1.0000e+01; 1e-5 → 1.0000e-05; 0 → 0.0000e+00', () => {
    assert.deepEqual([formatScientific(9.99996, 4), formatScientific(1e-5, 4), formatScientific(0, 4)], ['1.0000e+01', '1.0000e-05', '0.0000e+00']);
  });
  it('a ratio above 1000 switches the whole tensor to scientific', () => {
    assert.equal(formatTensor(tensor([2], [0.001, 2])), 'tensor([1.0000e-03, 2.0000e+00])');
  });
  it('float64 with showDtype gets the suffix; int indices print without a point', () => {
    assert.equal(formatTensor(tensor([2], [0.5, 1]), { showDtype: true }), 'tensor([0.5000, 1.0000], dtype=torch.float64)');
    assert.equal(formatTensor(tensor([2], [4, 12]), { integer: true }), 'tensor([ 4, 12])');
  });
  it('nan and inf among integers keep no point', () => {
    assert.equal(formatTensor(tensor([3], [NaN, 1, -Infinity])), 'tensor([nan, 1., -inf])');
  });
});

describe('engine/format fast digits against exact arithmetic', () => {
  it('20,000 doubles of every magnitude (and every exact tie kind) format as the BigInt reference', () => {
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let i = 0; i < 20000; i++) {
      const kind = i % 4;
      // Random magnitudes, float32 values, short binary fractions (where ties live) and integers.
      const x =
        kind === 0 ? (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20)
        : kind === 1 ? Math.fround((random() - 0.5) * 10 ** Math.floor(random() * 12 - 6))
        : kind === 2 ? Math.round((random() - 0.5) * 4096) / 2 ** Math.floor(random() * 12)
        : Math.round((random() - 0.5) * 10 ** Math.floor(random() * 12));
      const digits = Math.floor(random() * 6);
      assert.equal(formatFixed(x, digits), exactFixed(x, digits), `fixed ${x} ${digits}`);
      assert.equal(formatScientific(x, digits), exactScientific(x, digits), `scientific ${x} ${digits}`);
    }
  });
});
