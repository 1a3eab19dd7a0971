/**
 * Playground panel messages. The extension sends workspace text (a selection, command arguments
 * from a hover link) and image bytes; the webview asks for them. Every message has a guard, and the
 * command arguments are checked here too, because they arrive from links and other panels.
 */
import { isArrayOf, isFiniteNumber, isInteger, isObject, isString } from './guards';

/** A dense tensor as it crosses the boundary: a shape and row-major values. */
export interface WireTensor {
  shape: number[];
  data: number[];
}

export type PlaygroundOp = 'conv2d' | 'conv_transpose2d' | 'max_pool2d' | 'avg_pool2d';
export type PlaygroundPaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';
export type PairArg = number | [number, number];
export type PaddingArg = number | [number, number] | [number, number, number, number] | 'same' | 'valid';

/** Layer options a caller may preset; each one the playground has a control for. */
export interface PlaygroundParams {
  op?: PlaygroundOp;
  stride?: PairArg;
  padding?: PaddingArg;
  dilation?: PairArg;
  groups?: number;
  paddingMode?: PlaygroundPaddingMode;
  /** True convolution (flipped kernel) instead of cross-correlation. */
  convolution?: boolean;
  outputPadding?: PairArg;
  /** Pooling window. */
  kernelSize?: PairArg;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

/** Arguments of `convLens.openPlayground` (from the result panel or a hover link), after checking. */
export interface PlaygroundArgs {
  input?: WireTensor;
  kernel?: WireTensor;
  bias?: number[];
  params?: PlaygroundParams;
}

/** Where the extension put a selection the webview asked for. */
export type SelectionTarget = 'input' | 'kernel' | 'learnInput';

// ── extension → webview ────────────────────────────────────────────────────────────────────────

/** Sent in answer to `ready`: tensors and options to load (absent when the panel opens empty or restored). */
export interface PlaygroundInitMessage {
  type: 'init';
  args: PlaygroundArgs | null;
}
/** The command ran again while the panel was open: load these tensors and options. */
export interface PlaygroundLoadMessage {
  type: 'load';
  args: PlaygroundArgs;
}
/** The active editor's selected text for a target editor, or why there is none. */
export interface PlaygroundSelectionMessage {
  type: 'selection';
  target: SelectionTarget;
  text: string | null;
  /** Shown to the user when `text` is null ("no editor", "empty selection"). */
  reason: string | null;
}
/** An image file's bytes (base64) chosen in the file picker, or null if the picker was cancelled. */
export interface PlaygroundImageMessage {
  type: 'image';
  name: string;
  mime: string;
  base64: string | null;
}

export type PlaygroundToWebview =
  | PlaygroundInitMessage
  | PlaygroundLoadMessage
  | PlaygroundSelectionMessage
  | PlaygroundImageMessage;

// ── webview → extension ────────────────────────────────────────────────────────────────────────

/** The webview's script is running and listening. */
export interface PlaygroundReadyMessage {
  type: 'ready';
}
/** Asks for the selected text of the last active text editor. */
export interface PlaygroundRequestSelectionMessage {
  type: 'requestSelection';
  target: SelectionTarget;
}
/** Asks the extension to show a file picker for a PNG or JPEG image. */
export interface PlaygroundOpenImageMessage {
  type: 'openImage';
}

export type PlaygroundFromWebview =
  | PlaygroundReadyMessage
  | PlaygroundRequestSelectionMessage
  | PlaygroundOpenImageMessage;

// ── limits ─────────────────────────────────────────────────────────────────────────────────────

/** Largest tensor the playground takes (elements); bigger ones would make every change slow. */
export const MAX_PLAYGROUND_ELEMENTS = 1 << 20;
/** Largest image file the picker passes on, in bytes. */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

// ── guards ─────────────────────────────────────────────────────────────────────────────────────

const OPS: readonly string[] = ['conv2d', 'conv_transpose2d', 'max_pool2d', 'avg_pool2d'];
const PADDING_MODES: readonly string[] = ['zeros', 'reflect', 'replicate', 'circular'];
const TARGETS: readonly string[] = ['input', 'kernel', 'learnInput'];

export function isWireTensor(value: unknown): value is WireTensor {
  if (!isObject(value)) return false;
  const { shape, data } = value;
  if (!isArrayOf(shape, (d): d is number => isInteger(d, 1, MAX_PLAYGROUND_ELEMENTS), 4) || shape.length === 0) return false;
  const n = shape.reduce((a, b) => a * b, 1);
  return n <= MAX_PLAYGROUND_ELEMENTS && isArrayOf(data, isFiniteNumber, MAX_PLAYGROUND_ELEMENTS) && data.length === n;
}

const isPair = (v: unknown, min: number): v is PairArg =>
  isInteger(v, min, 1000) || (Array.isArray(v) && v.length === 2 && v.every((x) => isInteger(x, min, 1000)));

function isPadding(v: unknown): v is PaddingArg {
  if (v === 'same' || v === 'valid') return true;
  if (isInteger(v, 0, 1000)) return true;
  return Array.isArray(v) && (v.length === 2 || v.length === 4) && v.every((x) => isInteger(x, 0, 1000));
}

export function isPlaygroundParams(value: unknown): value is PlaygroundParams {
  if (!isObject(value)) return false;
  const v = value;
  return (
    (v.op === undefined || OPS.includes(v.op as string)) &&
    (v.stride === undefined || isPair(v.stride, 1)) &&
    (v.padding === undefined || isPadding(v.padding)) &&
    (v.dilation === undefined || isPair(v.dilation, 1)) &&
    (v.groups === undefined || isInteger(v.groups, 1, 100_000)) &&
    (v.paddingMode === undefined || PADDING_MODES.includes(v.paddingMode as string)) &&
    (v.convolution === undefined || typeof v.convolution === 'boolean') &&
    (v.outputPadding === undefined || isPair(v.outputPadding, 0)) &&
    (v.kernelSize === undefined || isPair(v.kernelSize, 1)) &&
    (v.ceilMode === undefined || typeof v.ceilMode === 'boolean') &&
    (v.countIncludePad === undefined || typeof v.countIncludePad === 'boolean')
  );
}

export function isPlaygroundArgs(value: unknown): value is PlaygroundArgs {
  if (!isObject(value)) return false;
  return (
    (value.input === undefined || isWireTensor(value.input)) &&
    (value.kernel === undefined || isWireTensor(value.kernel)) &&
    (value.bias === undefined || isArrayOf(value.bias, isFiniteNumber, 100_000)) &&
    (value.params === undefined || isPlaygroundParams(value.params))
  );
}

/**
 * Reads the loose form callers pass to the command: a tensor may be a nested list of numbers or
 * `{shape, data}`. Returns checked arguments, or a message naming the first field that is wrong.
 */
export function readPlaygroundArgs(value: unknown): { args: PlaygroundArgs } | { error: string } {
  if (value === undefined || value === null) return { args: {} };
  if (!isObject(value)) return { error: 'expected an object {input?, kernel?, bias?, params?}' };
  const args: PlaygroundArgs = {};
  for (const key of ['input', 'kernel'] as const) {
    if (value[key] === undefined) continue;
    const t = Array.isArray(value[key]) ? nestedToWire(value[key]) : value[key];
    if (!isWireTensor(t)) return { error: `${key}: expected a nested list of numbers or {shape, data}` };
    args[key] = t;
  }
  if (value.bias !== undefined) {
    const b = typeof value.bias === 'number' ? [value.bias] : value.bias;
    if (!isArrayOf(b, isFiniteNumber, 100_000)) return { error: 'bias: expected a list of numbers' };
    args.bias = b;
  }
  if (value.params !== undefined) {
    if (!isPlaygroundParams(value.params)) return { error: 'params: an option has an unknown name or value' };
    args.params = value.params;
  }
  return { args };
}

/** A rectangular nested list of finite numbers as `{shape, data}`, or undefined if it is ragged. */
export function nestedToWire(value: unknown): WireTensor | undefined {
  const shape: number[] = [];
  for (let v: unknown = value; Array.isArray(v); v = v[0]) {
    if (v.length === 0 || shape.length >= 4) return undefined;
    shape.push(v.length);
  }
  const data: number[] = [];
  const walk = (v: unknown, dim: number): boolean => {
    if (dim === shape.length) return isFiniteNumber(v) && data.push(v) > 0 && data.length <= MAX_PLAYGROUND_ELEMENTS;
    return Array.isArray(v) && v.length === shape[dim] && v.every((x) => walk(x, dim + 1));
  };
  return shape.length > 0 && walk(value, 0) ? { shape, data } : undefined;
}

export function isPlaygroundToWebview(value: unknown): value is PlaygroundToWebview {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'init':
      return value.args === null || isPlaygroundArgs(value.args);
    case 'load':
      return isPlaygroundArgs(value.args);
    case 'selection':
      return (
        TARGETS.includes(value.target as string) &&
        (value.text === null || isString(value.text, 1_000_000)) &&
        (value.reason === null || isString(value.reason, 1000))
      );
    case 'image':
      return (
        isString(value.name, 1000) &&
        isString(value.mime, 100) &&
        (value.base64 === null || (isString(value.base64, Math.ceil(MAX_IMAGE_BYTES / 3) * 4) && /^[A-Za-z0-9+/]*={0,2}$/.test(value.base64)))
      );
    default:
      return false;
  }
}

export function isPlaygroundFromWebview(value: unknown): value is PlaygroundFromWebview {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'ready':
    case 'openImage':
      return true;
    case 'requestSelection':
      return TARGETS.includes(value.target as string);
    default:
      return false;
  }
}
