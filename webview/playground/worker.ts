/**
 * The playground's Web Worker: the same engine bundle as the page, so a large convolution, a
 * learning run or an image never blocks typing. One request at a time, answered in order.
 */
import { serve } from './serve';
import type { WorkerRequest } from './workerProtocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (e: MessageEvent<WorkerRequest>) => {
  scope.postMessage(serve(e.data));
};
