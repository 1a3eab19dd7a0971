/**
 * Conv Lens itself, through the public API (`conv2d`, `maxPool2d` on float32 tensors), so the
 * timing includes what a user's call pays: resolving the parameters, allocating the output and
 * the fast path's copies in and out.
 */
import { conv2d, convInfo, maxPool2d, poolInfo, type Tensor } from '../src/engine';
import { conv2dFloat32, maxPool2dFloat32, setFastMode } from '../src/engine/fast';
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

/**
 * The fast path alone (`conv2dFloat32`, `maxPool2dFloat32`) on parameters resolved once, writing a
 * preallocated output: what the kernels cost without the public API's fresh output array, whose
 * pages the OS must fault in on every call (several hundred µs for W7's 8 MB).
 */
export function kernelRunner(engine: string): Runner {
  return {
    engine,
    async prepare(w: Workload) {
      setFastMode('auto');
      if (w.kind === 'maxpool') {
        const info = poolInfo('max_pool2d', [w.n, w.c, w.h, w.w], { kernelSize: w.k, stride: w.stride });
        const x = poolInput(w);
        const y = new Float32Array(w.n * w.c * info.outHeight * info.outWidth);
        return () => (maxPool2dFloat32(info, x, y) ? y : null);
      }
      const d = convData(w);
      const info = convInfo([w.n, w.cin, w.h, w.w], [w.cout, w.cin / w.groups, w.k, w.k], { stride: w.stride, padding: w.pad, groups: w.groups, hasBias: true });
      const y = new Float32Array(w.n * w.cout * info.outHeight * info.outWidth);
      return () => (conv2dFloat32(info, d.x, d.weight, d.bias, y) ? y : null);
    },
    release() {},
  };
}
