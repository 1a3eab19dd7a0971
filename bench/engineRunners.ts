/**
 * Conv Lens itself, through the public API (`conv2d`, `maxPool2d` on float32 tensors), so the
 * timing includes what a user's call pays: resolving the parameters, allocating the output and
 * the fast path's copies in and out.
 */
import { conv2d, maxPool2d, type Tensor } from '../src/engine';
import { setFastMode } from '../src/engine/fast';
import type { Runner } from './peers';
import { convData, poolInput, type Workload } from './workloads';

const f32 = (shape: number[], data: Float32Array): Tensor => ({ shape, dtype: 'float32', data });

/** `configure` selects the path (fast mode, threads) before a workload; `release` restores the default. */
export function engineRunner(engine: string, configure: () => void | Promise<void>, restore: () => void = () => setFastMode('auto')): Runner {
  return {
    engine,
    async prepare(w: Workload) {
      await configure();
      if (w.kind === 'maxpool') {
        const x = f32([w.n, w.c, w.h, w.w], poolInput(w));
        return () => maxPool2d(x, { kernelSize: w.k, stride: w.stride }).output.data;
      }
      const d = convData(w);
      const x = f32([w.n, w.cin, w.h, w.w], d.x);
      const weight = f32([w.cout, w.cin / w.groups, w.k, w.k], d.weight);
      const bias = f32([w.cout], d.bias);
      const options = { stride: w.stride, padding: w.pad, groups: w.groups };
      return () => conv2d(x, weight, bias, options).data;
    },
    release: restore,
  };
}
