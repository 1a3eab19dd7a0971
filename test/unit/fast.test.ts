import * as assert from 'node:assert/strict';
import { conv2dFloat32, maxPool2dFloat32, setFastMode, simdKernels } from '../../src/engine/fast';
import { convDirect } from '../../src/engine/fast/direct';
import { convDepthwise, depthwiseApplies } from '../../src/engine/fast/depthwise';
import { convGemm } from '../../src/engine/fast/gemmConv';
import type { Kernels } from '../../src/engine/fast/kernels';
import { ScalarKernels } from '../../src/engine/fast/scalarKernels';
import { checkWinogradInput, convWinograd, winogradApplies, WinogradInput } from '../../src/engine/fast/winograd';
import { check, fuzz, info, naiveConv, randomArray, randomOperands, rng, type Driver, type Shape } from './fastCases';

describe('engine/fast: float32 conv kernels against the definition', () => {
  const wasm = simdKernels();
  const scalar = new ScalarKernels();
  const gemmWith = (k: Kernels): Driver => (c, x, w, b, y) => convGemm(k, c, x, w, b, y);

  it('has WebAssembly SIMD under this Node', () => assert.ok(wasm));

  it('SIMD implicit GEMM: random shapes, strides, dilation, padding, groups, batch, bias', () => {
    fuzz('simd gemm', gemmWith(wasm!), false, 150, 1);
    fuzz('simd gemm depthwise', gemmWith(wasm!), true, 40, 2);
  });

  it('TypeScript GEMM (the no-SIMD path): the same shapes', () => {
    fuzz('ts gemm', gemmWith(scalar), false, 150, 1);
    fuzz('ts gemm depthwise', gemmWith(scalar), true, 40, 2);
  });

  it('SIMD depthwise (channel multiplier, stride 1 and 2 along the width)', () => {
    const depthwise: Driver = (c, x, w, b, y) => {
      if (depthwiseApplies(c)) convDepthwise(wasm!, c, x, w, b, y);
      else convGemm(wasm!, c, x, w, b, y);
    };
    fuzz('depthwise', depthwise, true, 150, 3);
    fuzz('depthwise 3×3', depthwise, true, 60, 8, { kh: 3, kw: 3, sw: 1 });
  });

  it('direct loops for tiny convs', () => fuzz('direct', convDirect, false, 100, 4));

  it('blocks: K and N larger than one block, 1×1 and sizes off the tile grid', () => {
    const r = rng(5);
    const shapes: Shape[] = [
      { n: 1, cin: 70, h: 9, w: 11, cout: 13, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 1 }, // K = 630: 3 K blocks
      { n: 1, cin: 5, h: 150, w: 150, cout: 9, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, pt: 0, pb: 0, pl: 0, pr: 0, groups: 1 }, // many N blocks
      { n: 2, cin: 6, h: 37, w: 41, cout: 5, kh: 7, kw: 7, sh: 2, sw: 2, dh: 1, dw: 1, pt: 3, pb: 3, pl: 3, pr: 3, groups: 1 }, // stem-like
      { n: 1, cin: 4, h: 3, w: 3, cout: 4, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 0, pb: 0, pl: 0, pr: 0, groups: 1 }, // 1×1 output
      { n: 1, cin: 70, h: 9, w: 11, cout: 37, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 1 }, // packed, 3 K blocks
      { n: 1, cin: 3, h: 200, w: 13, cout: 6, kh: 3, kw: 3, sh: 1, sw: 1, dh: 2, dw: 1, pt: 1, pb: 0, pl: 2, pr: 1, groups: 1 }, // rows mode, many blocks
      { n: 1, cin: 40, h: 30, w: 30, cout: 20, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, pt: 0, pb: 0, pl: 0, pr: 0, groups: 1 }, // pointwise, packed
      { n: 2, cin: 3, h: 9, w: 150, cout: 5, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 2, pb: 1, pl: 1, pr: 3, groups: 1 }, // wide rows copied into place
      { n: 1, cin: 4, h: 11, w: 131, cout: 24, kh: 3, kw: 5, sh: 2, sw: 2, dh: 1, dw: 1, pt: 1, pb: 0, pl: 2, pr: 2, groups: 2 }, // the same, packed
      // Packed with columns contiguous across output rows (whole panels packed row of K by row of K):
      { n: 1, cin: 300, h: 23, w: 29, cout: 20, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, pt: 0, pb: 0, pl: 0, pr: 0, groups: 1 }, // 1×1, 2 K blocks, a partial panel
      { n: 2, cin: 12, h: 19, w: 7, cout: 36, kh: 3, kw: 1, sh: 1, sw: 1, dh: 2, dw: 1, pt: 2, pb: 1, pl: 0, pr: 0, groups: 2 }, // 3×1, rows padded only
      // Rows mode on column phases (a stride along the width):
      { n: 2, cin: 3, h: 33, w: 45, cout: 20, kh: 7, kw: 7, sh: 2, sw: 2, dh: 1, dw: 1, pt: 3, pb: 3, pl: 3, pr: 3, groups: 1 }, // stem-like, many channels
      { n: 1, cin: 2, h: 20, w: 40, cout: 5, kh: 3, kw: 3, sh: 1, sw: 3, dh: 1, dw: 2, pt: 1, pb: 0, pl: 2, pr: 1, groups: 1 }, // 3 phases, dilation
      { n: 1, cin: 4, h: 9, w: 150, cout: 6, kh: 3, kw: 4, sh: 2, sw: 2, dh: 1, dw: 1, pt: 0, pb: 1, pl: 1, pr: 2, groups: 2 }, // wide rows, groups
      { n: 2, cin: 3, h: 12, w: 17, cout: 3, kh: 2, kw: 3, sh: 3, sw: 2, dh: 2, dw: 3, pt: 0, pb: 0, pl: 0, pr: 0, groups: 1 }, // no padding, odd width
    ];
    for (const s of shapes) {
      const c = info(s);
      const { x, w, b } = randomOperands(r, s, c, 'always');
      const want = naiveConv(c, x, w, b);
      for (const [label, k] of [['simd', wasm!], ['ts', scalar]] as const) {
        const y = new Float32Array(want.y.length).fill(NaN);
        convGemm(k, c, x, w, b, y);
        check(`${label} ${JSON.stringify(s)}`, y, want);
      }
    }
  });

  it('Winograd F(2×2, 3×3): 3×3 and larger kernels in 3×3 subs, odd sizes, K blocks across subs', () => {
    const r = rng(9);
    const base: Shape = { n: 1, cin: 8, h: 10, w: 10, cout: 16, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 1 };
    const cases: Partial<Shape>[] = [
      {}, // one block, whole tiles
      { h: 11, w: 13, cout: 18 }, // odd output: a last half tile each way; C_out off the 4-row panels
      { pt: 0, pb: 2, pl: 2, pr: 0, n: 2 }, // uneven padding, batch
      { kh: 5, kw: 5, pt: 2, pb: 2, pl: 2, pr: 2 }, // 2×2 subs of a 6×6 kernel, zeros past the 5th tap
      { kh: 3, kw: 5, h: 30, w: 150, cin: 9, pt: 0, pb: 0, pl: 1, pr: 3 }, // 1×2 subs, wide rows copied into place
      { kh: 6, kw: 6, h: 20, w: 20, pt: 0, pb: 0, pl: 0, pr: 0 }, // full subs, no padding
      { kh: 2, kw: 3, h: 9, w: 17 }, // a kernel smaller than a sub
      { cin: 300, h: 9, w: 17 }, // 2 K blocks within one sub
      { cin: 100, kh: 5, kw: 5, h: 14, w: 20, pt: 0, pb: 0, pl: 0, pr: 0 }, // K = 400: 2 blocks, each across 2 subs
      { cin: 64, cout: 32, h: 40, w: 40 }, // several blocks of tile rows
    ];
    for (let t = 0; t < 12; t++) {
      const pick = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
      cases.push({ n: pick(1, 2), cin: pick(8, 40), cout: pick(16, 40), kh: pick(2, 6), kw: pick(2, 6), h: pick(6, 40), w: pick(8, 40), pt: pick(0, 2), pb: pick(0, 2), pl: pick(0, 2), pr: pick(0, 2) });
    }
    let tested = 0;
    for (const f of cases) {
      const s = { ...base, ...f };
      const c = info(s);
      if (!winogradApplies(c)) continue;
      const { x, w, b } = randomOperands(r, s, c, 'maybe');
      const y = new Float32Array(s.n * s.cout * c.outHeight * c.outWidth).fill(NaN);
      convWinograd(wasm!, c, x, w, b, y);
      check(`winograd ${JSON.stringify(s)} bias=${b !== null}`, y, naiveConv(c, x, w, b));
      tested++;
    }
    assert.ok(tested >= 15, `${tested} cases applied`);
    // Through the public hook, which picks it for such a conv.
    const s = { ...base, cin: 12, cout: 20, h: 15, w: 19 };
    const c = info(s);
    assert.ok(winogradApplies(c));
    const { x, w, b } = randomOperands(r, s, c, 'always');
    const y = new Float32Array(s.cout * c.outHeight * c.outWidth);
    assert.equal(conv2dFloat32(c, x, w, b, y), true);
    check('winograd via conv2dFloat32', y, naiveConv(c, x, w, b));
  });

  it('Winograd through the public hook: non-finite inputs as the definition, windows of zeros exactly the bias', () => {
    const r = rng(10);
    const kind = (v: number[]) => checkWinogradInput(Float32Array.from(v));
    assert.deepEqual(
      [kind([1, 2]), kind([1, 2, 0]), kind([-0, 1]), kind([1, Infinity]), kind([0, -Infinity]), kind([2, 3, NaN]), kind([1e-30, 1e-30])],
      [WinogradInput.Plain, WinogradInput.HasZeros, WinogradInput.HasZeros, WinogradInput.NonFinite, WinogradInput.NonFinite, WinogradInput.NonFinite, WinogradInput.Plain],
    );
    // Longer inputs go eight values a step as products of four: every position, the extremes of
    // float32 (a product of the smallest must not underflow to a false zero), ±inf beside a zero.
    const tiny = 1.401298464324817e-45, huge = 3.4028234663852886e38;
    for (const fill of [tiny, huge, -huge, 1]) {
      for (let at = 0; at < 19; at++) {
        const v = new Array<number>(19).fill(fill);
        assert.equal(kind(v), WinogradInput.Plain, `all ${fill}`);
        for (const [value, want] of [[0, WinogradInput.HasZeros], [-0, WinogradInput.HasZeros], [Infinity, WinogradInput.NonFinite], [NaN, WinogradInput.NonFinite]] as const) {
          v[at] = value;
          assert.equal(kind(v), want, `${value} at ${at} among ${fill}`);
        }
        v[at] = -Infinity;
        v[at ^ 1] = 0; // -inf · 0 in one product is NaN, still not finite
        assert.equal(kind(v), WinogradInput.NonFinite, `-inf and 0 at ${at}`);
      }
    }
    const s: Shape = { n: 1, cin: 8, h: 12, w: 16, cout: 16, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 1 };
    const c = info(s);
    assert.ok(winogradApplies(c));
    const { x, w, b } = randomOperands(r, s, c, 'always');
    const plane = s.h * s.w;
    const at = (o: number, y: number, xx: number) => (o * c.outHeight + y) * c.outWidth + xx;
    // An inf in channel 3 at (5, 6): only the outputs whose windows hold it may be non-finite.
    const inf = Float32Array.from(x);
    inf[3 * plane + 5 * s.w + 6] = Infinity;
    const y = new Float32Array(s.cout * c.outHeight * c.outWidth);
    assert.equal(conv2dFloat32(c, inf, w, b, y), true);
    const want = naiveConv(c, inf, w, b);
    for (let i = 0; i < y.length; i++) {
      if (!Number.isFinite(want.y[i])) assert.ok(Object.is(y[i], want.y[i]) || (Number.isNaN(y[i]) && Number.isNaN(want.y[i])), `y[${i}] = ${y[i]}, want ${want.y[i]}`);
    }
    check('inf input', y.map((v, i) => (Number.isFinite(want.y[i]) ? v : 0)), { y: want.y.map((v) => (Number.isFinite(v) ? v : 0)), scale: want.scale });
    assert.ok(Number.isFinite(y[at(0, 2, 2)]), 'an output beside the inf, outside its reach, stays finite');
    // Zero rows 4–10 in every channel (as after a ReLU). 3×3 windows of zeros come out exact by the
    // transforms' structure; a 5×5 runs as four 3×3 subs of a 6×6 kernel whose zero taps do not
    // cancel exactly, so there the zero windows need setting back to the bias.
    for (const k of [3, 5]) {
      const t: Shape = { ...s, h: 16, kh: k, kw: k, pt: k >> 1, pb: k >> 1, pl: k >> 1, pr: k >> 1 };
      const ct = info(t);
      assert.ok(winogradApplies(ct));
      const ops = randomOperands(r, t, ct, 'always');
      const plane16 = t.h * t.w;
      for (let ch = 0; ch < t.cin; ch++) ops.x.fill(0, ch * plane16 + 4 * t.w, ch * plane16 + 11 * t.w);
      const z = new Float32Array(t.cout * ct.outHeight * ct.outWidth);
      assert.equal(conv2dFloat32(ct, ops.x, ops.w, ops.b, z), true);
      check(`zero rows, ${k}×${k}`, z, naiveConv(ct, ops.x, ops.w, ops.b));
      for (let o = 0; o < t.cout; o++)
        for (let oy = 4 + t.pt; oy + k - 1 - t.pt <= 10; oy++)
          for (let ox = 0; ox < ct.outWidth; ox++) assert.equal(z[(o * ct.outHeight + oy) * ct.outWidth + ox], ops.b![o], `${k}×${k}: y[${o}, ${oy}, ${ox}]`);
    }
  });

  it('the public hook, in auto and scalar mode, and declines what it does not cover', () => {
    const s: Shape = { n: 1, cin: 8, h: 20, w: 20, cout: 8, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 1 };
    const c = info(s);
    const r = rng(6);
    const x = randomArray(r, 8 * 400), w = randomArray(r, 8 * 8 * 9);
    const want = naiveConv(c, x, w, null);
    try {
      for (const m of ['auto', 'scalar'] as const) {
        setFastMode(m);
        const y = new Float32Array(want.y.length);
        assert.equal(conv2dFloat32(c, x, w, null, y), true);
        check(m, y, want);
      }
      assert.equal(conv2dFloat32({ ...c, paddingMode: 'reflect' }, x, w, null, new Float32Array(want.y.length)), false);
      assert.equal(conv2dFloat32({ ...c, flipKernel: true }, x, w, null, new Float32Array(want.y.length)), false);
      setFastMode('off');
      assert.equal(conv2dFloat32(c, x, w, null, new Float32Array(want.y.length)), false);
    } finally {
      setFastMode('auto');
    }
  });

  it('max pool: kernel, stride, dilation, padding, ceil mode, NaN, -inf and signed zeros', () => {
    const r = rng(7);
    const pick = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
    let tested = 0;
    for (let t = 0; t < 200; t++) {
      // Every third case is the common 2×2 / stride 2 window, which has its own kernel.
      const common = t % 3 === 0;
      const kh = common ? 2 : pick(1, 4), kw = common ? 2 : pick(1, 4), dh = pick(1, 2), dw = common ? 1 : pick(1, 2);
      const s: Shape = {
        n: pick(1, 2), cin: pick(1, 4), h: pick(4, 20), w: pick(4, 30), cout: 0, kh, kw, sh: pick(1, 3), sw: common ? 2 : pick(1, 2), dh, dw,
        pt: 0, pb: 0, pl: 0, pr: 0, groups: 1,
      };
      s.cout = s.cin;
      s.pt = s.pb = pick(0, Math.floor(kh / 2));
      s.pl = s.pr = pick(0, Math.floor(kw / 2));
      const ceil = r() < 0.5;
      let c = info(s, 'max_pool2d', ceil);
      // PyTorch drops a last ceil-mode window that would start in the bottom/right padding.
      const oh = ceil && (c.outHeight - 1) * s.sh >= s.h + s.pt ? c.outHeight - 1 : c.outHeight;
      const ow = ceil && (c.outWidth - 1) * s.sw >= s.w + s.pl ? c.outWidth - 1 : c.outWidth;
      c = { ...c, outHeight: oh, outWidth: ow };
      if (oh < 1 || ow < 1) continue;
      const x = randomArray(r, s.n * s.cin * s.h * s.w);
      if (t % 5 === 0) x[pick(0, x.length - 1)] = NaN;
      // Signed zeros: PyTorch keeps the first of -0 and +0, so the sign must come out exactly.
      if (t % 4 === 1) for (let i = 0; i < x.length; i++) if (r() < 0.6) x[i] = r() < 0.5 ? -0 : 0;
      if (t % 7 === 0) x.fill(-Infinity, 0, pick(0, x.length));
      const y = new Float32Array(s.n * s.cin * oh * ow);
      assert.equal(maxPool2dFloat32(c, x, y), true);
      let i = 0;
      for (let p = 0; p < s.n * s.cin; p++)
        for (let oy = 0; oy < oh; oy++)
          for (let ox = 0; ox < ow; ox++, i++) {
            let m = -Infinity;
            for (let ky = 0; ky < kh; ky++)
              for (let kx = 0; kx < kw; kx++) {
                const iy = oy * s.sh - s.pt + ky * dh, ix = ox * s.sw - s.pl + kx * dw;
                if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
                const v = x[(p * s.h + iy) * s.w + ix];
                if (v > m || Number.isNaN(v)) m = v;
                if (Number.isNaN(m)) break;
              }
            const show = (v: number) => (Object.is(v, -0) ? '-0' : String(v));
            if (!Object.is(y[i], m)) assert.fail(`max pool case ${t} ${JSON.stringify(s)} ceil=${ceil}: y[${i}] = ${show(y[i])}, want ${show(m)}`);
          }
      tested++;
    }
    assert.ok(tested > 150);
  });

  it('max pool 2×2 / stride 2: a NaN at any tap of any window wins, signed-zero ties keep the first tap', () => {
    // One plane of 2 × 16 floats: 8 windows, one vector step of the kernel. Each tap of each
    // window in turn holds the special value, the others ordinary numbers.
    const s: Shape = { n: 1, cin: 1, h: 2, w: 16, cout: 1, kh: 2, kw: 2, sh: 2, sw: 2, dh: 1, dw: 1, pt: 0, pb: 0, pl: 0, pr: 0, groups: 1 };
    const c = info(s, 'max_pool2d', false);
    for (let window = 0; window < 8; window++) {
      for (let tap = 0; tap < 4; tap++) {
        const at = (tap >> 1) * 16 + 2 * window + (tap & 1);
        const x = new Float32Array(32).map((_, i) => 1 + (i % 7)); // no zero maximum: that alone takes the careful path
        x[at] = NaN;
        const y = new Float32Array(8);
        assert.equal(maxPool2dFloat32(c, x, y), true);
        assert.ok(Number.isNaN(y[window]), `NaN at tap ${tap} of window ${window}: got ${y[window]}`);
        // -0 at one tap, +0 at the others (and the reverse): the first in row-major order wins.
        for (const [lone, rest] of [[-0, 0], [0, -0]]) {
          x.fill(-1);
          for (let t = 0; t < 4; t++) x[(t >> 1) * 16 + 2 * window + (t & 1)] = t === tap ? lone : rest;
          assert.equal(maxPool2dFloat32(c, x, y), true);
          const want = tap === 0 ? lone : rest;
          assert.ok(Object.is(y[window], want), `zeros, ${Object.is(lone, -0) ? '-0' : '+0'} at tap ${tap} of window ${window}: got ${y[window]}`);
        }
      }
    }
  });
});
