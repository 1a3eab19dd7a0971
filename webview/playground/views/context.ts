/**
 * What every view reads after a change: the state, its tensors as the engine holds them, and the
 * worker's answer (or the engine's error). Views render from this and never compute a shape.
 */
import { padInput, type Tensor } from '../../../src/engine';
import type { ExplainSource } from '../explain';
import type { PlaygroundState } from '../state';
import type { ForwardReply } from '../workerProtocol';

export interface Computed {
  state: PlaygroundState;
  input: Tensor;
  kernel: Tensor;
  bias: Tensor | null;
  reply: ForwardReply | null;
  error: string | null;
}

/** A view in one tab: rendered when its tab is visible and after each change while it is. */
export interface View {
  readonly el: HTMLElement;
  /** Extra worker work this view needs: the output channel to take apart, if any. */
  wantsParts?(state: PlaygroundState): number | null;
  render(c: Computed): void;
  /** The tab was hidden: stop timers. */
  hide?(): void;
}

/** The explain panel's source for a computed result (the padded input is made once per result). */
export function explainSource(c: Computed): ExplainSource | null {
  if (!c.reply) return null;
  const cached = sources.get(c.reply);
  if (cached) return cached;
  const src = { info: c.reply.info, input: c.input, kernel: c.kernel, bias: c.bias, padded: padInput(c.reply.info, c.input) };
  sources.set(c.reply, src);
  return src;
}
const sources = new WeakMap<ForwardReply, ExplainSource>();

/** Largest |value| of a tensor (1 when all are zero), the colour scale shared by its channels. */
export function absMax(t: Tensor | { data: ArrayLike<number> }): number {
  let m = 0;
  const d = t.data;
  for (let i = 0; i < d.length; i++) if (Number.isFinite(d[i])) m = Math.max(m, Math.abs(d[i]));
  return m || 1;
}
