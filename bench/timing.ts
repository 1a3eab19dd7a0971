/**
 * Median time of a call after warm-up: samples of one or more back-to-back calls (enough calls
 * that a sample lasts ≥ 5 ms, so microsecond calls are not lost in timer noise), at least
 * `minSamples` samples and at least `minMs` in all. Awaits the call when it returns a promise.
 * Each sample also records the process's CPU time: on a machine shared with other work, the CPU
 * time of a single-threaded call is close to its wall time on an idle machine, and the minor page
 * faults (first writes to fresh memory, such as a new output array; dear in some virtual machines).
 */

export interface TimingOptions {
  minSamples?: number;
  minMs?: number;
  warmupMs?: number;
}

export interface Timing {
  /** Median wall-clock milliseconds per call. */
  wall: number;
  /** Median CPU milliseconds per call (all of the process's threads). */
  cpu: number;
  /** Median minor page faults per call (the whole process). */
  faults: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

export async function measure(call: () => unknown, options: TimingOptions = {}): Promise<Timing> {
  const { minSamples = 10, minMs = 400, warmupMs = 200 } = options;
  const isAsync = call() instanceof Promise;
  const runBatch = async (reps: number): Promise<Timing> => {
    const c0 = process.cpuUsage();
    const f0 = process.resourceUsage().minorPageFault;
    const t0 = performance.now();
    if (isAsync) for (let i = 0; i < reps; i++) await call();
    else for (let i = 0; i < reps; i++) call();
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    return { wall, cpu: (c.user + c.system) / 1000, faults: process.resourceUsage().minorPageFault - f0 };
  };
  // Warm-up: JIT tiers, caches, lazily grown buffers; also finds how many calls make 5 ms.
  let reps = 1;
  const warmStart = performance.now();
  for (let w = 0; w < 2 || performance.now() - warmStart < warmupMs; w++) {
    const t = await runBatch(reps);
    if (t.wall < 5) reps = Math.min(reps * 2, 1 << 20);
  }
  gc?.();
  const walls: number[] = [];
  const cpus: number[] = [];
  const faults: number[] = [];
  const start = performance.now();
  while (walls.length < minSamples || performance.now() - start < minMs) {
    const t = await runBatch(reps);
    walls.push(t.wall / reps);
    cpus.push(t.cpu / reps);
    faults.push(t.faults / reps);
  }
  return { wall: median(walls), cpu: median(cpus), faults: median(faults) };
}

/** Median wall-clock milliseconds per call. */
export async function medianMs(call: () => unknown, options: TimingOptions = {}): Promise<number> {
  return (await measure(call, options)).wall;
}
