import * as vscode from 'vscode';
import { Worker } from 'node:worker_threads';
import type { ComputeJob } from '../compute/job';
import type { ResultView } from '../protocol/resultPanel';
import type { WorkerReply } from './computeWorker';

/**
 * Runs a "Compute Conv" job in a worker thread (dist/computeWorker.js), so the extension host stays
 * responsive on large inputs. A progress notification with a Cancel button appears if the job takes
 * longer than a moment; cancelling terminates the thread.
 */

/** A job failed in a way the user can act on (bad shapes, bad parameters); the message says how. */
export class ComputeFailure extends Error {
  constructor(
    message: string,
    readonly expected: boolean,
    readonly details?: string,
  ) {
    super(message);
    this.name = 'ComputeFailure';
  }
}

/** The user cancelled. */
export class ComputeCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'ComputeCancelled';
  }
}

/** Jobs quicker than this show no notification (it would only flash). */
const PROGRESS_DELAY_MS = 400;

/** `token` cancels too (a caller's own cancellation, or a test's). */
export function runJobInWorker(context: vscode.ExtensionContext, job: ComputeJob, title: string, token?: vscode.CancellationToken): Promise<ResultView> {
  const worker = new Worker(vscode.Uri.joinPath(context.extensionUri, 'dist', 'computeWorker.js').fsPath, { workerData: { l10n: vscode.l10n.bundle } });
  let settle: { resolve: (v: ResultView) => void; reject: (e: Error) => void } | undefined;
  const done = new Promise<ResultView>((resolve, reject) => (settle = { resolve, reject }));
  let finished = false;
  const finish = (f: () => void): void => {
    if (finished) return;
    finished = true;
    void worker.terminate();
    f();
  };
  worker.on('message', (reply: WorkerReply) =>
    finish(() => (reply.ok ? settle!.resolve(reply.view) : settle!.reject(new ComputeFailure(reply.message, reply.expected, reply.stack)))),
  );
  worker.on('error', (err) => finish(() => settle!.reject(new ComputeFailure(err.message, false, err.stack))));
  worker.on('exit', (code) => finish(() => settle!.reject(new ComputeFailure(`the compute worker stopped (exit code ${code})`, false))));
  worker.postMessage(job);
  const outer = token?.onCancellationRequested(() => finish(() => settle!.reject(new ComputeCancelled())));

  const timer = setTimeout(() => {
    if (finished) return;
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      (_progress, token) =>
        new Promise<void>((resolve) => {
          token.onCancellationRequested(() => finish(() => settle!.reject(new ComputeCancelled())));
          done.then(() => resolve(), () => resolve());
        }),
    );
  }, PROGRESS_DELAY_MS);
  return done.finally(() => {
    clearTimeout(timer);
    outer?.dispose();
  });
}
