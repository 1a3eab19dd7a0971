/**
 * Nested lists and tuples of numbers, as Python writes them (`[[1, 2], [3, 4]]`, trailing commas,
 * comments, `1e-3`, `-inf`, `nan`, `True`) and as NumPy prints them (`[[ 56.  72.]\n [104. 120.]]`:
 * spaces, no commas). One pass over the tokens with an explicit stack, so the time is linear in the
 * text and deep nesting cannot overflow the call stack. The first list met at each depth fixes that
 * dimension, as PyTorch does; every later list is checked against it (a "ragged" error names the
 * index path of the list that differs).
 */
import { createScanner, createArrayScanner, Scanner, TokenKind, type TokenArrays } from './scanner';
import { LineMap, ParseError, ParseErrorCode, ErrorDetails } from './errors';

export interface ParseLimits {
  /** Most elements a literal may hold (default 10 million). */
  maxElements?: number;
  /** Most nesting levels (default 64, PyTorch's limit on dimensions). */
  maxDepth?: number;
}

export const DEFAULT_MAX_ELEMENTS = 10_000_000;
export const DEFAULT_MAX_DEPTH = 64;

/** What the elements were written as: `True`/`False` only, integers (and bools), or any float. */
export type ElementKind = 'bool' | 'int' | 'float';

export interface NestedLiteral {
  readonly shape: number[];
  /** Row-major values (True is 1, False is 0). */
  readonly values: Float64Array;
  /** Source offset of each element, in the same order as `values`. */
  readonly offsets: Uint32Array;
  /** [start, end) of the literal in the text. */
  readonly start: number;
  readonly end: number;
  readonly elementKind: ElementKind;
  /** Some list was separated by spaces only: NumPy's printed form. */
  readonly spaceSeparated: boolean;
}

/**
 * A parsed literal: made by `new`, not as an object literal, because scan results keep them (their
 * tensors' `literal`) and V8 pretenures literal sites whose objects survive (see resultObjects.ts).
 */
class Literal implements NestedLiteral {
  constructor(
    readonly shape: number[],
    readonly values: Float64Array,
    readonly offsets: Uint32Array,
    readonly start: number,
    readonly end: number,
    readonly elementKind: ElementKind,
    readonly spaceSeparated: boolean,
  ) {}
}

interface Frame {
  open: number;
  /** 93 `]` or 41 `)`. */
  close: number;
  count: number;
  /** Index of this list in its parent. */
  index: number;
  /** 0 not yet known, 1 commas, 2 spaces. */
  separator: number;
  /** The last thing read was an element (so a separator or the end comes next). */
  afterElement: boolean;
  sawComma: boolean;
}

const NAMED_NUMBERS: Record<string, { value: number; kind: ElementKind }> = {
  True: { value: 1, kind: 'bool' },
  False: { value: 0, kind: 'bool' },
  inf: { value: Infinity, kind: 'float' },
  Inf: { value: Infinity, kind: 'float' },
  nan: { value: NaN, kind: 'float' },
  NaN: { value: NaN, kind: 'float' },
};

/** Module prefixes before `inf` / `nan` (`math.inf`, `np.nan`). */
const NUMBER_MODULES = new Set(['math', 'np', 'numpy', 'torch', 'jnp']);

/** Reused result of `numberValue` (read it before the next call): numbers are parsed by the million. */
const scratch = { value: 0, isInt: true };

/**
 * Parses the number in a Number token; `undefined` when it is not a real number. The result object
 * is shared: copy what you need before calling again.
 *
 * Plain decimals of up to 15 digits (`42`, `-0.25` without its sign, `56.`) are computed as
 * digits / 10^fraction-digits: both are exact doubles, and one IEEE division rounds correctly, so
 * the value equals `Number(text)` without making a string.
 */
export function numberValue(text: string, start: number, end: number): { readonly value: number; readonly isInt: boolean } | undefined {
  let digits = 0;
  let mantissa = 0;
  let fraction = -1;
  let simple = true;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (fraction >= 0) fraction++;
    } else if (c === 46 && fraction < 0) {
      fraction = 0;
    } else {
      simple = false;
      break;
    }
  }
  if (simple && digits > 0 && digits <= 15) {
    scratch.value = fraction > 0 ? mantissa / 10 ** fraction : mantissa;
    scratch.isInt = fraction < 0;
    return scratch;
  }
  let isInt = true;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 || c === 101 || c === 69) isInt = false;
    else if (c === 106 || c === 74) return undefined; // 1j: complex
  }
  let t = text.substring(start, end);
  if (t.includes('_')) t = t.split('_').join('');
  const value = Number(t);
  if (Number.isNaN(value)) return undefined;
  scratch.value = value;
  scratch.isInt = isInt;
  return scratch;
}

/**
 * Every literal is read into these arrays and copied out at its exact size: a scan reads thousands
 * of literals, and growing two plain arrays per literal, then copying them into typed arrays
 * through the iterator (`Float64Array.from`), was the literal parser's largest cost after numbers.
 * A parse runs to completion before the next starts (nothing here calls out), so one pair serves all.
 */
const SCRATCH_START = 1024;
const SCRATCH_KEEP = 1 << 16;
let scratchValues = new Float64Array(SCRATCH_START);
let scratchOffsets = new Uint32Array(SCRATCH_START);

/** The list frames of a parse, by depth (see `open`); the open ones; the dimension sizes fixed so far. */
const FRAMES: Frame[] = [];
const STACK: Frame[] = [];
const DIMS: (number | undefined)[] = [];

function growScratch(n: number): void {
  const values = new Float64Array(n * 2);
  const offsets = new Uint32Array(n * 2);
  values.set(scratchValues);
  offsets.set(scratchOffsets);
  scratchValues = values;
  scratchOffsets = offsets;
}

class LiteralParser {
  private readonly scanner: Scanner;
  private readonly maxElements: number;
  private readonly maxDepth: number;
  /** Read into the shared scratch arrays; copied out at the exact size at the end (each result owns its arrays). */
  private n = 0;
  private kind: ElementKind = 'bool';
  private spaceSeparated = false;
  /** Dimension sizes fixed so far, by depth (the first list to close at a depth fixes it). */
  private readonly dims: (number | undefined)[] = DIMS;
  /** In a space-separated list a sign must touch its number (`-1.`), or `1 - 1` would read as two. */
  private signMustTouch = false;
  /** Depth at which numbers sit, once the first number is seen (-1 before). */
  private leafDepth = -1;
  private readonly stack: Frame[] = STACK;

  constructor(
    private readonly text: string,
    private readonly start: number,
    private readonly end: number,
    limits: ParseLimits,
    private readonly lines: LineMap,
    tokens?: { readonly arrays: TokenArrays; readonly index: number },
  ) {
    this.scanner = tokens ? createArrayScanner(text, tokens.arrays, tokens.index, end) : createScanner(text, start, end);
    // Shared with every parse, like FRAMES (a fresh pair per literal reserved 17 slots each at the first push).
    // Emptied by pop, not `length = 0`: that drops the backing store, and the first push made a new one.
    while (DIMS.length > 0) DIMS.pop();
    while (STACK.length > 0) STACK.pop();
    this.maxElements = limits.maxElements ?? DEFAULT_MAX_ELEMENTS;
    this.maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  }

  fail(code: ParseErrorCode, offset: number, length: number, details: ErrorDetails = {}): never {
    throw new ParseError(code, offset, length, details, this.lines.position(offset));
  }

  private foundText(): string {
    const s = this.scanner;
    if (s.tokenKind === TokenKind.EOF) return 'end of text';
    const t = s.tokenText();
    return `'${t.length > 20 ? t.slice(0, 20) + '…' : t}'`;
  }

  private path(depth: number): string {
    let p = '';
    for (let d = 1; d <= depth; d++) p += `[${this.stack[d].index}]`;
    return p;
  }

  /** Next token that is not a comment. */
  private next(): TokenKind {
    let k = this.scanner.scan();
    while (k === TokenKind.Comment) k = this.scanner.scan();
    return k;
  }

  private push(value: number, offset: number): void {
    const n = this.n;
    if (n >= this.maxElements) this.fail(ParseErrorCode.TooManyElements, offset, 1, { limit: this.maxElements });
    if (n === scratchValues.length) growScratch(n);
    scratchValues[n] = value;
    scratchOffsets[n] = offset;
    this.n = n + 1;
  }

  /** The number `number()` read last (fields rather than an object: literals hold millions of them). */
  private numValue = 0;
  private numKind: ElementKind = 'int';
  private numOffset = 0;

  private found(value: number, kind: ElementKind, offset: number): true {
    this.numValue = value;
    this.numKind = kind;
    this.numOffset = offset;
    return true;
  }

  /** Reads the number whose first token (a sign, digits or a name) is current; leaves the scanner on its last token. */
  private number(): boolean {
    const s = this.scanner;
    const text = this.text;
    const offset = s.tokenOffset;
    let sign = 1;
    let kind = s.tokenKind;
    if (kind === TokenKind.Punct && s.tokenLength === 1 && (s.tokenChar() === 45 || s.tokenChar() === 43)) {
      if (s.tokenChar() === 45) sign = -1;
      kind = this.next();
      if (this.signMustTouch && s.spaceBefore) return false;
    }
    if (kind === TokenKind.Number) {
      const parsed = numberValue(text, s.tokenOffset, s.tokenOffset + s.tokenLength);
      if (!parsed) this.fail(ParseErrorCode.BadNumber, s.tokenOffset, s.tokenLength, { found: s.tokenText() });
      return this.found(sign * parsed.value, parsed.isInt ? 'int' : 'float', offset);
    }
    if (kind === TokenKind.Name) {
      let name = s.tokenText();
      if (NUMBER_MODULES.has(name) && this.peekDot()) {
        this.next(); // '.'
        if (this.next() !== TokenKind.Name) return false;
        name = s.tokenText();
        if (name !== 'inf' && name !== 'nan') return false;
      } else if (name === 'float') {
        return this.floatCall(sign, offset);
      }
      const named = NAMED_NUMBERS[name];
      if (!named) return false;
      if (named.kind === 'bool' && sign !== 1) return this.found(-named.value, 'int', offset);
      return this.found(sign * named.value, named.kind, offset);
    }
    return false;
  }

  private peekDot(): boolean {
    const p = this.scanner.tokenOffset + this.scanner.tokenLength;
    return p < this.end && this.text.charCodeAt(p) === 46;
  }

  /** `float('inf')`, `float("-nan")`, `float('1.5')`. */
  private floatCall(sign: number, offset: number): boolean {
    const s = this.scanner;
    if (this.next() !== TokenKind.Punct || s.tokenChar() !== 40) return false;
    if (this.next() !== TokenKind.String) return false;
    const raw = s.tokenText();
    const inner = raw.slice(1, -1).trim().toLowerCase();
    if (this.next() !== TokenKind.Punct || s.tokenChar() !== 41) return false;
    let v: number;
    if (inner === 'inf' || inner === '+inf' || inner === 'infinity') v = Infinity;
    else if (inner === '-inf' || inner === '-infinity') v = -Infinity;
    else if (inner === 'nan' || inner === '-nan' || inner === '+nan') v = NaN;
    else {
      v = inner === '' ? NaN : Number(inner);
      if (Number.isNaN(v)) this.fail(ParseErrorCode.BadNumber, offset, s.tokenOffset + 1 - offset, { found: raw });
    }
    return this.found(sign * v, 'float', offset);
  }

  private isOpen(kind: TokenKind): boolean {
    const c = this.scanner.tokenChar();
    return kind === TokenKind.Punct && this.scanner.tokenLength === 1 && (c === 91 || c === 40);
  }

  private isClose(kind: TokenKind): boolean {
    const c = this.scanner.tokenChar();
    return kind === TokenKind.Punct && this.scanner.tokenLength === 1 && (c === 93 || c === 41);
  }

  private isComma(kind: TokenKind): boolean {
    return kind === TokenKind.Punct && this.scanner.tokenLength === 1 && this.scanner.tokenChar() === 44;
  }

  /** Starts a list at the current `[` or `(`. */
  private open(): void {
    const s = this.scanner;
    const depth = this.stack.length;
    if (depth >= this.maxDepth) this.fail(ParseErrorCode.TooDeep, s.tokenOffset, 1, { limit: this.maxDepth });
    const parent = depth > 0 ? this.stack[depth - 1] : undefined; // not stack[-1]: a named-property lookup
    if (this.leafDepth >= 0 && depth >= this.leafDepth) {
      this.fail(ParseErrorCode.MixedNesting, s.tokenOffset, 1, { path: this.path(depth - 1) + `[${parent?.count ?? 0}]`, expected: 'a number', found: 'a list' });
    }
    // Frames are reused by depth: a parse runs to completion before the next starts.
    const frame = (FRAMES[depth] ??= { open: 0, close: 0, count: 0, index: 0, separator: 0, afterElement: false, sawComma: false });
    frame.open = s.tokenOffset;
    frame.close = s.tokenChar() === 91 ? 93 : 41;
    frame.count = 0;
    frame.index = parent ? parent.count : 0;
    frame.separator = 0;
    frame.afterElement = false;
    frame.sawComma = false;
    this.stack.push(frame);
  }

  /** Ends the innermost list at the current `]` or `)`. */
  private close(): void {
    const s = this.scanner;
    const frame = this.stack[this.stack.length - 1];
    if (s.tokenChar() !== frame.close) {
      this.fail(ParseErrorCode.Unexpected, s.tokenOffset, 1, { expected: `'${String.fromCharCode(frame.close)}'`, found: this.foundText() });
    }
    if (frame.close === 41 && frame.count === 1 && !frame.sawComma) {
      // `(x)` is x in Python, not a tuple: only a bare parenthesized number is accepted (read in `element`).
      this.fail(ParseErrorCode.Unexpected, frame.open, s.tokenOffset + 1 - frame.open, { expected: "a ',' in a one-element tuple", found: this.foundText() });
    }
    const depth = this.stack.length - 1;
    const expected = this.dims[depth];
    if (expected === undefined) {
      this.dims[depth] = frame.count;
    } else if (expected !== frame.count) {
      this.fail(ParseErrorCode.Ragged, frame.open, s.tokenOffset + 1 - frame.open, { path: this.path(depth), expectedCount: expected, foundCount: frame.count });
    }
    this.stack.pop();
    const parent = this.stack.length > 0 ? this.stack[this.stack.length - 1] : undefined;
    if (parent) {
      parent.count++;
      parent.afterElement = true;
    }
  }

  /** A number as an element of the innermost list (or the whole literal when there is none). */
  private element(kind: TokenKind): void {
    const s = this.scanner;
    const depth = this.stack.length;
    const at = s.tokenOffset;
    // `(2)` inside a list: a parenthesized number.
    let parenthesized = false;
    if (this.isOpen(kind) && s.tokenChar() === 40) {
      parenthesized = true;
      kind = this.next();
    }
    const num = this.number();
    if (!num) {
      if (kind === TokenKind.Punct && s.tokenText() === '...') this.fail(ParseErrorCode.Elided, s.tokenOffset, 3);
      this.fail(depth === 0 && this.n === 0 ? ParseErrorCode.NotATensor : ParseErrorCode.Unexpected, s.tokenOffset, Math.max(1, s.tokenLength), {
        expected: 'a number or a list',
        found: this.foundText(),
      });
    }
    if (parenthesized && (this.next() !== TokenKind.Punct || s.tokenChar() !== 41)) {
      this.fail(ParseErrorCode.Unexpected, s.tokenOffset, Math.max(1, s.tokenLength), { expected: "')'", found: this.foundText() });
    }
    if (this.leafDepth < 0) {
      this.leafDepth = depth;
      // A list has already closed at this depth, so numbers cannot sit here.
      if (this.dims[depth] !== undefined) {
        this.fail(ParseErrorCode.MixedNesting, at, s.tokenOffset + s.tokenLength - at, { path: this.path(depth - 1) + `[${this.stack[depth - 1]?.count ?? 0}]`, expected: 'a list', found: 'a number' });
      }
    } else if (depth !== this.leafDepth) {
      this.fail(ParseErrorCode.MixedNesting, at, s.tokenOffset + s.tokenLength - at, { path: this.path(depth - 1) + `[${this.stack[depth - 1]?.count ?? 0}]`, expected: 'a list', found: 'a number' });
    }
    if (this.numKind === 'float') this.kind = 'float';
    else if (this.numKind === 'int' && this.kind === 'bool') this.kind = 'int';
    this.push(this.numValue, this.numOffset);
    const frame = depth > 0 ? this.stack[depth - 1] : undefined;
    if (frame) {
      frame.count++;
      frame.afterElement = true;
    }
  }

  parse(): NestedLiteral {
    const s = this.scanner;
    let kind = this.next();
    if (this.isOpen(kind) && !this.parenthesizedScalarAhead()) {
      this.open();
      kind = this.next();
      while (this.stack.length > 0) {
        const frame = this.stack[this.stack.length - 1];
        if (this.isClose(kind)) {
          this.close();
          if (this.stack.length === 0) break;
          kind = this.next();
          continue;
        }
        if (kind === TokenKind.EOF) {
          this.fail(ParseErrorCode.UnterminatedList, frame.open, 1, { expected: `'${String.fromCharCode(frame.close)}'`, found: 'end of text' });
        }
        if (frame.afterElement) {
          if (this.isComma(kind)) {
            if (frame.separator === 2) this.fail(ParseErrorCode.MixedSeparators, s.tokenOffset, 1, { path: this.path(this.stack.length - 1) || '[]' });
            frame.separator = 1;
            frame.sawComma = true;
            frame.afterElement = false;
            kind = this.next();
            continue;
          }
          // No comma: NumPy's printed form separates by spaces alone.
          if (frame.separator === 1 || !s.spaceBefore) {
            this.fail(ParseErrorCode.Unexpected, s.tokenOffset, Math.max(1, s.tokenLength), { expected: `',' or '${String.fromCharCode(frame.close)}'`, found: this.foundText() });
          }
          frame.separator = 2;
          this.spaceSeparated = true;
        } else if (this.isComma(kind)) {
          this.fail(ParseErrorCode.Unexpected, s.tokenOffset, 1, { expected: 'a number or a list', found: "','" });
        }
        if (this.isOpen(kind) && !this.parenthesizedScalarAhead()) {
          this.open();
        } else {
          this.signMustTouch = frame.separator === 2;
          this.element(kind);
        }
        kind = this.next();
      }
    } else {
      this.element(kind); // a scalar: torch.tensor(3.5)
    }
    const rank = this.leafDepth >= 0 ? this.leafDepth : this.dims.length;
    let known = 0;
    while (known < rank && this.dims[known] !== undefined) known++;
    // Exact size: the result keeps it (push would reserve 17 slots).
    const shape: number[] = new Array(known);
    for (let d = 0; d < known; d++) shape[d] = this.dims[d] as number;
    const end = s.tokenOffset + s.tokenLength;
    // Exact-size copies (slice: one block copy, no iteration); the scratch arrays go back to their
    // small size after a large literal, so a 10 MB paste does not stay allocated.
    const values = scratchValues.slice(0, this.n);
    const offsets = scratchOffsets.slice(0, this.n);
    if (scratchValues.length > SCRATCH_KEEP) {
      scratchValues = new Float64Array(SCRATCH_START);
      scratchOffsets = new Uint32Array(SCRATCH_START);
    }
    return new Literal(shape, values, offsets, this.start, end, this.n === 0 ? 'float' : this.kind, this.spaceSeparated);
  }

  /** At a `(`: is it `(number)` (a parenthesized scalar rather than a tuple)? Peeks without consuming. */
  private parenthesizedScalarAhead(): boolean {
    const s = this.scanner;
    if (s.tokenChar() !== 40) return false;
    const resume = s.tokenOffset + 1;
    let k = s.scan();
    while (k === TokenKind.Comment) k = s.scan();
    if (k === TokenKind.Punct && s.tokenLength === 1 && (s.tokenChar() === 45 || s.tokenChar() === 43)) k = s.scan();
    let result = false;
    if (k === TokenKind.Number || (k === TokenKind.Name && s.tokenText() in NAMED_NUMBERS)) {
      k = s.scan();
      while (k === TokenKind.Comment) k = s.scan();
      result = k === TokenKind.Punct && s.tokenChar() === 41 && s.tokenLength === 1;
    }
    s.setPosition(resume - 1);
    s.scan(); // back on the '('
    return result;
  }
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ParseError };

/**
 * Parses the nested list (or scalar) starting at `start` (the first token at or after it).
 * Never throws: bad input is a `ParseError` with its line and column.
 */
export function parseNested(
  text: string,
  start = 0,
  options: ParseLimits & { end?: number; lines?: LineMap; tokens?: { readonly arrays: TokenArrays; readonly index: number } } = {},
): Result<NestedLiteral> {
  const lines = options.lines ?? new LineMap(text);
  try {
    return { ok: true, value: new LiteralParser(text, start, options.end ?? text.length, options, lines, options.tokens).parse() };
  } catch (err) {
    if (err instanceof ParseError) return { ok: false, error: err };
    if (err instanceof RangeError) {
      // Allocation beyond what the host can give: report it as the element limit.
      return { ok: false, error: new ParseError(ParseErrorCode.TooManyElements, start, 1, { limit: options.maxElements ?? DEFAULT_MAX_ELEMENTS }, lines.position(start)) };
    }
    throw err;
  }
}
