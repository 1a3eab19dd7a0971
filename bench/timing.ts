/**
 * Median time of a call after warm-up: samples of one or more back-to-back calls (enough calls
 * that a sample lasts ≥ 5 ms, so microsecond calls are not lost in timer noise), at least
 * `minSamples` samples and at least `minMs` in all. Awaits the call when it returns a promise.
 */

export interface TimingOptions {
  minSamples?: number;
  minMs?: number;
  warmupMs?: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

export async function medianMs(call: () => unknown, options: TimingOptions = {}): Promise<number> {
  const { minSamples = 10, minMs = 600, warmupMs = 200 } = options;
  const isAsync = call() instanceof Promise;
  const runBatch = isAsync
    ? async (reps: number) => {
        const t0 = performance.now();
        for (let i = 0; i < reps; i++) await call();
        return performance.now() - t0;
      }
    : async (reps: number) => {
        const t0 = performance.now();
        for (let i = 0; i < reps; i++) call();
        return performance.now() - t0;
      };
  // Warm-up: JIT tiers, caches, lazily grown buffers; also finds how many calls make 5 ms.
  let reps = 1;
  const warmStart = performance.now();
  for (let w = 0; w < 2 || performance.now() - warmStart < warmupMs; w++) {
    const t = await runBatch(reps);
    if (t < 5) reps = Math.min(reps * 2, 1 << 20);
  }
  gc?.();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < minSamples || performance.now() - start < minMs) {
    samples.push((await runBatch(reps)) / reps);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}
