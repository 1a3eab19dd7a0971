/**
 * conv2d's implicit GEMM on several threads sharing one WebAssembly memory. The engine cannot
 * start threads itself (no worker_threads, no Worker: it runs in Node and in a browser worker), so
 * the host injects a `ThreadHost` that starts helper threads; each helper runs `serveHelper` with
 * the message it was given. Node's adapter is in bench/nodeThreads.ts; a webview would wrap Worker.
 *
 * Per image the work is a list of tasks (one C block of one group each). The caller lays the job
 * out in the shared memory, publishes it and wakes the helpers; then every thread, the caller
 * included, takes the next task with an atomic counter until none is left, writing into a shared
 * output region. So a helper the OS has not scheduled (a busy machine) just takes fewer tasks,
 * and the caller never waits for a helper that has no task. The counter carries the job's tag, so
 * a helper waking late cannot take a task of a newer job.
 */
import type { ConvInfo } from '../convInfo';
import { fillGemm, gemmUnits, layoutGemm, layoutScratch, loadImage, planGemm, type GemmBuffers, type GemmPlan, type GemmScratch } from './gemmConv';
import { HeapLayout } from './kernels';
import { kernelsModule, sharedMemory, WasmKernels } from './wasmKernels';
import {
  fillWinograd, layoutWinograd, layoutWinogradScratch, loadWinogradImage, planWinograd, winogradApplies, winogradBlock,
  type WinogradBuffers, type WinogradPlan, type WinogradScratch,
} from './winograd';

/** What a helper thread is started with (structured-cloneable: a shared memory and a module). */
export interface HelperStart {
  readonly memory: WebAssembly.Memory;
  readonly module: WebAssembly.Module;
}

/** The host's side: start one helper thread that calls `serveHelper(start)`. */
export interface ThreadHost {
  spawn(start: HelperStart): void;
}

// Int32 slots of the control block (bytes 0..255); the job's buffers follow it.
const SEQ = 0; // bumped per job; helpers wait on it
const NEXT = 1; // tag << TAG_SHIFT | next task
const COMPLETED = 2; // tasks finished
const READY = 3; // helpers up
const KIND = 4; // STOP, CONV_GEMM or CONV_WINOGRAD
const TASKS = 5;
const THREADS = 6; // scratch blocks laid out (caller + helpers)
const HELPED = 7; // tasks run by helpers since the pool started (for the bench and tests)
const INFO = 8; // the ConvInfo numbers below, in this order
const STOP = 0;
const CONV_GEMM = 1;
const CONV_WINOGRAD = 2;
const CONTROL_BYTES = 256;
const TAG_SHIFT = 20;
const MAX_TASKS = 1 << TAG_SHIFT;
const FIELDS = [
  'inChannels', 'inHeight', 'inWidth', 'outChannels', 'outHeight', 'outWidth', 'kernelHeight', 'kernelWidth',
  'strideHeight', 'strideWidth', 'dilationHeight', 'dilationWidth', 'padTop', 'padBottom', 'padLeft', 'padRight', 'groups',
] as const;

/** Winograd's share of a job (convs it applies to: winograd.ts), its tasks blocks of tile rows. */
interface WinogradJob {
  plan: WinogradPlan;
  buf: WinogradBuffers;
  scratch: WinogradScratch[];
}

/** The buffers of a job, laid out the same way by every thread. */
interface Job {
  info: ConvInfo;
  plan: GemmPlan;
  buf: GemmBuffers;
  scratch: GemmScratch[];
  wino: WinogradJob | null; // when set, the GEMM fields are unused
  out: number; // C_out × H_out·W_out floats of the current image, for the helpers' tasks
  helped: number; // one i32 per task: 1 if a helper ran it (its output is in `out`)
  bytes: number;
  blocks: number; // tasks per group
}

/** Blocks per thread and image: small enough that a thread the OS parks holds up little. */
const BLOCKS_PER_THREAD = 6;

function layoutJob(info: ConvInfo, threads: number, winograd: boolean): Job {
  const plan = planGemm(info, BLOCKS_PER_THREAD * threads);
  const layout = new HeapLayout(CONTROL_BYTES);
  let wino: WinogradJob | null = null;
  let buf: GemmBuffers;
  let scratch: GemmScratch[] = [];
  let blocks: number;
  if (winograd) {
    const wp = planWinograd(info, BLOCKS_PER_THREAD * threads);
    const wbuf = layoutWinograd(info, wp, layout);
    wino = { plan: wp, buf: wbuf, scratch: Array.from({ length: threads }, () => layoutWinogradScratch(info, wp, layout)) };
    buf = { koff: 0, bias: 0, a: 0, stage: 0, wide: 0, img: 0 };
    blocks = Math.ceil(wp.th / wp.tb);
  } else {
    buf = layoutGemm(info, plan, layout);
    scratch = Array.from({ length: threads }, () => layoutScratch(plan, layout));
    blocks = Math.ceil(plan.units / plan.unitsPerBlock);
  }
  const out = layout.take(4 * info.outChannels * info.outHeight * info.outWidth);
  const helped = layout.take(4 * info.groups * blocks);
  return { info, plan, buf, scratch, wino, out, helped, bytes: layout.bytes, blocks };
}

/** Task t is block t % blocks of group ⌊t / blocks⌋: its group and output pixels [p0, p1). */
function taskPixels(job: Job, t: number): { g: number; u0: number; u1: number; p0: number; p1: number } {
  const { plan, info } = job;
  if (job.wino) {
    // Winograd (one group): tile rows [u0, u1), output rows twice those.
    const { th, tb } = job.wino.plan;
    const u0 = t * tb, u1 = Math.min(th, u0 + tb);
    return { g: 0, u0, u1, p0: 2 * u0 * info.outWidth, p1: Math.min(info.outHeight, 2 * u1) * info.outWidth };
  }
  const g = Math.floor(t / job.blocks);
  const u0 = (t % job.blocks) * plan.unitsPerBlock;
  const u1 = Math.min(plan.units, u0 + plan.unitsPerBlock);
  const perUnit = plan.rows ? info.outWidth : 1;
  return { g, u0, u1, p0: u0 * perUnit, p1: u1 * perUnit };
}

/** Runs task t; `put(channel, pixel, from, count)` stores each piece of output (channel over all groups). */
function runTask(kern: WasmKernels, job: Job, t: number, thread: number, put: (channel: number, pixel: number, from: number, count: number) => void): void {
  const { g, u0, u1 } = taskPixels(job, t);
  if (job.wino) {
    winogradBlock(kern, job.info, job.wino.plan, job.wino.buf, job.wino.scratch[thread], u0, put);
    return;
  }
  const scratch = job.scratch[thread];
  const m = job.info.outChannelsPerGroup;
  gemmUnits(kern, job.info, job.plan, job.buf, g, u0, u1, scratch, (o, pixel, from, count) => put(g * m + o, pixel, from, count));
}

/**
 * Takes tasks of the job tagged `tag` until none is left, counting each one done after `run`
 * (the caller returns only when all are done, so no thread is still writing when the next job
 * reuses the buffers).
 */
function takeTasks(ctl: Int32Array, tag: number, total: number, run: (t: number) => void): void {
  for (;;) {
    const v = Atomics.load(ctl, NEXT);
    if (v >>> TAG_SHIFT !== tag) return;
    const t = v & (MAX_TASKS - 1);
    if (t >= total) return;
    if (Atomics.compareExchange(ctl, NEXT, v, v + 1) !== v) continue;
    run(t);
    if (Atomics.add(ctl, COMPLETED, 1) + 1 === total) Atomics.notify(ctl, COMPLETED);
  }
}

/** The caller's side: the shared kernels, and the helpers it started. */
export class ThreadPool {
  private readonly kern: WasmKernels;
  /** A view of a shared memory stays valid when the memory grows, so one view serves. */
  private readonly ctl: Int32Array;

  private constructor(memory: WebAssembly.Memory, host: ThreadHost, private readonly helpers: number) {
    const module = kernelsModule(true);
    this.kern = new WasmKernels(memory, module);
    this.kern.reserve(CONTROL_BYTES);
    this.ctl = new Int32Array(memory.buffer, 0, CONTROL_BYTES / 4);
    for (let i = 0; i < helpers; i++) host.spawn({ memory, module });
  }

  /** A pool with `helpers` helper threads, or null where shared WebAssembly memory is unavailable. */
  static create(host: ThreadHost, helpers: number): ThreadPool | null {
    try {
      if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return null;
      return new ThreadPool(sharedMemory(), host, helpers);
    } catch {
      return null; // no cross-origin isolation, no threads feature, or no SIMD
    }
  }

  /** Tasks the helpers have run since the pool started. */
  get helperTasks(): number {
    return Atomics.load(this.ctl, HELPED);
  }

  /** Helpers that are up and serving (they may still be starting right after `create`). */
  get ready(): number {
    return Atomics.load(this.ctl, READY);
  }

  /**
   * conv2d through the implicit GEMM, shared with whichever helpers are free. `callerWorks` false
   * leaves every task to the helpers (tests use it to check their results; it needs one up).
   */
  /** `winograd`: run it by Winograd (the caller has checked the input: see `checkWinogradInput`). */
  conv(info: ConvInfo, x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array, callerWorks = true, winograd = winogradApplies(info)): void {
    const ctl = this.ctl;
    const job = layoutJob(info, 1 + this.helpers, winograd);
    const total = info.groups * job.blocks;
    const kern = this.kern;
    kern.reserve(job.bytes);
    if (job.wino) fillWinograd(kern, info, job.wino.plan, job.wino.buf, w, bias);
    else fillGemm(kern, info, job.plan, job.buf, w, bias);
    FIELDS.forEach((f, i) => Atomics.store(ctl, INFO + i, info[f]));
    Atomics.store(ctl, THREADS, 1 + this.helpers);
    Atomics.store(ctl, TASKS, total);
    Atomics.store(ctl, KIND, job.wino ? CONV_WINOGRAD : CONV_GEMM);
    const pixels = info.outHeight * info.outWidth;
    const f32 = kern.f32;
    const helped = kern.i32.subarray(job.helped >>> 2, (job.helped >>> 2) + total);
    for (let n = 0; n < info.batch; n++) {
      if (job.wino) loadWinogradImage(kern, info, job.wino.plan, job.wino.buf, x, n);
      else loadImage(kern, info, job.plan, job.buf, x, n);
      helped.fill(0);
      const tag = (Atomics.load(ctl, SEQ) + 1) & (2047);
      Atomics.store(ctl, COMPLETED, 0);
      Atomics.store(ctl, NEXT, tag << TAG_SHIFT);
      Atomics.store(ctl, SEQ, tag);
      Atomics.notify(ctl, SEQ);
      // The caller's own tasks go straight to y; the helpers' wait in the shared region.
      const yBase = n * info.outChannels * pixels;
      if (callerWorks) {
        takeTasks(ctl, tag, total, (t) =>
          runTask(kern, job, t, 0, (ch, pixel, from, count) => y.set(f32.subarray(from, from + count), yBase + ch * pixels + pixel)),
        );
      }
      waitFor(ctl, COMPLETED, total);
      for (let t = 0; t < total; t++) {
        if (Atomics.load(helped, t) === 0) continue;
        const { g, p0, p1 } = taskPixels(job, t);
        for (let o = 0; o < info.outChannelsPerGroup; o++) {
          const at = (g * info.outChannelsPerGroup + o) * pixels;
          y.set(f32.subarray((job.out >>> 2) + at + p0, (job.out >>> 2) + at + p1), yBase + at + p0);
        }
      }
    }
  }

  /** Whether a conv can be split into tasks (the counter holds at most 2^20). */
  fits(info: ConvInfo, winograd = winogradApplies(info)): boolean {
    if (winograd) return true; // a task per block of tile rows: far fewer
    const plan = planGemm(info, BLOCKS_PER_THREAD * (1 + this.helpers));
    return info.groups * Math.ceil(plan.units / plan.unitsPerBlock) < MAX_TASKS;
  }

  /** Tells the helpers to return from `serveHelper`. */
  stop(): void {
    Atomics.store(this.ctl, KIND, STOP);
    Atomics.store(this.ctl, SEQ, (Atomics.load(this.ctl, SEQ) + 1) & 2047);
    Atomics.notify(this.ctl, SEQ);
  }
}

/** Waits until ctl[slot] reaches `target`: a short spin (tasks end close together), then Atomics.wait. */
function waitFor(ctl: Int32Array, slot: number, target: number): void {
  for (let spin = 0; spin < 2000; spin++) if (Atomics.load(ctl, slot) >= target) return;
  for (;;) {
    const v = Atomics.load(ctl, slot);
    if (v >= target) return;
    Atomics.wait(ctl, slot, v, 20);
  }
}

/** A helper thread's loop: takes tasks of every job until told to stop. Blocks its thread. */
export function serveHelper(start: HelperStart): void {
  const kern = new WasmKernels(start.memory, start.module);
  const ctl = new Int32Array(start.memory.buffer, 0, CONTROL_BYTES / 4);
  let seq = Atomics.load(ctl, SEQ);
  const index = Atomics.add(ctl, READY, 1) + 1;
  for (;;) {
    Atomics.wait(ctl, SEQ, seq);
    seq = Atomics.load(ctl, SEQ);
    const kind = Atomics.load(ctl, KIND);
    if (kind === STOP) return;
    const threads = Atomics.load(ctl, THREADS);
    if (index >= threads) continue;
    const total = Atomics.load(ctl, TASKS);
    const numbers = FIELDS.map((_, i) => Atomics.load(ctl, INFO + i));
    let job: Job | undefined;
    takeTasks(ctl, seq, total, (t) => {
      if (!job) {
        // Holding a task means the job is not finished, so the numbers read above are its own.
        const info = Object.fromEntries(FIELDS.map((f, i) => [f, numbers[i]])) as Record<string, number>;
        info.batch = 1;
        info.inChannelsPerGroup = info.inChannels / info.groups;
        info.outChannelsPerGroup = info.outChannels / info.groups;
        job = layoutJob(info as unknown as ConvInfo, threads, kind === CONV_WINOGRAD);
        kern.reserve(job.bytes); // the caller grew the memory: refresh the views
      }
      const out = job.out >>> 2;
      const pixels = job.info.outHeight * job.info.outWidth;
      const f32 = kern.f32;
      runTask(kern, job, t, index, (ch, pixel, from, count) => f32.copyWithin(out + ch * pixels + pixel, from, from + count));
      Atomics.store(kern.i32, (job.helped >>> 2) + t, 1);
      Atomics.add(ctl, HELPED, 1);
    });
  }
}
