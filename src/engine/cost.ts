/**
 * The cost model, labelled so no one confuses conventions: MACs (multiply-adds), FLOPs = 2·MACs,
 * bias adds on their own line, parameters, bytes moved and arithmetic intensity; plus time at a
 * given throughput and the human-readable counts (`1.02 G`, `18.9 h`).
 */
import { isPool, type ConvInfo } from './convInfo';
import type { DType } from './tensor';
import { poolWindows } from './pool';

export interface ConvCost {
  /** Multiply-adds: `N·C_out·H_out·W_out·(C_in/groups)·kH·kW` (transposed: `N·C_in·H·W·(C_out/groups)·kH·kW`). 0 for pools. */
  macs: number;
  /** `2·macs` for convs (a multiply and an add each); for pools the comparisons or additions below. */
  flops: number;
  /** One addition per output element when there is a bias. */
  biasAdds: number;
  /** Pools only: comparisons (max) or additions (avg, Lp) over the taps inside the input; 0 for convs. */
  reductionOps: number;
  /** What `reductionOps` counts: 'comparisons', 'additions' or '' for convs. */
  reductionLabel: 'comparisons' | 'additions' | '';
  params: number;
  weightParams: number;
  biasParams: number;
  inputBytes: number;
  outputBytes: number;
  weightBytes: number;
  /** FLOPs per byte of input + output + weights (each read or written once). */
  arithmeticIntensity: number;
}

/** The cost of one call described by `info`, with tensors stored as `dtype` (8 or 4 bytes an element). */
export function convCost(info: ConvInfo, dtype: DType = 'float64'): ConvCost {
  const bytes = dtype === 'float32' ? 4 : 8;
  const outputs = info.batch * info.outChannels * info.outHeight * info.outWidth;
  const inputs = info.batch * info.inChannels * info.inHeight * info.inWidth;
  const taps = info.kernelHeight * info.kernelWidth;
  let macs = 0;
  let weightParams = 0;
  let reductionOps = 0;
  let reductionLabel: ConvCost['reductionLabel'] = '';
  if (isPool(info)) {
    // Exact tap counts: a window's in-input taps are (row taps)·(column taps), so the totals factor.
    const { rows, cols } = poolWindows(info);
    const sumTaps = (axis: Array<{ taps: number[] }>): number => axis.reduce((s, a) => s + a.taps.length, 0);
    const inside = sumTaps(rows) * sumTaps(cols) * info.batch * info.inChannels;
    // Max: the first tap starts the running maximum; avg / Lp: the first tap starts the sum.
    reductionOps = Math.max(0, inside - outputs);
    reductionLabel = info.op === 'max_pool2d' ? 'comparisons' : 'additions';
  } else if (info.op === 'conv_transpose2d') {
    macs = inputs * info.outChannelsPerGroup * taps;
    weightParams = info.inChannels * info.outChannelsPerGroup * taps;
  } else {
    macs = outputs * info.inChannelsPerGroup * taps;
    weightParams = info.outChannels * info.inChannelsPerGroup * taps;
  }
  const biasParams = info.hasBias ? info.outChannels : 0;
  const params = weightParams + biasParams;
  const flops = isPool(info) ? reductionOps : 2 * macs;
  const inputBytes = inputs * bytes;
  const outputBytes = outputs * bytes;
  const weightBytes = params * bytes;
  return {
    macs,
    flops,
    biasAdds: info.hasBias ? outputs : 0,
    reductionOps,
    reductionLabel,
    params,
    weightParams,
    biasParams,
    inputBytes,
    outputBytes,
    weightBytes,
    arithmeticIntensity: flops / (inputBytes + outputBytes + weightBytes),
  };
}

/** Seconds to run `ops` operations at `opsPerSecond` (say which ops you count: MACs or FLOPs). */
export function timeAt(ops: number, opsPerSecond: number): number {
  return ops / opsPerSecond;
}

const prefixes = ['', 'K', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];

/** Three significant digits, without trailing zeros lost: 18.96 → '19.0', 853.3 → '853'. */
function threeDigits(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/** A count with an SI prefix and three significant digits: `1.02 G`, `10.2 P`, `512`. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  let v = Math.abs(n);
  if (v < 1000) return sign + (Number.isInteger(v) ? String(v) : threeDigits(v));
  let p = 0;
  while (v >= 1000 && p < prefixes.length - 1) {
    v /= 1000;
    p++;
  }
  // 999.6 K rounds to 1000 K: show it as 1.00 M.
  if (Number(threeDigits(v)) >= 1000 && p < prefixes.length - 1) {
    v /= 1000;
    p++;
  }
  return `${sign}${threeDigits(v)} ${prefixes[p]}`;
}

const durationUnits: Array<[string, number]> = [
  ['years', 365 * 86400],
  ['days', 86400],
  ['h', 3600],
  ['min', 60],
  ['s', 1],
  ['ms', 1e-3],
  ['µs', 1e-6],
  ['ns', 1e-9],
];

/** A duration with three significant digits in the largest fitting unit: `19.0 h`, `14.2 min`, `4.80 µs`; hours up to two days. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  if (seconds === 0) return '0 s';
  for (const [unit, size] of durationUnits) {
    // Hours read better than "1.5 days" for lecture-sized numbers, so days start at two.
    const threshold = unit === 'days' ? 2 * size : size;
    if (Math.abs(seconds) >= threshold || unit === 'ns') {
      const v = seconds / size;
      const text = threeDigits(Math.abs(v));
      return `${v < 0 ? '-' : ''}${text} ${unit}`;
    }
  }
  return `${seconds} s`;
}

/** One labelled line of a cost summary: the number and its human-readable text. */
export interface CostLine {
  label: string;
  value: number;
  text: string;
}

export interface CostSummaryOptions {
  /** Multiply the per-call counts (e.g. layers × samples, as the lecture does). */
  repeat?: number;
  /** Throughputs in operations per second to time the work at. */
  opsPerSecond?: number[];
}

/**
 * The cost as labelled lines, both conventions side by side: multiply-adds (one per MAC) and FLOPs
 * (two per MAC), bias adds apart, then time at each throughput under each convention. Pools list
 * their comparisons or additions instead.
 */
export function costLines(cost: ConvCost, options: CostSummaryOptions = {}): CostLine[] {
  const repeat = options.repeat ?? 1;
  const line = (label: string, value: number, text = formatCount(value)): CostLine => ({ label, value, text });
  const lines: CostLine[] = [];
  if (cost.reductionLabel) {
    lines.push(line(cost.reductionLabel, cost.reductionOps * repeat));
  } else {
    lines.push(line('multiply-adds (MACs)', cost.macs * repeat));
    lines.push(line('FLOPs (2 per multiply-add)', cost.flops * repeat));
    if (cost.biasAdds) lines.push(line('bias additions', cost.biasAdds * repeat));
    lines.push(line('parameters', cost.params));
  }
  for (const rate of options.opsPerSecond ?? []) {
    const at = formatCount(rate);
    if (cost.reductionLabel) {
      lines.push(line(`time at ${at}op/s`, timeAt(cost.reductionOps * repeat, rate), formatDuration(timeAt(cost.reductionOps * repeat, rate))));
      continue;
    }
    const macTime = timeAt(cost.macs * repeat, rate);
    const flopTime = timeAt(cost.flops * repeat, rate);
    lines.push(line(`time at ${at}op/s, one op per multiply-add`, macTime, formatDuration(macTime)));
    lines.push(line(`time at ${at}op/s, FLOPs (two ops per multiply-add)`, flopTime, formatDuration(flopTime)));
  }
  return lines;
}
