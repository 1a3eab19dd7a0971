/**
 * The page's handle on the worker: request → promise of the reply. A webview cannot start a worker
 * from its resource origin, so the script is fetched from our dist folder and started from a blob
 * (the CSP allows `worker-src blob:` and `connect-src` to the webview's own resources only).
 */
import { serve } from './serve';
import { pageBundle } from '../common/l10n';
import { isWorkerReply, type L10nMessage, type WorkerReply, type WorkerRequest } from './workerProtocol';

type Pending = (reply: WorkerReply) => void;
type Request = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

export class EngineClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private constructor(private readonly worker: Worker | null) {
    worker?.addEventListener('message', (e: MessageEvent<unknown>) => {
      if (!isWorkerReply(e.data)) return;
      const done = this.pending.get(e.data.id);
      this.pending.delete(e.data.id);
      done?.(e.data);
    });
  }

  /** Starts the worker from `url`; if that fails the client answers on the page (slower, same numbers). */
  static async start(url: string | undefined): Promise<{ client: EngineClient; error: string | null }> {
    if (!url) return { client: new EngineClient(null), error: 'no worker script' };
    try {
      const source = await (await fetch(url)).text();
      const blobUrl = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      const worker = new Worker(blobUrl);
      if (pageBundle) worker.postMessage({ kind: 'l10n', bundle: pageBundle } satisfies L10nMessage);
      return { client: new EngineClient(worker), error: null };
    } catch (err) {
      return { client: new EngineClient(null), error: err instanceof Error ? err.message : String(err) };
    }
  }

  get inWorker(): boolean {
    return this.worker !== null;
  }

  request(req: Request): Promise<WorkerReply> {
    const full = { ...req, id: this.nextId++ } as WorkerRequest;
    if (!this.worker) return Promise.resolve(serve(full));
    return new Promise((resolve) => {
      this.pending.set(full.id, resolve);
      this.worker?.postMessage(full);
    });
  }
}
