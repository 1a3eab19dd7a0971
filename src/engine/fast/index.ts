/**
 * Fast float32 kernels (WebAssembly SIMD and tuned TypeScript), owned by the speed work. The
 * reference kernels in engine/ call these hooks first and fall back to their own loops when a hook
 * returns false (not handled), so every hook may decline any case it does not cover.
 *
 * Dispatch: tiny convs run direct loops (no setup cost); depthwise convs a direct SIMD kernel;
 * everything else an implicit GEMM on WebAssembly SIMD, or on plain TypeScript where WebAssembly
 * SIMD is unavailable.
 */
import type { ConvInfo } from '../convInfo';
import { convDirect } from './direct';
import { convDepthwise, depthwiseApplies } from './depthwise';
import { convGemm } from './gemmConv';
import type { Kernels, SimdKernels } from './kernels';
import { maxPoolApplies, maxPoolSimd } from './maxPool';
import { ThreadPool, type ThreadHost } from './parallel';
import { ScalarKernels } from './scalarKernels';
import { createWasmKernels, hasRelaxedSimd, type WasmKernels } from './wasmKernels';
import { checkWinogradInput, convWinograd, restoreZeroWindows, winogradApplies, WinogradInput } from './winograd';

export { hasRelaxedSimd };

/**
 * Up to this many multiply-adds the direct loops win (measured: the SIMD path costs about 0.7 µs
 * of setup and the direct loops about 2 ns a multiply-add; W1 has 96). The TypeScript GEMM
 * overtakes them later.
 */
const DIRECT_MACS_SIMD = 256;
const DIRECT_MACS_SCALAR = 2048;

export type FastMode = 'auto' | 'scalar' | 'off';

let mode: FastMode = 'auto';
let simd: WasmKernels | null | undefined; // undefined: not tried yet
let scalar: ScalarKernels | undefined;
let pool: ThreadPool | null = null;
let threaded = false;

/** Below this many multiply-adds one thread wins (waking the helpers costs tens of µs). */
const PARALLEL_MACS = 1 << 22;

/** A heap grown past this is dropped after the call (WebAssembly memory cannot shrink). */
const KEEP_HEAP_BYTES = 64 << 20;

/**
 * 'auto' uses WebAssembly SIMD when the host has it, 'scalar' forces the TypeScript kernels (the
 * fallback path, for benchmarks and tests), 'off' declines everything (the reference runs).
 */
export function setFastMode(m: FastMode): void {
  mode = m;
}

/**
 * Lets large convs run on `helpers` more threads started by `host` (the first call starts them;
 * they serve for the life of the process). Returns false, staying on one thread, where shared
 * WebAssembly memory is unavailable (e.g. a webview without cross-origin isolation). `null`
 * goes back to one thread and keeps the helpers for later.
 */
export function useThreads(host: ThreadHost | null, helpers = 1): boolean {
  if (host === null) {
    threaded = false;
    return true;
  }
  pool ??= ThreadPool.create(host, helpers);
  threaded = pool !== null;
  return threaded;
}

/** Helper threads that are up (0 until their runtime has started). */
export function threadsReady(): number {
  return pool?.ready ?? 0;
}

/** The SIMD kernels if this host can run them (compiled once), else null. */
export function simdKernels(): SimdKernels | null {
  if (simd === undefined) simd = createWasmKernels();
  return simd;
}

function kernels(): Kernels {
  return (mode === 'auto' && simdKernels()) || (scalar ??= new ScalarKernels());
}

/**
 * Cross-correlation with zero padding, already resolved in `info` (paddingMode 'zeros', no kernel
 * flip: the caller pads or flips first). `x` is `[N, C_in, H, W]`, `w` `[C_out, C_in/groups, kH, kW]`,
 * `bias` `[C_out]` or null, `y` `[N, C_out, H_out, W_out]` to be fully written. Returns true when
 * it wrote `y`, false to let the reference kernel run.
 */
export function conv2dFloat32(info: ConvInfo, x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array): boolean {
  if (mode === 'off' || info.op !== 'conv2d' || info.flipKernel || info.paddingMode !== 'zeros') return false;
  if (y.length === 0) return true;
  const macs = y.length * info.inChannelsPerGroup * info.kernelHeight * info.kernelWidth;
  const kern = kernels();
  if (macs <= (kern.simd ? DIRECT_MACS_SIMD : DIRECT_MACS_SCALAR)) {
    convDirect(info, x, w, bias, y);
    return true;
  }
  // Winograd looks at the input first (see checkWinogradInput); null where it does not apply.
  const input = kern.simd && winogradApplies(info) ? checkWinogradInput(x) : null;
  const winograd = input === WinogradInput.Plain || input === WinogradInput.HasZeros;
  try {
    if (kern.simd && depthwiseApplies(info)) convDepthwise(kern as SimdKernels, info, x, w, bias, y);
    else if (kern.simd && threaded && pool !== null && pool.ready > 0 && macs >= PARALLEL_MACS && pool.fits(info, winograd)) pool.conv(info, x, w, bias, y, true, winograd);
    else if (winograd) convWinograd(kern as SimdKernels, info, x, w, bias, y);
    else convGemm(kern, info, x, w, bias, y);
    if (input === WinogradInput.HasZeros) restoreZeroWindows(info, x, bias, y);
  } catch (e) {
    if (e instanceof RangeError) return false; // the heap could not grow: let the reference try
    throw e;
  } finally {
    dropLargeHeaps();
  }
  return true;
}

/** Lets the garbage collector have a heap one large call grew, rather than keep it for good. */
function dropLargeHeaps(): void {
  if (simd && simd.memory.buffer.byteLength > KEEP_HEAP_BYTES) simd = undefined;
  if (scalar && scalar.f32.byteLength > KEEP_HEAP_BYTES) scalar = undefined;
}

/**
 * max_pool2d values (no indices) as resolved in `info`; `x` `[N, C, H, W]`, `y` `[N, C, H_out, W_out]`
 * to be fully written. Returns false to let the reference kernel run (no SIMD, other strides).
 */
export function maxPool2dFloat32(info: ConvInfo, x: Float32Array, y: Float32Array): boolean {
  if (mode !== 'auto' || !maxPoolApplies(info)) return false;
  const kern = simdKernels();
  if (kern === null) return false;
  if (y.length === 0) return true;
  try {
    maxPoolSimd(kern, info, x, y);
  } catch (e) {
    if (e instanceof RangeError) return false;
    throw e;
  } finally {
    dropLargeHeaps();
  }
  return true;
}

/** Bytes of the SIMD kernels' heap (it grows to the largest call so far and is reused). */
export function fastHeapBytes(): number {
  return simd ? simd.memory.buffer.byteLength : 0;
}
