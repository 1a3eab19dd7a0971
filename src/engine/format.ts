/**
 * Tensors printed exactly as PyTorch prints them (`str(tensor)`, torch/_tensor_str.py's rules), so
 * a result can sit next to the output a notebook printed:
 * - floats whose finite values are all integers print as `56.`; others with `precision` decimals;
 * - scientific notation when max/min of the non-zero finite magnitudes exceeds 1000, the largest
 *   exceeds 1e8, or (non-integers only) the smallest is below 1e-4;
 * - every element right-aligned to the widest; rows wrapped at `linewidth`;
 * - more than `threshold` elements: only `edgeitems` from each end of every dimension, with `...`.
 * Python rounds exactly half-way decimals to even on the exact binary value; `toFixed` rounds them
 * away from zero, so exact ties (detected from the binary representation) take a BigInt path.
 */
import type { Tensor } from './tensor';

export interface FormatOptions {
  /** Digits after the decimal point (PyTorch's default 4). */
  precision?: number;
  /**
   * Append `, dtype=torch.float64` for float64 tensors. Off by default: the outputs users compare
   * with were printed from float32 tensors (PyTorch's default dtype), which carry no suffix.
   */
  showDtype?: boolean;
  /** Print as an integer (int64) tensor, e.g. max-pool indices: `4`, not `4.`. */
  integer?: boolean;
  linewidth?: number;
  threshold?: number;
  edgeitems?: number;
  /** Force (true) or forbid (false) scientific notation; undefined lets the values decide. */
  sciMode?: boolean;
}

interface PrintOptions {
  precision: number;
  linewidth: number;
  threshold: number;
  edgeitems: number;
  sciMode: boolean | undefined;
}

/** Scratch space for reading a double's bits. */
const bits = new DataView(new ArrayBuffer(8));

/** `|x| = mantissa · 2^exponent` exactly, for a finite double. */
function binaryParts(x: number): { mantissa: bigint; exponent: number } {
  const view = bits;
  view.setFloat64(0, x);
  const high = view.getUint32(0);
  const low = view.getUint32(4);
  const biased = (high >>> 20) & 0x7ff;
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
  if (biased === 0) return { mantissa, exponent: -1074 };
  mantissa |= 1n << 52n;
  return { mantissa, exponent: biased - 1075 };
}

/** round-half-even of `|x| · 10^shift` as an integer, exactly. */
function scaledRound(x: number, shift: number): bigint {
  const { mantissa, exponent } = binaryParts(x);
  let num = mantissa;
  let den = 1n;
  if (exponent >= 0) num <<= BigInt(exponent);
  else den <<= BigInt(-exponent);
  if (shift >= 0) num *= 10n ** BigInt(shift);
  else den *= 10n ** BigInt(-shift);
  const q = num / den;
  const twice = 2n * (num % den);
  if (twice > den || (twice === den && q % 2n === 1n)) return q + 1n;
  return q;
}

const negative = (x: number): boolean => x < 0 || Object.is(x, -0);

function nonFinite(x: number): string | null {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return null;
}

/**
 * Whether `|x| · 10^shift` lies exactly half-way between two integers, i.e. `|x| · 10^shift · 2` is
 * odd. With `|x| = q · 2^(t + e)` (q odd) that product is `q · 5^shift · 2^(t + e + shift + 1)`,
 * odd exactly when the power of two vanishes. Only decides for shift ≥ 0; otherwise says "maybe".
 */
function maybeHalfWay(x: number, shift: number): boolean {
  if (shift < 0) return true;
  const view = bits;
  view.setFloat64(0, x);
  const high = view.getUint32(0);
  const low = view.getUint32(4);
  const biased = (high >>> 20) & 0x7ff;
  const fractionHigh = high & 0xfffff;
  const trailingZeros32 = (v: number): number => 31 - Math.clz32(v & -v);
  // Trailing zero bits of the integer mantissa (the implicit bit is bit 52 for normal numbers).
  let t: number;
  if (low !== 0) t = trailingZeros32(low);
  else if (fractionHigh !== 0) t = 32 + trailingZeros32(fractionHigh);
  else t = biased === 0 ? 0 : 52;
  const e = biased === 0 ? -1074 : biased - 1075;
  return t + e + shift + 1 === 0;
}

/** Python's `f"{x:.{digits}f}"`. */
export function formatFixed(x: number, digits: number): string {
  const special = nonFinite(x);
  if (special) return special;
  // toFixed is exact except that it rounds exact ties away from zero (Python: to even) and
  // switches to exponents from 1e21; those go the BigInt way.
  if (Math.abs(x) < 1e21 && digits <= 100 && !maybeHalfWay(x, digits)) {
    const text = x.toFixed(digits);
    return Object.is(x, -0) ? `-${text}` : text;
  }
  return exactFixed(x, digits);
}

/** `formatFixed` by exact rational arithmetic. */
export function exactFixed(x: number, digits: number): string {
  const special = nonFinite(x);
  if (special) return special;
  const text = scaledRound(x, digits).toString().padStart(digits + 1, '0');
  const body = digits === 0 ? text : `${text.slice(0, text.length - digits)}.${text.slice(text.length - digits)}`;
  return (negative(x) ? '-' : '') + body;
}

/** `floor(log10(|x|))` exactly, for a finite non-zero x. */
function decimalExponent(x: number): number {
  const { mantissa, exponent } = binaryParts(x);
  const atLeastPowerOfTen = (e: number): boolean => {
    // |x| ≥ 10^e, compared as integers: mantissa · 2^exponent · 10^−e ≥ 1.
    let num = mantissa;
    let den = 1n;
    if (exponent >= 0) num <<= BigInt(exponent);
    else den <<= BigInt(-exponent);
    if (e >= 0) den *= 10n ** BigInt(e);
    else num *= 10n ** BigInt(-e);
    return num >= den;
  };
  let e = Math.floor(Math.log10(Math.abs(x)));
  while (!atLeastPowerOfTen(e)) e--;
  while (atLeastPowerOfTen(e + 1)) e++;
  return e;
}

/** Python's `f"{x:.{digits}e}"`: `1.2346e-05`, exponent of at least two digits. */
export function formatScientific(x: number, digits: number): string {
  const special = nonFinite(x);
  if (special) return special;
  if (x !== 0 && digits <= 100) {
    // toExponential is exact but for ties (it rounds them up); check the exponent it chose and the
    // one below (a carry moves it up by one).
    const text = Math.abs(x).toExponential(digits);
    const at = text.indexOf('e');
    const e = Number(text.slice(at + 1));
    if (!maybeHalfWay(x, digits - e) && !maybeHalfWay(x, digits - e + 1)) {
      const exponent = `${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
      return `${x < 0 ? '-' : ''}${text.slice(0, at)}e${exponent}`;
    }
  }
  return exactScientific(x, digits);
}

/** `formatScientific` by exact rational arithmetic. */
export function exactScientific(x: number, digits: number): string {
  const special = nonFinite(x);
  if (special) return special;
  let e = x === 0 ? 0 : decimalExponent(x);
  let n = x === 0 ? 0n : scaledRound(x, digits - e);
  if (n === 10n ** BigInt(digits + 1)) {
    // Rounding carried into a new digit: 9.99996 → 1.0000e+01.
    n /= 10n;
    e += 1;
  }
  const text = n.toString().padStart(digits + 1, '0');
  const mantissa = digits === 0 ? text : `${text[0]}.${text.slice(1)}`;
  const exponent = `${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return `${negative(x) ? '-' : ''}${mantissa}e${exponent}`;
}

/** How every element of one tensor is written, decided once from all (shown) values, as torch's `_Formatter`. */
class ElementFormatter {
  private intMode = true;
  private sciMode = false;
  private maxWidth = 1;

  constructor(
    values: ArrayLike<number>,
    private readonly integerTensor: boolean,
    private readonly opts: PrintOptions,
  ) {
    if (integerTensor) {
      for (let i = 0; i < values.length; i++) this.maxWidth = Math.max(this.maxWidth, String(values[i]).length);
      return;
    }
    const nonzero: number[] = [];
    for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]) && values[i] !== 0) nonzero.push(values[i]);
    if (nonzero.length > 0) {
      let min = Infinity;
      let max = 0;
      for (const v of nonzero) {
        min = Math.min(min, Math.abs(v));
        max = Math.max(max, Math.abs(v));
      }
      this.intMode = nonzero.every((v) => v === Math.ceil(v));
      const wide = max / min > 1000 || max > 1e8;
      this.sciMode = this.intMode ? wide : wide || min < 1e-4;
      for (const v of nonzero) {
        const width = this.sciMode
          ? formatScientific(v, opts.precision).length
          : this.intMode
            ? formatFixed(v, 0).length + 1
            : formatFixed(v, opts.precision).length;
        this.maxWidth = Math.max(this.maxWidth, width);
      }
    }
    // As in PyTorch, a forced mode changes the notation but not the width measured above.
    if (opts.sciMode !== undefined) this.sciMode = opts.sciMode;
  }

  get width(): number {
    return this.maxWidth;
  }

  format(v: number): string {
    let text: string;
    if (this.integerTensor) text = String(v);
    else if (this.sciMode) text = formatScientific(v, this.opts.precision);
    else if (this.intMode) text = formatFixed(v, 0) + (Number.isFinite(v) ? '.' : '');
    else text = formatFixed(v, this.opts.precision);
    return text.padStart(this.maxWidth);
  }
}

/** A strided view of a sub-tensor: dims and the flat offset / strides into `t.data`. */
interface View {
  shape: number[];
  strides: number[];
  offset: number;
}

function rowMajor(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

const sub = (v: View, i: number): View => ({ shape: v.shape.slice(1), strides: v.strides.slice(1), offset: v.offset + i * v.strides[0] });

/** The indices of dimension 0 that are shown: all, or `edgeitems` from each end when summarizing. */
function shownIndices(size: number, summarize: boolean, edge: number): number[] {
  const all = Array.from({ length: size }, (_, i) => i);
  if (!summarize || size <= 2 * edge) return all;
  return [...all.slice(0, edge), ...all.slice(size - edge)];
}

/** The values a summarized print shows (torch's get_summarized_data), which alone decide the format. */
function shownValues(data: ArrayLike<number>, v: View, summarize: boolean, edge: number, out: number[]): void {
  if (v.shape.length === 0) {
    out.push(data[v.offset]);
    return;
  }
  for (const i of shownIndices(v.shape[0], summarize, edge)) shownValues(data, sub(v, i), summarize, edge, out);
}

function vectorString(data: ArrayLike<number>, v: View, indent: number, summarize: boolean, f: ElementFormatter, opts: PrintOptions): string {
  const size = v.shape[0];
  const perLine = Math.max(1, Math.floor((opts.linewidth - indent) / (f.width + 2)));
  const at = (i: number): string => f.format(data[v.offset + i * v.strides[0]]);
  let items: string[];
  if (summarize && size > 2 * opts.edgeitems) {
    items = [
      ...Array.from({ length: opts.edgeitems }, (_, i) => at(i)),
      ' ...',
      ...Array.from({ length: opts.edgeitems }, (_, i) => at(size - opts.edgeitems + i)),
    ];
  } else {
    items = Array.from({ length: size }, (_, i) => at(i));
  }
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
  return '[' + lines.join(',\n' + ' '.repeat(indent + 1)) + ']';
}

function tensorString(data: ArrayLike<number>, v: View, indent: number, summarize: boolean, f: ElementFormatter, opts: PrintOptions): string {
  const dim = v.shape.length;
  if (dim === 0) return f.format(data[v.offset]);
  if (dim === 1) return vectorString(data, v, indent, summarize, f, opts);
  const size = v.shape[0];
  const slices: string[] = [];
  const edge = opts.edgeitems;
  const cut = summarize && size > 2 * edge;
  for (const i of shownIndices(size, summarize, edge)) {
    if (cut && i === size - edge) slices.push('...');
    slices.push(tensorString(data, sub(v, i), indent + 1, summarize, f, opts));
  }
  return '[' + slices.join(',' + '\n'.repeat(dim - 1) + ' '.repeat(indent + 1)) + ']';
}

/** Appends `, dtype=…` / `, size=…`, on a new line when the last line would pass the line width. */
function withSuffixes(text: string, suffixes: string[], indent: number, linewidth: number): string {
  const parts = [text];
  let lastLine = text.length - text.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLine + suffix.length + 2 > linewidth) {
      parts.push(',\n' + ' '.repeat(indent) + suffix);
      lastLine = indent + suffix.length;
    } else {
      parts.push(', ' + suffix);
      lastLine += suffix.length + 2;
    }
  }
  parts.push(')');
  return parts.join('');
}

/** `str(t)` as PyTorch prints it: `tensor([[56., 72.],\n        [104., 120.]])`. */
export function formatTensor(t: Tensor, options: FormatOptions = {}): string {
  const opts: PrintOptions = {
    precision: options.precision ?? 4,
    linewidth: options.linewidth ?? 80,
    threshold: options.threshold ?? 1000,
    edgeitems: options.edgeitems ?? 3,
    sciMode: options.sciMode,
  };
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  const showDtype = options.showDtype === true && t.dtype === 'float64' && !options.integer;
  const count = t.data.length;
  let body: string;
  if (count === 0) {
    if (t.shape.length !== 1) suffixes.push(`size=(${t.shape.join(', ')}${t.shape.length === 1 ? ',' : ''})`);
    body = '[]';
  } else {
    const summarize = count > opts.threshold;
    const view: View = { shape: [...t.shape], strides: rowMajor(t.shape), offset: 0 };
    const shown: number[] = [];
    shownValues(t.data, view, summarize, opts.edgeitems, shown);
    const formatter = new ElementFormatter(shown, options.integer === true, opts);
    body = tensorString(t.data, view, indent, summarize, formatter, opts);
  }
  if (showDtype) suffixes.push('dtype=torch.float64');
  return withSuffixes(prefix + body, suffixes, indent, opts.linewidth);
}
