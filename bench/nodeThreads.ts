/**
 * Node's side of the engine's threads: a `ThreadHost` on worker_threads. Each helper is this same
 * bundle (dist/bench.js) started as a worker; `runHelperIfWorker` at the top of the bench sends it
 * into the engine's `serveHelper` instead of running the bench.
 */
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import { serveHelper, type HelperStart, type ThreadHost } from '../src/engine/fast/parallel';

export const nodeThreadHost: ThreadHost = {
  spawn(start: HelperStart) {
    const worker = new Worker(__filename, { workerData: { convLensHelper: start } });
    worker.unref(); // helpers never keep the process alive
  },
};

/** In a helper worker: serve the engine (never returns while it runs) and say so. */
export function runHelperIfWorker(): boolean {
  if (isMainThread) return false;
  const start = (workerData as { convLensHelper?: HelperStart } | null)?.convLensHelper;
  if (!start) return false;
  serveHelper(start);
  return true;
}
