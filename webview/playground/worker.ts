/**
 * The playground's Web Worker: the same engine bundle as the page, so a large convolution, a
 * learning run or an image never blocks typing. One request at a time, answered in order.
 */
import { useBundle } from '../common/l10n';
import { serve } from './serve';
import { isL10nMessage, type L10nMessage, type WorkerRequest } from './workerProtocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (e: MessageEvent<WorkerRequest | L10nMessage>) => {
  // The page's translations first, so the engine's errors read in the page's language.
  if (isL10nMessage(e.data)) useBundle(e.data.bundle);
  else scope.postMessage(serve(e.data));
};
