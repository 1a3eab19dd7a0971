/**
 * Parse errors: a code, the span of the offending text and the details; the message is made here,
 * in one place, from the code. Line and column are 1-based and count UTF-16 code units, as the
 * editor does.
 */

export const enum ParseErrorCode {
  /** The text holds nothing that could be a tensor. */
  NotATensor = 1,
  /** A token that cannot stand where it was found. */
  Unexpected,
  UnterminatedList,
  Ragged,
  /** A number at one place and a list at the same depth elsewhere. */
  MixedNesting,
  BadNumber,
  TooManyElements,
  TooDeep,
  /** Commas and spaces mixed as separators in one list. */
  MixedSeparators,
  /** A printed tensor shortened with `...`: its values and shape are not all there. */
  Elided,
  BadDtype,
  BadShape,
  TrailingText,
}

export interface ErrorDetails {
  /** What the parser saw (`'x'`, `end of text`). */
  found?: string;
  /** What it wanted (`a number`, `']'`). */
  expected?: string;
  /** Ragged: the index path of the offending list, e.g. `[1][0]`. */
  path?: string;
  expectedCount?: number;
  foundCount?: number;
  limit?: number;
}

export class ParseError extends Error {
  readonly code: ParseErrorCode;
  /** Offset of the offending text in the document. */
  readonly offset: number;
  readonly length: number;
  readonly details: ErrorDetails;
  readonly line: number;
  readonly column: number;
  /** The message without its position. */
  readonly reason: string;

  constructor(code: ParseErrorCode, offset: number, length: number, details: ErrorDetails, position: { line: number; column: number }) {
    const reason = describe(code, details);
    // Bad input is data, not a bug: no stack trace (capturing one costs more than the parse).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`${reason} (line ${position.line}, column ${position.column})`);
    Error.stackTraceLimit = limit;
    this.name = 'ParseError';
    this.code = code;
    this.offset = offset;
    this.length = length;
    this.details = details;
    this.line = position.line;
    this.column = position.column;
    this.reason = reason;
  }
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The one place error codes turn into words. */
export function describe(code: ParseErrorCode, d: ErrorDetails): string {
  switch (code) {
    case ParseErrorCode.NotATensor:
      return `not a tensor literal: found ${d.found ?? 'nothing'}`;
    case ParseErrorCode.Unexpected:
      return `expected ${d.expected ?? 'something else'} but found ${d.found ?? 'end of text'}`;
    case ParseErrorCode.UnterminatedList:
      return `unterminated list: expected ${d.expected ?? "']'"} before ${d.found ?? 'end of text'}`;
    case ParseErrorCode.Ragged:
      return `ragged at ${d.path ?? ''}: expected ${plural(d.expectedCount ?? 0, 'element', 'elements')}, found ${d.foundCount ?? 0}`;
    case ParseErrorCode.MixedNesting:
      return `ragged at ${d.path ?? ''}: expected ${d.expected ?? 'a list'}, found ${d.found ?? 'a number'}`;
    case ParseErrorCode.BadNumber:
      return `not a number: ${d.found ?? ''}`;
    case ParseErrorCode.TooManyElements:
      return `too many elements: more than ${d.limit ?? 0} (the convLens.parse.maxElements limit)`;
    case ParseErrorCode.TooDeep:
      return `nested too deeply: more than ${d.limit ?? 0} levels`;
    case ParseErrorCode.MixedSeparators:
      return `commas and spaces mixed as separators in one list at ${d.path ?? ''}`;
    case ParseErrorCode.Elided:
      return 'the printed tensor is shortened with "..."; its full values are not in the text';
    case ParseErrorCode.BadDtype:
      return `unknown dtype ${d.found ?? ''}`;
    case ParseErrorCode.BadShape:
      return `not a shape: ${d.found ?? ''}`;
    case ParseErrorCode.TrailingText:
      return `unexpected text after the tensor: ${d.found ?? ''}`;
  }
}

/** 1-based line and column of offsets in one text; line starts are found once, lookups are a binary search. */
export class LineMap {
  private starts: number[] | undefined;
  constructor(private readonly text: string) {}

  private lineStarts(): number[] {
    if (this.starts) return this.starts;
    const starts = [0];
    const t = this.text;
    // indexOf finds the breaks much faster than a loop over every character.
    let nl = t.indexOf('\n');
    let cr = t.indexOf('\r');
    while (nl >= 0 || cr >= 0) {
      if (cr >= 0 && (nl < 0 || cr < nl)) {
        // \r or \r\n: one break.
        const next = t.charCodeAt(cr + 1) === 10 ? cr + 2 : cr + 1;
        starts.push(next);
        if (nl >= 0 && nl < next) nl = t.indexOf('\n', next);
        cr = t.indexOf('\r', next);
      } else {
        starts.push(nl + 1);
        nl = t.indexOf('\n', nl + 1);
      }
    }
    this.starts = starts;
    return starts;
  }

  position(offset: number): { line: number; column: number } {
    const line = this.lineOf(offset);
    return { line, column: this.columnOf(offset, line) };
  }

  /** The 1-based line of `offset` (`position` without its object, for callers that make thousands). */
  lineOf(offset: number): number {
    const starts = this.lineStarts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** The 1-based column of `offset`, on its line `line` (from `lineOf`). */
  columnOf(offset: number, line: number): number {
    return offset - this.lineStarts()[line - 1] + 1;
  }

  /** Offset of a 1-based line and column. */
  offset(line: number, column: number): number {
    const starts = this.lineStarts();
    const l = Math.max(1, Math.min(line, starts.length));
    return Math.min(starts[l - 1] + column - 1, this.text.length);
  }

  get lineCount(): number {
    return this.lineStarts().length;
  }
}
