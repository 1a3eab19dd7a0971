/**
 * Answers one worker request with the engine. The worker runs it; the page runs it directly only if
 * a worker cannot be started, so the numbers never depend on where they were computed.
 */
import { EngineError } from '../../src/engine';
import { channelParts, forward } from './compute';
import { learnKernel } from './learn';
import type { WorkerReply, WorkerRequest } from './workerProtocol';

export function serve(req: WorkerRequest): WorkerReply {
  try {
    return answer(req);
  } catch (err) {
    // Engine errors are for the user; anything else is a bug, reported with its name.
    const message = err instanceof EngineError ? err.message : err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return { id: req.id, kind: 'error', message };
  }
}

function answer(req: WorkerRequest): WorkerReply {
  switch (req.kind) {
    case 'forward': {
      const t0 = performance.now();
      const operands = { input: req.input, kernel: req.kernel, bias: req.bias };
      const f = forward(req.params, operands);
      const parts = req.parts !== null && (f.info.op === 'conv2d' || f.info.op === 'conv_transpose2d') ? channelParts(f.info, operands, Math.min(req.parts, f.info.outChannels - 1)) : null;
      return { id: req.id, kind: 'forward', info: f.info, output: f.output, indices: f.indices, parts, ms: performance.now() - t0 };
    }
    case 'learn':
      return { id: req.id, kind: 'learn', run: learnKernel(req.x, req.trueKernel, req.start, req.lr, req.steps) };
    case 'image':
      return { id: req.id, kind: 'image', output: forward(req.params, { input: req.input, kernel: req.kernel, bias: req.bias }).output };
  }
}
