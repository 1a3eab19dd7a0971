/**
 * Fast float32 kernels (WebAssembly SIMD and tuned TypeScript), owned by the speed work. The
 * reference kernels in engine/ call these hooks first and fall back to their own loops when a hook
 * returns false (not handled), so every hook may decline any case it does not cover.
 */
import type { ConvInfo } from '../convInfo';

/**
 * Cross-correlation with zero padding, already resolved in `info` (paddingMode 'zeros', no kernel
 * flip: the caller pads or flips first). `x` is `[N, C_in, H, W]`, `w` `[C_out, C_in/groups, kH, kW]`,
 * `bias` `[C_out]` or null, `y` `[N, C_out, H_out, W_out]` to be fully written. Returns true when
 * it wrote `y`, false to let the reference kernel run.
 */
export function conv2dFloat32(
  _info: ConvInfo,
  _x: Float32Array,
  _w: Float32Array,
  _bias: Float32Array | null,
  _y: Float32Array,
): boolean {
  return false;
}
