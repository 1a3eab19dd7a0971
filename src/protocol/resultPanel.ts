/**
 * Result panel ("Compute Conv") messages. The extension computes (in a worker thread) and sends a
 * finished view; the webview draws it, explains clicked cells with its own engine bundle, and asks
 * the extension to copy, insert a comment or open the playground. The webview keeps the request
 * (tensors and parameters) as its state, so the panel can be recomputed after a reload.
 */
import type { ConvInfo } from '../engine/convInfo';
import type { ConvCost } from '../engine/cost';
import { isArrayOf, isInteger, isObject, isString, isWireNumber } from './guards';

/** A number as it crosses JSON: NaN and ±Infinity are spelled as strings. */
export type ResultNumber = number | 'NaN' | 'Infinity' | '-Infinity';

/** A dense tensor on the wire: shape and row-major values. */
export interface ResultTensor {
  shape: number[];
  data: ResultNumber[];
}

/**
 * A tensor in a finished view: values as a Float64Array, which both the worker thread and the
 * webview's postMessage carry as binary (no number-by-number JSON for a million values).
 */
export interface ViewTensor {
  shape: number[];
  data: Float64Array;
}

/** A tensor the user selected or picked, with what it was called and where it came from. */
export interface ResultOperand {
  /** The name in the document (`X`), or a label such as `Laplacian (built-in)`. */
  name: string;
  tensor: ResultTensor;
}

/**
 * What was asked: enough to compute again after a reload and to put a comment below the
 * selection. Kept by the webview as its state.
 */
export interface ResultRequest {
  input: ResultOperand;
  kernel: ResultOperand | null;
  bias: ResultOperand | null;
  /** The parameter line (`stride=1, padding=0, …`). */
  params: string;
  /** The document the tensors came from, and the selection's last line (0-based) and its text. */
  documentUri: string;
  anchorLine: number;
  anchorText: string;
  /** Indentation of the selection's first line: the comment block is indented the same. */
  indent: string;
  languageId: string;
}

/** One output channel's breakdown: each input channel's partial map, then sum and bias. */
export interface ResultBreakdownChannel {
  /** Output channel index. */
  o: number;
  /** Input channel indices (within the whole input) of each partial map. */
  inputChannels: number[];
  /** One H_out×W_out map per input channel of the group. */
  partials: ViewTensor[];
  /** Their sum (before the bias). */
  sum: ViewTensor;
  bias: ResultNumber | null;
  /** sum + bias: the output channel. */
  output: ViewTensor;
}

/** The engine's cost of the call, plus the times at the chosen throughputs. */
export interface ResultCost extends Omit<ConvCost, 'reductionLabel'> {
  /** Pools: what `reductionOps` counts ('comparisons', 'additions'); '' for convs. */
  reductionLabel: string;
  /** Throughputs used for the times, in FLOP/s, and the times in seconds (FLOPs ÷ throughput). */
  cpuFlopsPerSecond: number;
  gpuFlopsPerSecond: number;
  cpuSeconds: number;
  gpuSeconds: number;
}

/** Everything the panel draws, computed by the extension. */
export interface ResultView {
  /** `conv2d(X, K)`. */
  title: string;
  op: string;
  params: string;
  /** How each shape was read, in words (`X: [2, 3, 3] read as C×H×W`). */
  readings: string[];
  notes: string[];
  info: ConvInfo;
  /** The operands as the engine used them: input N×C×H×W, weight OIHW (null for pools), bias [C_out]. */
  input: ViewTensor;
  weight: ViewTensor | null;
  bias: ViewTensor | null;
  /** The output in the user's layout (its data in N×C×H×W order too), and as PyTorch prints it. */
  output: ViewTensor;
  outputText: string;
  /** Per output channel of batch item 0; may hold fewer channels than C_out (see `breakdownNote`). */
  breakdown: ResultBreakdownChannel[];
  breakdownNote: string | null;
  /** `H_out = ⌊(3 + 0 + 0 − 1·(2 − 1) − 1) / 1⌋ + 1 = 2`. */
  formula: { height: string; width: string };
  cost: ResultCost;
}

// ── extension → webview ────────────────────────────────────────────────────────────────────────

/** A finished result to draw, with the request to keep as state (null when too large to keep). */
export interface ResultShowMessage {
  type: 'result/show';
  view: ResultView;
  request: ResultRequest | null;
  /** Whether `convLens.openPlayground` exists (the button shows only then). */
  canOpenPlayground: boolean;
}
/** The panel is (re)computing; shown in place of the result. */
export interface ResultBusyMessage {
  type: 'result/busy';
  message: string;
}
/** The computation failed (after a reload, say); the message is shown in the panel. */
export interface ResultFailedMessage {
  type: 'result/failed';
  message: string;
}

export type ResultToWebview = ResultShowMessage | ResultBusyMessage | ResultFailedMessage;

// ── webview → extension ────────────────────────────────────────────────────────────────────────

/** The webview's script runs and listens. */
export interface ResultReadyMessage {
  type: 'result/ready';
}
/** Copy the output, as PyTorch prints it, to the clipboard. */
export interface ResultCopyMessage {
  type: 'result/copy';
}
/** Insert the output as a comment block below the selection (one undoable edit). */
export interface ResultInsertCommentMessage {
  type: 'result/insertComment';
}
/** Open the playground with these tensors and parameters. */
export interface ResultOpenPlaygroundMessage {
  type: 'result/openPlayground';
}

export type ResultFromWebview = ResultReadyMessage | ResultCopyMessage | ResultInsertCommentMessage | ResultOpenPlaygroundMessage;

// ── limits ─────────────────────────────────────────────────────────────────────────────────────

/** Largest tensor (elements) a request may carry; the parser's own limit is lower. */
export const MAX_RESULT_ELEMENTS = 1 << 24;

// ── guards ─────────────────────────────────────────────────────────────────────────────────────

export function isResultTensor(value: unknown): value is ResultTensor {
  if (!isObject(value)) return false;
  const { shape, data } = value;
  if (!isArrayOf(shape, (d): d is number => isInteger(d, 0, MAX_RESULT_ELEMENTS), 6)) return false;
  const n = shape.reduce((a, b) => a * b, 1);
  return n <= MAX_RESULT_ELEMENTS && Array.isArray(data) && data.length === n && data.every(isWireNumber);
}

function isOperand(value: unknown): value is ResultOperand {
  return isObject(value) && isString(value.name, 1000) && isResultTensor(value.tensor);
}

/** Checks a request, including one read back from the webview's saved state. */
export function isResultRequest(value: unknown): value is ResultRequest {
  if (!isObject(value)) return false;
  return (
    isOperand(value.input) &&
    (value.kernel === null || isOperand(value.kernel)) &&
    (value.bias === null || isOperand(value.bias)) &&
    isString(value.params, 2000) &&
    isString(value.documentUri, 10_000) &&
    isInteger(value.anchorLine, 0, 100_000_000) &&
    isString(value.anchorText, 100_000) &&
    isString(value.indent, 1000) &&
    /^[ \t]*$/.test(value.indent) &&
    isString(value.languageId, 200)
  );
}

export function isViewTensor(value: unknown): value is ViewTensor {
  if (!isObject(value) || !(value.data instanceof Float64Array)) return false;
  const { shape, data } = value;
  return isArrayOf(shape, (d): d is number => isInteger(d, 0, MAX_RESULT_ELEMENTS), 6) && shape.reduce((a, b) => a * b, 1) === data.length;
}

/** The parts of a view the webview indexes into: every tensor whole, the sizes it loops over sane. */
export function isResultView(value: unknown): value is ResultView {
  if (!isObject(value)) return false;
  const v = value;
  const info = v.info;
  const dims = ['batch', 'inChannels', 'inHeight', 'inWidth', 'outChannels', 'outHeight', 'outWidth', 'kernelHeight', 'kernelWidth'];
  return (
    isString(v.title, 10_000) &&
    isString(v.params, 2000) &&
    isString(v.outputText, 10_000_000) &&
    isArrayOf(v.readings, (r): r is string => isString(r, 10_000), 100) &&
    isArrayOf(v.notes, (r): r is string => isString(r, 10_000), 100) &&
    isObject(info) &&
    dims.every((d) => isInteger(info[d], 0, MAX_RESULT_ELEMENTS)) &&
    isViewTensor(v.input) &&
    isViewTensor(v.output) &&
    (v.weight === null || isViewTensor(v.weight)) &&
    (v.bias === null || isViewTensor(v.bias)) &&
    isArrayOf(v.breakdown, (b): b is ResultBreakdownChannel =>
      isObject(b) && isInteger(b.o, 0) && isArrayOf(b.inputChannels, (c): c is number => isInteger(c, 0)) &&
      isArrayOf(b.partials, isViewTensor) && isViewTensor(b.sum) && isViewTensor(b.output) && (b.bias === null || isWireNumber(b.bias)), 10_000) &&
    (v.breakdownNote === null || isString(v.breakdownNote, 10_000)) &&
    isObject(v.formula) && isString(v.formula.height, 1000) && isString(v.formula.width, 1000) &&
    isObject(v.cost)
  );
}

/** The extension's own messages; the webview checks them before drawing. */
export function isResultToWebview(value: unknown): value is ResultToWebview {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'result/show':
      return isResultView(value.view) && (value.request === null || isResultRequest(value.request)) && typeof value.canOpenPlayground === 'boolean';
    case 'result/busy':
    case 'result/failed':
      return isString(value.message, 100_000);
    default:
      return false;
  }
}

export function isResultReadyMessage(value: unknown): value is ResultReadyMessage {
  return isObject(value) && value.type === 'result/ready' && Object.keys(value).length === 1;
}
export function isResultCopyMessage(value: unknown): value is ResultCopyMessage {
  return isObject(value) && value.type === 'result/copy' && Object.keys(value).length === 1;
}
export function isResultInsertCommentMessage(value: unknown): value is ResultInsertCommentMessage {
  return isObject(value) && value.type === 'result/insertComment' && Object.keys(value).length === 1;
}
export function isResultOpenPlaygroundMessage(value: unknown): value is ResultOpenPlaygroundMessage {
  return isObject(value) && value.type === 'result/openPlayground' && Object.keys(value).length === 1;
}

export function isResultFromWebview(value: unknown): value is ResultFromWebview {
  return isResultReadyMessage(value) || isResultCopyMessage(value) || isResultInsertCommentMessage(value) || isResultOpenPlaygroundMessage(value);
}

/** Typed values to wire numbers (NaN and ±Infinity as strings, which JSON cannot hold). */
export function toResultTensor(t: { shape: readonly number[]; data: ArrayLike<number> }): ResultTensor {
  const data = new Array<ResultNumber>(t.data.length);
  for (let i = 0; i < t.data.length; i++) data[i] = toResultNumber(t.data[i]);
  return { shape: [...t.shape], data };
}

export function toResultNumber(v: number): ResultNumber {
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

export const fromResultNumber = (v: ResultNumber): number => (typeof v === 'number' ? v : Number(v));

/** A typed tensor as a view tensor: its own Float64Array (a copy, never a view into a larger buffer). */
export function toViewTensor(t: { shape: readonly number[]; data: ArrayLike<number> }): ViewTensor {
  return { shape: [...t.shape], data: Float64Array.from(t.data) };
}

/** Wire values back to a Float64Array. */
export function fromResultTensor(t: ResultTensor): { shape: number[]; data: Float64Array } {
  return { shape: [...t.shape], data: Float64Array.from(t.data, fromResultNumber) };
}
