/**
 * One "Compute Conv" job: read the shapes, run the op with the engine, break the result down
 * channel by channel, and put together everything the result panel draws. Runs in a worker thread
 * for the extension (src/features/computeWorker.ts) and directly in tests. Pure: no vscode, no Node.
 */
import { t } from '@vscode/l10n';
import {
  avgPool2d,
  cast,
  convCost,
  convInfo,
  convTransposeInfo,
  formatTensor,
  maxPool2d,
  outputSizeFormula,
  partialMaps,
  poolInfo,
  reshape,
  conv2d,
  convTranspose2d,
  type ConvInfo,
  type Tensor,
} from '../engine';
import {
  toResultNumber,
  toViewTensor,
  type ResultBreakdownChannel,
  type ResultCost,
  type ResultView,
} from '../protocol/resultPanel';
import { isPool, type ComputeParams } from './params';
import { outputShape as userOutputShape, readBias, readInput, readKernel, readingOfOutput, ReadingError } from './operands';

export interface JobOperand {
  readonly name: string;
  readonly tensor: Tensor;
}

export interface ComputeJob {
  readonly input: JobOperand;
  readonly kernel: JobOperand | null;
  readonly bias: JobOperand | null;
  readonly params: ComputeParams;
  /** The parameter line as the user gave it (shown in the result). */
  readonly paramsText: string;
  readonly cpuFlopsPerSecond: number;
  readonly gpuFlopsPerSecond: number;
}

/** Most partial-map values the breakdown carries, and most maps drawn. */
const BREAKDOWN_VALUES = 1 << 21;
const BREAKDOWN_MAPS = 64;
const BREAKDOWN_CHANNELS = 16;

const shapeText = (s: readonly number[]): string => `[${s.join(', ')}]`;
/** Counted nouns: one string for 1 and one for the rest, as the translations need. */
const channels = (n: number): string => (n === 1 ? t('1 channel') : t('{0} channels', n));
const inputChannels = (n: number): string => (n === 1 ? t('1 input channel') : t('{0} input channels', n));
const outputChannels = (n: number): string => (n === 1 ? t('1 output channel') : t('{0} output channels', n));

/** A job with its shapes read and its parameters resolved, before any arithmetic. */
export interface ResolvedJob {
  /** The operands as the engine takes them: input N×C×H×W, weight OIHW (null for pools), bias [C_out]. */
  readonly input: Tensor;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly info: ConvInfo;
  readonly readings: string[];
  readonly notes: string[];
  /** The output shape in the user's layout. */
  readonly outputShape: number[];
}

/**
 * Reads the shapes and resolves the parameters (cheap: no arithmetic), so an input box can show the
 * output shape as the user types. Throws `ReadingError` or `EngineError` with a message for the user.
 */
export function resolveJob(job: ComputeJob): ResolvedJob {
  const { params: p } = job;
  const { nchw, reading: inputReading } = readInput(job.input.tensor, t('the input {0}', job.input.name));
  // PyTorch needs one dtype for all operands; the input's decides (float32 for torch.tensor([1.0])).
  const dtype = nchw.dtype;
  const readings = [t('{0}: shape {1} read as {2} ({3})', job.input.name, shapeText(job.input.tensor.shape), inputReading, describeInput(nchw.shape))];
  const notes: string[] = [];
  let info: ConvInfo;
  let weight: Tensor | null = null;
  let bias: Tensor | null = null;
  let singleOutput = false;
  if (isPool(p.op)) {
    if (job.kernel) notes.push(t('{0} has no kernel tensor: {1} was not used (the window is kernel_size).', p.op, job.kernel.name));
    if (job.bias) notes.push(t('{0} has no bias: {1} was not used.', p.op, job.bias.name));
    info = poolInfo(p.op as 'max_pool2d' | 'avg_pool2d', nchw.shape, poolOptions(p));
  } else {
    if (!job.kernel) throw new ReadingError(t('{0} needs a kernel: select the input and the kernel, or pick a kernel', p.op));
    const k = readKernel(job.kernel.tensor, job.input.tensor, inputReading, p.op, p.groups);
    weight = cast(k.weight, dtype);
    singleOutput = k.singleOutput;
    readings.push(t('{0}: shape {1} read as {2} ({3})', job.kernel.name, shapeText(job.kernel.tensor.shape), k.reading, describeKernel(weight.shape, p.op, k.reading)));
    const transpose = p.op === 'conv_transpose2d';
    const outChannels = transpose ? weight.shape[1] * p.groups : weight.shape[0];
    if (job.bias) {
      bias = cast(readBias(job.bias.tensor, outChannels), dtype);
      readings.push(t('{0}: shape {1}, one value per output channel', job.bias.name, shapeText(job.bias.tensor.shape)));
    }
    if (transpose) {
      info = convTransposeInfo(nchw.shape, weight.shape, { ...transposeOptions(p), hasBias: !!bias });
    } else {
      info = convInfo(nchw.shape, weight.shape, { ...convOptions(p), hasBias: !!bias });
      if (p.convolution) notes.push(t('True convolution: the kernel is flipped left-right and top-bottom before the cross-correlation.'));
    }
  }
  const outputShape = userOutputShape([info.batch, info.outChannels, info.outHeight, info.outWidth], inputReading, singleOutput, p.op);
  readings.push(t('Output: shape {0} read as {1}', shapeText(outputShape), readingOfOutput(outputShape)));
  if (info.batch > 1) notes.push(t('The breakdown and the arithmetic are for batch item 0 of {0}.', info.batch));
  return { input: nchw, weight, bias, info, readings, notes, outputShape };
}

const poolOptions = (p: ComputeParams) => ({
  kernelSize: p.kernelSize ?? ([2, 2] as const),
  stride: p.stride,
  padding: p.padding === 'same' ? 0 : p.padding,
  dilation: p.dilation,
  ceilMode: p.ceilMode,
  countIncludePad: p.countIncludePad,
});

const convOptions = (p: ComputeParams) => ({
  stride: p.stride ?? 1,
  padding: p.padding,
  dilation: p.dilation,
  groups: p.groups,
  paddingMode: p.paddingMode,
  convolution: p.convolution,
});

function transposeOptions(p: ComputeParams) {
  if (typeof p.padding === 'string') throw new ReadingError(t("conv_transpose2d takes a number or a pair as padding, not '{0}'", p.padding));
  return { stride: p.stride ?? 1, padding: p.padding, outputPadding: p.outputPadding, dilation: p.dilation, groups: p.groups };
}

/**
 * Runs a job. Throws `ReadingError` (shapes that do not fit, worded for the user) or the engine's
 * `EngineError`; anything else is a bug.
 */
export function runJob(job: ComputeJob): ResultView {
  const r = resolveJob(job);
  const p = job.params;
  const { input, weight, bias, info } = r;
  let output: Tensor;
  if (p.op === 'max_pool2d') output = maxPool2d(input, poolOptions(p)).output;
  else if (p.op === 'avg_pool2d') output = avgPool2d(input, poolOptions(p));
  else if (p.op === 'conv_transpose2d') output = convTranspose2d(input, weight!, bias, transposeOptions(p));
  else output = conv2d(input, weight!, bias, convOptions(p));
  const userOutput = reshape(output, r.outputShape);
  const { breakdown, note } = breakdownOf(info, input, weight, bias, output);
  const formula = outputSizeFormula(info);
  const operandNames = [job.input.name, ...(isPool(p.op) ? [] : [job.kernel?.name ?? '', ...(bias ? [job.bias?.name ?? ''] : [])])];
  return {
    title: `${p.op}(${operandNames.join(', ')})`,
    op: p.op,
    params: job.paramsText,
    readings: r.readings,
    notes: r.notes,
    info,
    input: toViewTensor(input),
    weight: weight ? toViewTensor(weight) : null,
    bias: bias ? toViewTensor(bias) : null,
    output: toViewTensor(userOutput),
    outputText: formatTensor(userOutput),
    breakdown,
    breakdownNote: note,
    formula: { height: formula.height, width: formula.width },
    cost: costOf(info, job, input.dtype),
  };
}

function describeInput(s: readonly number[]): string {
  const [n, c, h, w] = s;
  const planes = t('{0} of {1}×{2}', channels(c), h, w);
  return n > 1 ? t('a batch of {0}, {1}', n, planes) : planes;
}

function describeKernel(s: readonly number[], op: string, reading: string): string {
  const [a, b, kh, kw] = s;
  if (op === 'conv_transpose2d') return t('{0} → {1} per group, {2}×{3}', inputChannels(a), outputChannels(b), kh, kw);
  if (reading === 'kH×kW') return t('one {0}×{1} kernel: one input and one output channel', kh, kw);
  if (reading === 'C_in×kH×kW') return t('one output channel: a {0}×{1} kernel for each of the {2}', kh, kw, inputChannels(b));
  return t('{0}, each a {1}×{2} kernel for each of {3}', outputChannels(a), kh, kw, inputChannels(b));
}

/**
 * For each output channel of batch item 0: every input channel's partial map, their sum, the bias
 * and the output channel, within the budget above.
 */
function breakdownOf(info: ConvInfo, input: Tensor, weight: Tensor | null, bias: Tensor | null, output: Tensor): { breakdown: ResultBreakdownChannel[]; note: string | null } {
  if (info.op !== 'conv2d' || !weight) {
    return { breakdown: [], note: info.op === 'conv_transpose2d' ? 'The channel-wise breakdown is drawn for conv2d; click an output cell of a pool or a transposed conv for its window.' : null };
  }
  const perOut = info.inChannelsPerGroup;
  const plane = info.outHeight * info.outWidth;
  if (perOut > BREAKDOWN_MAPS || perOut * plane > BREAKDOWN_VALUES) {
    return { breakdown: [], note: `Each output channel sums ${perOut} partial maps of ${info.outHeight}×${info.outWidth}: too many to draw. Click an output cell for its arithmetic.` };
  }
  const shown = Math.max(1, Math.min(info.outChannels, BREAKDOWN_CHANNELS, Math.floor(BREAKDOWN_MAPS / perOut), Math.floor(BREAKDOWN_VALUES / (perOut * plane))));
  const breakdown: ResultBreakdownChannel[] = [];
  for (let o = 0; o < shown; o++) {
    const maps = partialMaps(info, input, weight, 0, o);
    const partials: Tensor[] = [];
    const sum = new Float64Array(plane);
    for (let c = 0; c < perOut; c++) {
      const m = maps.data.subarray(c * plane, (c + 1) * plane);
      partials.push({ shape: [info.outHeight, info.outWidth], dtype: maps.dtype, data: m });
      for (let i = 0; i < plane; i++) sum[i] += m[i];
    }
    const group = Math.floor(o / info.outChannelsPerGroup);
    const outPlane = output.data.subarray(o * plane, (o + 1) * plane);
    breakdown.push({
      o,
      inputChannels: Array.from({ length: perOut }, (_, c) => group * perOut + c),
      partials: partials.map(toViewTensor),
      sum: { shape: [info.outHeight, info.outWidth], data: sum },
      bias: bias ? toResultNumber(bias.data[o]) : null,
      output: toViewTensor({ shape: [info.outHeight, info.outWidth], data: outPlane }),
    });
  }
  const note = shown < info.outChannels ? t('The breakdown shows the first {0} of {1} output channels.', shown, info.outChannels) : null;
  return { breakdown, note };
}

function costOf(info: ConvInfo, job: ComputeJob, dtype: Tensor['dtype']): ResultCost {
  const c = convCost(info, dtype);
  return {
    macs: c.macs,
    flops: c.flops,
    biasAdds: c.biasAdds,
    reductionOps: c.reductionOps,
    reductionLabel: c.reductionLabel,
    params: c.params,
    weightParams: c.weightParams,
    biasParams: c.biasParams,
    inputBytes: c.inputBytes,
    outputBytes: c.outputBytes,
    weightBytes: c.weightBytes,
    arithmeticIntensity: c.arithmeticIntensity,
    cpuFlopsPerSecond: job.cpuFlopsPerSecond,
    gpuFlopsPerSecond: job.gpuFlopsPerSecond,
    cpuSeconds: c.flops / job.cpuFlopsPerSecond,
    gpuSeconds: c.flops / job.gpuFlopsPerSecond,
  };
}
