/**
 * A resolved conv2d layer report whose ConvInfo is built on first read (hovers, the CLI): the scan
 * makes thousands of reports and a ConvInfo costs about 2 KB of garbage.
 */
import type { ConvInfo } from '../engine/convInfo';
import { resolveInfo, type LayerReport, type LayerSpec } from './layers';

/** `shape` with `ones` leading 1s (the same array when none). */
export function withOnes(shape: readonly number[], ones: number): readonly number[] {
  if (ones === 0) return shape;
  const out: number[] = new Array(ones + shape.length);
  for (let i = 0; i < ones; i++) out[i] = 1;
  for (let i = 0; i < shape.length; i++) out[ones + i] = shape[i];
  return out;
}

/**
 * A class, so the objects stay small and fast (a getter in an object literal made every report a
 * dictionary). It keeps only the report's own shapes, shared with the values they came from: d2l's
 * helpers resolve as conv2d with leading 1s added (corr2d's H×W input and kH×kW kernel, the
 * multi-in C×kH×kW kernel), and those lifted shapes are made when the ConvInfo is, rather than
 * kept with every report (each kept array is one more object every garbage collection moves).
 */
export class LazyConvReport implements LayerReport {
  // Private, so the own properties are exactly those of an eager report.
  #info: ConvInfo | undefined;
  /** Leading 1s the engine's conv2d needs on the input and on the weight. */
  readonly #inputLift: number;
  readonly #weightLift: number;
  constructor(
    readonly spec: LayerSpec,
    readonly weightShape: readonly number[],
    readonly biasShape: readonly number[] | null,
    readonly params: number | null,
    readonly inputShape: readonly number[],
    readonly outputShape: readonly number[],
    inputLift = 0,
    weightLift = 0,
  ) {
    this.#inputLift = inputLift;
    this.#weightLift = weightLift;
  }

  get info(): ConvInfo {
    const spec: LayerSpec = this.spec.op === 'conv2d' ? this.spec : { ...this.spec, op: 'conv2d' };
    return (this.#info ??= resolveInfo(spec, withOnes(this.inputShape, this.#inputLift), withOnes(this.weightShape, this.#weightLift)));
  }

  /** The same report with another output shape (d2l's comp_conv2d drops the two leading axes). */
  withOutput(outputShape: readonly number[]): LazyConvReport {
    return new LazyConvReport(this.spec, this.weightShape, this.biasShape, this.params, this.inputShape, outputShape, this.#inputLift, this.#weightLift);
  }
}
