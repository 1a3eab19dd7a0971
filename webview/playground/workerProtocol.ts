/**
 * Messages between the playground page and its Web Worker. Both ends are our own bundle, but the
 * payloads carry values typed by the user, so the page still checks the shape of each reply.
 */
import type { ConvInfo, Tensor } from '../../src/engine';
import type { ChannelParts } from './compute';
import type { LearnRun } from './learn';
import type { Params } from './state';

export interface ForwardRequest {
  id: number;
  kind: 'forward';
  params: Params;
  input: Tensor;
  kernel: Tensor;
  bias: Tensor | null;
  /** Output channel to take apart by input channel (channels view), or null. */
  parts: number | null;
}

export interface LearnRequest {
  id: number;
  kind: 'learn';
  x: Tensor;
  trueKernel: Tensor;
  start: number[];
  lr: number;
  steps: number;
}

export interface ImageRequest {
  id: number;
  kind: 'image';
  params: Params;
  input: Tensor;
  kernel: Tensor;
  bias: Tensor | null;
}

export type WorkerRequest = ForwardRequest | LearnRequest | ImageRequest;

/** Sent once, before any request: the page's l10n bundle (a worker has no document to read it from). */
export interface L10nMessage {
  kind: 'l10n';
  bundle: string;
}

export const isL10nMessage = (m: unknown): m is L10nMessage =>
  typeof m === 'object' && m !== null && (m as L10nMessage).kind === 'l10n' && typeof (m as L10nMessage).bundle === 'string';

export interface ForwardReply {
  id: number;
  kind: 'forward';
  info: ConvInfo;
  output: Tensor;
  indices: Tensor | null;
  parts: ChannelParts | null;
  /** Time spent computing in the worker (ms). */
  ms: number;
}

export interface LearnReply {
  id: number;
  kind: 'learn';
  run: LearnRun;
}

export interface ImageReply {
  id: number;
  kind: 'image';
  output: Tensor;
}

export interface ErrorReply {
  id: number;
  kind: 'error';
  message: string;
}

export type WorkerReply = ForwardReply | LearnReply | ImageReply | ErrorReply;

export function isWorkerReply(v: unknown): v is WorkerReply {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.id === 'number' && ['forward', 'learn', 'image', 'error'].includes(r.kind as string);
}
