/**
 * The WebAssembly SIMD kernel set: instantiates kernels.wat (embedded as base64 by the build) on a
 * memory that grows as calls need it. Synchronous compile is fine for a module this small, in Node
 * and in a browser worker (the webview's CSP must allow 'wasm-unsafe-eval').
 */
import type { SimdKernels } from './kernels';
import { kernelsRelaxedSharedWasm, kernelsRelaxedWasm, kernelsSharedWasm, kernelsWasm } from './kernels.generated';

interface Exports {
  gemm(a: number, b: number, kc: number, mt: number, nt: number, c: number, ldc: number, bias: number, first: number): void;
  conv_rows(a: number, src: number, koff: number, kc: number, mt: number, nt: number, c: number, ldc: number, bias: number, first: number): void;
  pack_b(dst: number, img: number, koff: number, kc: number, j0: number, nc: number, ow: number, rowStep: number, colStep: number, cols: number): void;
  pad(dst: number, src: number, planes: number, h: number, w: number, hp: number, wp: number, top: number, left: number, value: number): void;
  borders(dst: number, planes: number, h: number, w: number, hp: number, wp: number, top: number, left: number, value: number): void;
  depthwise(dst: number, img: number, w: number, bias: number, oh: number, ow: number, rowStep: number, colStep: number, dilRow: number, dilCol: number, kh: number, kw: number): void;
  depthwise3x3(dst: number, img: number, w: number, bias: number, oh: number, ow: number, rowStep: number, dilRow: number, dilCol: number): void;
  max_pool(dst: number, img: number, planes: number, planeStep: number, oh: number, ow: number, rowStep: number, colStep: number, dilRow: number, dilCol: number, kh: number, kw: number): void;
  phases2(dst: number, src: number, planes: number, hp: number, wp: number, wq: number): void;
  max_pool_2x2s2(dst: number, img: number, planes: number, planeStep: number, oh: number, ow: number, rowStep: number, dilRow: number): void;
  wino_in(dst: number, p0: number, p1: number, planes: number, planeStep: number, rowStep: number, steps: number, col0: number, panelStep: number, xiStep: number): void;
  wino_weights(dst: number, src: number, n: number, oStride: number, ciStride: number, kw4: number, rv: number, cv: number, xiStep: number): void;
  wino_out(out: number, m: number, bias: number, channels: number, ldc: number, xiStep: number, steps: number, outPlane: number, outRow: number): void;
}

const PAGE = 65536;
const MAX_PAGES = 65536;
/** Shared memories must declare a maximum up front; 1 GiB keeps the address-space reservation modest. */
const MAX_SHARED_PAGES = 16384;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const s = atob(base64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

const modules: { plain?: WebAssembly.Module; shared?: WebAssembly.Module } = {};
let relaxed: boolean | undefined;

/**
 * Whether this host has relaxed SIMD (Chrome ≥ 114, Node ≥ 22, VS Code; Node 20 behind
 * --experimental-wasm-relaxed-simd): its fused multiply-add makes the products about 20% faster.
 */
export function hasRelaxedSimd(): boolean {
  return (relaxed ??= typeof WebAssembly === 'object' && WebAssembly.validate(decode(kernelsRelaxedWasm)));
}

/** The compiled module (cached), or throws when WebAssembly or its SIMD is unavailable. */
export function kernelsModule(shared: boolean): WebAssembly.Module {
  const key = shared ? 'shared' : 'plain';
  const bytes = hasRelaxedSimd() ? (shared ? kernelsRelaxedSharedWasm : kernelsRelaxedWasm) : shared ? kernelsSharedWasm : kernelsWasm;
  return (modules[key] ??= new WebAssembly.Module(decode(bytes)));
}

/** A new shared memory for worker threads (throws where SharedArrayBuffer is unavailable). */
export function sharedMemory(): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: 1, maximum: MAX_SHARED_PAGES, shared: true });
}

export class WasmKernels implements SimdKernels {
  readonly simd = true;
  readonly offsetsInA = true;
  f32: Float32Array;
  i32: Int32Array;
  private readonly x: Exports;

  constructor(readonly memory: WebAssembly.Memory, module: WebAssembly.Module) {
    this.x = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Exports;
    this.f32 = new Float32Array(memory.buffer);
    this.i32 = new Int32Array(memory.buffer);
  }

  reserve(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE));
    // A grown memory has a new buffer (a shared one may also have been grown by another thread).
    if (this.f32.buffer.byteLength !== this.memory.buffer.byteLength) {
      this.f32 = new Float32Array(this.memory.buffer);
      this.i32 = new Int32Array(this.memory.buffer);
    }
  }

  gemm(a: number, b: number, kc: number, mt: number, nt: number, c: number, ldc: number, bias: number, first: number): void {
    this.x.gemm(a, b, kc, mt, nt, c, ldc, bias, first);
  }
  convRows(a: number, src: number, koff: number, kc: number, mt: number, nt: number, c: number, ldc: number, bias: number, first: number): void {
    this.x.conv_rows(a, src, koff, kc, mt, nt, c, ldc, bias, first);
  }
  packB(dst: number, img: number, koff: number, kc: number, j0: number, nc: number, ow: number, rowStep: number, colStep: number, cols: number): void {
    this.x.pack_b(dst, img, koff, kc, j0, nc, ow, rowStep, colStep, cols);
  }
  pad(dst: number, src: number, planes: number, h: number, w: number, hp: number, wp: number, top: number, left: number, value: number): void {
    this.x.pad(dst, src, planes, h, w, hp, wp, top, left, value);
  }
  borders(dst: number, planes: number, h: number, w: number, hp: number, wp: number, top: number, left: number, value: number): void {
    this.x.borders(dst, planes, h, w, hp, wp, top, left, value);
  }
  depthwise(dst: number, img: number, w: number, bias: number, oh: number, ow: number, rowStep: number, colStep: number, dilRow: number, dilCol: number, kh: number, kw: number): void {
    this.x.depthwise(dst, img, w, bias, oh, ow, rowStep, colStep, dilRow, dilCol, kh, kw);
  }
  depthwise3x3(dst: number, img: number, w: number, bias: number, oh: number, ow: number, rowStep: number, dilRow: number, dilCol: number): void {
    this.x.depthwise3x3(dst, img, w, bias, oh, ow, rowStep, dilRow, dilCol);
  }
  maxPool(dst: number, img: number, planes: number, planeStep: number, oh: number, ow: number, rowStep: number, colStep: number, dilRow: number, dilCol: number, kh: number, kw: number): void {
    this.x.max_pool(dst, img, planes, planeStep, oh, ow, rowStep, colStep, dilRow, dilCol, kh, kw);
  }
  phases2(dst: number, src: number, planes: number, hp: number, wp: number, wq: number): void {
    this.x.phases2(dst, src, planes, hp, wp, wq);
  }
  maxPool2x2(dst: number, img: number, planes: number, planeStep: number, oh: number, ow: number, rowStep: number, dilRow: number): void {
    this.x.max_pool_2x2s2(dst, img, planes, planeStep, oh, ow, rowStep, dilRow);
  }
  winoIn(dst: number, p0: number, p1: number, planes: number, planeStep: number, rowStep: number, steps: number, col0: number, panelStep: number, xiStep: number): void {
    this.x.wino_in(dst, p0, p1, planes, planeStep, rowStep, steps, col0, panelStep, xiStep);
  }
  winoWeights(dst: number, src: number, n: number, oStride: number, ciStride: number, kw4: number, rv: number, cv: number, xiStep: number): void {
    this.x.wino_weights(dst, src, n, oStride, ciStride, kw4, rv, cv, xiStep);
  }
  winoOut(out: number, m: number, bias: number, channels: number, ldc: number, xiStep: number, steps: number, outPlane: number, outRow: number): void {
    this.x.wino_out(out, m, bias, channels, ldc, xiStep, steps, outPlane, outRow);
  }
}

/** The single-thread set on its own growable memory, or null without WebAssembly SIMD. */
export function createWasmKernels(): WasmKernels | null {
  try {
    if (typeof WebAssembly !== 'object') return null;
    return new WasmKernels(new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES }), kernelsModule(false));
  } catch {
    return null; // no SIMD, or a CSP without 'wasm-unsafe-eval'
  }
}
