/**
 * The worker thread behind "Compute Conv" (built as dist/computeWorker.js): runs one job with the
 * same engine as everything else, so a large input never blocks the extension host. Cancelling
 * terminates the thread. No vscode here: worker threads cannot reach the API.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as l10n from '@vscode/l10n';
import { EngineError } from '../engine/errors';
import { runJob, type ComputeJob } from '../compute/job';
import { ReadingError } from '../compute/operands';
import type { ResultView } from '../protocol/resultPanel';

/** What the worker answers: the view, or an error a user can read (`expected`) or a bug. */
export type WorkerReply =
  | { ok: true; view: ResultView }
  | { ok: false; expected: boolean; message: string; stack?: string };

export function answer(job: ComputeJob): WorkerReply {
  try {
    return { ok: true, view: runJob(job) };
  } catch (err) {
    const expected = err instanceof ReadingError || err instanceof EngineError;
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, expected, message, stack: err instanceof Error ? err.stack : undefined };
  }
}

// The extension hands over its vscode.l10n.bundle (absent in English) so the readings are translated.
const bundle = (workerData as { l10n?: Record<string, string> } | undefined)?.l10n;
if (bundle) l10n.config({ contents: bundle });

parentPort?.on('message', (job: ComputeJob) => parentPort?.postMessage(answer(job)));
