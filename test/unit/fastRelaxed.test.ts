import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hasRelaxedSimd, simdKernels } from '../../src/engine/fast';
import { convDepthwise, depthwiseApplies } from '../../src/engine/fast/depthwise';
import { convGemm } from '../../src/engine/fast/gemmConv';
import { fuzz } from './fastCases';

// Node 20 has relaxed SIMD only behind a flag, so this file runs itself in a child Node with the
// flag; the child checks the fused kernels and exits 0 (or throws).
const CHILD = 'CONV_LENS_RELAXED_CHILD';

function checkFusedKernels(): void {
  assert.ok(hasRelaxedSimd(), 'relaxed SIMD is on in this process');
  const kern = simdKernels()!;
  fuzz('fused gemm', (c, x, w, b, y) => convGemm(kern, c, x, w, b, y), false, 120, 21);
  fuzz('fused depthwise', (c, x, w, b, y) => (depthwiseApplies(c) ? convDepthwise(kern, c, x, w, b, y) : convGemm(kern, c, x, w, b, y)), true, 80, 22);
  fuzz('fused depthwise 3×3', (c, x, w, b, y) => convDepthwise(kern, c, x, w, b, y), true, 40, 23, { kh: 3, kw: 3, sw: 1 });
}

if (process.env[CHILD]) {
  checkFusedKernels();
} else {
  describe('engine/fast: kernels with relaxed SIMD fused multiply-add', function () {
    it('give the definition (checked in a child Node with --experimental-wasm-relaxed-simd)', function () {
      this.timeout(60000);
      const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', __filename], {
        env: { ...process.env, [CHILD]: '1' },
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr || r.stdout);
    });
  });
}
