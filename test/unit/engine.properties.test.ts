// Random configurations beyond the fixtures, checked against the definitions themselves (integer
// data in float64, so every comparison is exact):
// - conv2d against the textbook sum, for every padding form and mode, groups, dilation, flip;
// - conv_transpose2d as the adjoint of conv2d: <conv2d(x, w), y> = <x, conv_transpose2d(y, w)>;
// - avg_pool2d with divisor 1 as a depthwise conv with a kernel of ones.
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { avgPool2d, conv2d, convInfo, convTranspose2d, sourceIndex, tensor, type PaddingMode, type Tensor } from '../../src/engine';

const ints = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => ((i * 7919 + seed * 104729) % 9) - 4);

const config = fc.record({
  n: fc.integer({ min: 1, max: 2 }),
  groups: fc.integer({ min: 1, max: 3 }),
  inPerGroup: fc.integer({ min: 1, max: 2 }),
  outPerGroup: fc.integer({ min: 1, max: 2 }),
  h: fc.integer({ min: 3, max: 9 }),
  w: fc.integer({ min: 3, max: 9 }),
  kh: fc.integer({ min: 1, max: 3 }),
  kw: fc.integer({ min: 1, max: 3 }),
  stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
  pads: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
  mode: fc.constantFrom<PaddingMode>('zeros', 'reflect', 'replicate', 'circular'),
  flip: fc.boolean(),
  bias: fc.boolean(),
  seed: fc.integer({ min: 0, max: 1000 }),
});
type Config = typeof config extends fc.Arbitrary<infer T> ? T : never;

function operands(c: Config): { x: Tensor; w: Tensor; b: Tensor | null } {
  const cin = c.groups * c.inPerGroup;
  const cout = c.groups * c.outPerGroup;
  const x = tensor([c.n, cin, c.h, c.w], ints(c.n * cin * c.h * c.w, c.seed));
  const w = tensor([cout, c.inPerGroup, c.kh, c.kw], ints(cout * c.inPerGroup * c.kh * c.kw, c.seed + 1));
  return { x, w, b: c.bias ? tensor([cout], ints(cout, c.seed + 2)) : null };
}

/** Whether PyTorch would accept the configuration (the kernel fits; the mode's padding limits). */
function fits(c: Config): boolean {
  const [t, b, l, r] = c.pads;
  const limit = c.mode === 'reflect' ? (p: number, s: number) => p < s : (p: number, s: number) => p <= s;
  return c.dilation[0] * (c.kh - 1) + 1 <= c.h + t + b && c.dilation[1] * (c.kw - 1) + 1 <= c.w + l + r && [t, b].every((p) => limit(p, c.h)) && [l, r].every((p) => limit(p, c.w));
}

/** conv2d straight from its definition, one output element at a time. */
function textbookConv(c: Config, x: Tensor, w: Tensor, b: Tensor | null): number[] {
  const info = convInfo(x.shape, w.shape, { stride: c.stride, dilation: c.dilation, padding: c.pads, groups: c.groups, paddingMode: c.mode });
  const out: number[] = [];
  const [, cin, h, wd] = x.shape;
  for (let n = 0; n < c.n; n++) {
    for (let o = 0; o < info.outChannels; o++) {
      const g = Math.floor(o / c.outPerGroup);
      for (let oy = 0; oy < info.outHeight; oy++) {
        for (let ox = 0; ox < info.outWidth; ox++) {
          let sum = b ? b.data[o] : 0;
          for (let cl = 0; cl < c.inPerGroup; cl++) {
            for (let i = 0; i < c.kh; i++) {
              for (let j = 0; j < c.kw; j++) {
                const sy = sourceIndex(c.mode, oy * c.stride[0] - c.pads[0] + i * c.dilation[0], h);
                const sx = sourceIndex(c.mode, ox * c.stride[1] - c.pads[2] + j * c.dilation[1], wd);
                const xv = sy < 0 || sx < 0 ? 0 : x.data[((n * cin + g * c.inPerGroup + cl) * h + sy) * wd + sx];
                const [wi, wj] = c.flip ? [c.kh - 1 - i, c.kw - 1 - j] : [i, j];
                sum += xv * w.data[((o * c.inPerGroup + cl) * c.kh + wi) * c.kw + wj];
              }
            }
          }
          out.push(sum);
        }
      }
    }
  }
  return out;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

describe('engine properties on random configurations', () => {
  it('conv2d equals the textbook sum (every padding form and mode, groups, dilation, stride, flip, bias)', () => {
    fc.assert(
      fc.property(config.filter(fits), (c) => {
        const { x, w, b } = operands(c);
        const y = conv2d(x, w, b, { stride: c.stride, dilation: c.dilation, padding: c.pads, groups: c.groups, paddingMode: c.mode, convolution: c.flip });
        assert.deepEqual([...y.data], textbookConv(c, x, w, b));
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('conv_transpose2d is the adjoint of conv2d: <conv2d(x, w), y> = <x, conv_transpose2d(y, w)>', () => {
    fc.assert(
      fc.property(config.filter((c) => fits({ ...c, mode: 'zeros' })), (c) => {
        const { x, w } = operands(c);
        const options = { stride: c.stride, dilation: c.dilation, padding: c.pads, groups: c.groups };
        const forward = conv2d(x, w, null, options);
        const info = convInfo(x.shape, w.shape, options);
        // output_padding restores the rows a strided conv dropped, so the shapes meet again.
        const outputPadding: [number, number] = [
          c.h - ((info.outHeight - 1) * c.stride[0] - c.pads[0] - c.pads[1] + info.effectiveKernelHeight),
          c.w - ((info.outWidth - 1) * c.stride[1] - c.pads[2] - c.pads[3] + info.effectiveKernelWidth),
        ];
        const y = tensor(forward.shape, ints(forward.data.length, c.seed + 3));
        const back = convTranspose2d(y, w, null, { ...options, outputPadding });
        assert.deepEqual(back.shape, x.shape);
        assert.equal(dot(forward.data, y.data), dot(x.data, back.data));
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('avg_pool2d with divisor_override=1 is a depthwise conv with a kernel of ones', () => {
    fc.assert(
      fc.property(config, (c) => {
        const kernel: [number, number] = [c.kh, c.kw];
        const padding: [number, number] = [Math.min(c.pads[0], c.kh >> 1), Math.min(c.pads[2], c.kw >> 1)];
        fc.pre(c.kh <= c.h + 2 * padding[0] && c.kw <= c.w + 2 * padding[1]);
        const { x } = operands(c);
        const channels = x.shape[1];
        const pooled = avgPool2d(x, { kernelSize: kernel, stride: c.stride, padding, divisorOverride: 1 });
        const ones = tensor([channels, 1, c.kh, c.kw], new Array(channels * c.kh * c.kw).fill(1));
        const summed = conv2d(x, ones, null, { stride: c.stride, padding, groups: channels });
        assert.deepEqual([...pooled.data], [...summed.data]);
      }),
      { numRuns: 300, seed: 3 },
    );
  });
});
