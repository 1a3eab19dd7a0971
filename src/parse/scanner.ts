/**
 * A Python-flavoured scanner over editor text: each call to `scan()` returns the next token's kind;
 * its offset and length are read from the scanner (the shape of node-jsonc-parser's scanner).
 * It never fails: characters it does not know are `Unknown` tokens. One pass, no regular
 * expressions, so its cost is linear in the text whatever the text holds.
 */

export const enum TokenKind {
  EOF = 0,
  Number,
  Name,
  String,
  Comment,
  /** Brackets, commas, operators: the token's text says which. */
  Punct,
  Unknown,
}

export interface Scanner {
  /** Moves on to the next token, skipping whitespace, and returns its kind. */
  scan(): TokenKind;
  readonly tokenKind: TokenKind;
  readonly tokenOffset: number;
  readonly tokenLength: number;
  /** True when a line break (or the start of the scanned range) precedes the token. */
  readonly firstOnLine: boolean;
  /** True when whitespace or a line break precedes the token. */
  readonly spaceBefore: boolean;
  /** A string that runs to the end of its line (or of the text) without its closing quote. */
  readonly unterminated: boolean;
  /** The token's text (a slice of the input). */
  tokenText(): string;
  /** First character code of the token (0 at the end). */
  tokenChar(): number;
  /** Continues scanning at `offset` (the next token starts there or later). */
  setPosition(offset: number): void;
  readonly text: string;
}

const enum Ch {
  Tab = 9,
  LF = 10,
  VT = 11,
  FF = 12,
  CR = 13,
  Space = 32,
  Bang = 33,
  DQuote = 34,
  Hash = 35,
  Percent = 37,
  Amp = 38,
  Quote = 39,
  Star = 42,
  Plus = 43,
  Minus = 45,
  Dot = 46,
  Slash = 47,
  D0 = 48,
  D9 = 57,
  Colon = 58,
  Lt = 60,
  Eq = 61,
  Gt = 62,
  At = 64,
  A = 65,
  E = 69,
  J = 74,
  Z = 90,
  Backslash = 92,
  Caret = 94,
  Underscore = 95,
  a = 97,
  e = 101,
  j = 106,
  z = 122,
  Pipe = 124,
  NBSP = 0xa0,
  BOM = 0xfeff,
  IdeographicSpace = 0x3000,
}

/** ASCII character classes, looked up once per character in the hot loops. */
const enum C {
  Other = 0,
  Digit = 1,
  Letter = 2,
}
const ASCII = new Uint8Array(128);
for (let c = 48; c <= 57; c++) ASCII[c] = C.Digit;
for (let c = 65; c <= 90; c++) ASCII[c] = C.Letter;
for (let c = 97; c <= 122; c++) ASCII[c] = C.Letter;
ASCII[95] = C.Letter; // _

function isDigit(c: number): boolean {
  return c >= Ch.D0 && c <= Ch.D9;
}

/** Letters, `_`, and every non-ASCII character that is not a space: Python allows Unicode names. */
function isNameStart(c: number): boolean {
  return c < 128 ? ASCII[c] === C.Letter : !isSpace(c);
}

function isNamePart(c: number): boolean {
  return c < 128 ? ASCII[c] !== C.Other : !isSpace(c);
}

function isSpace(c: number): boolean {
  return c === Ch.Space || c === Ch.Tab || c === Ch.VT || c === Ch.FF || c === Ch.NBSP || c === Ch.BOM || c === Ch.IdeographicSpace || c === 0x2028 || c === 0x2029;
}

/** Two-character operators the parser cares about (`==`, `**`, `->`, `+=` …). */
function isTwoCharOperator(c: number, d: number): boolean {
  if (d === Ch.Eq) {
    return c === Ch.Eq || c === Ch.Bang || c === Ch.Lt || c === Ch.Gt || c === Ch.Plus || c === Ch.Minus ||
      c === Ch.Star || c === Ch.Slash || c === Ch.Percent || c === Ch.Amp || c === Ch.Pipe || c === Ch.Caret || c === Ch.At || c === Ch.Colon;
  }
  return (c === Ch.Star && d === Ch.Star) || (c === Ch.Slash && d === Ch.Slash) || (c === Ch.Minus && d === Ch.Gt) ||
    (c === Ch.Lt && d === Ch.Lt) || (c === Ch.Gt && d === Ch.Gt);
}

/** String prefixes Python accepts before a quote (r, b, f, u and their pairs, any case). */
function isStringPrefix(text: string, start: number, end: number): boolean {
  const n = end - start;
  if (n < 1 || n > 2) return false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i) | 0x20;
    if (c !== 0x72 && c !== 0x62 && c !== 0x66 && c !== 0x75) return false; // r b f u
  }
  return true;
}

export function createScanner(text: string, start = 0, end = text.length): Scanner {
  return new PythonScanner(text, start, end);
}

/** A class rather than closures: scanners are made for every literal, so each must be cheap. */
class PythonScanner implements Scanner {
  private pos: number;
  tokenKind: TokenKind = TokenKind.EOF;
  tokenOffset: number;
  tokenLength = 0;
  firstOnLine = true;
  spaceBefore = true;
  unterminated = false;
  private lineBreakSeen = true;

  constructor(
    readonly text: string,
    private readonly start: number,
    private readonly end: number,
  ) {
    this.pos = start;
    this.tokenOffset = start;
  }

  /** Scans digits (with `_` separators) from `p`; returns the end. */
  private digits(p: number): number {
    const { text, end } = this;
    while (p < end) {
      const c = text.charCodeAt(p);
      if (isDigit(c) || (c === Ch.Underscore && p + 1 < end && isDigit(text.charCodeAt(p + 1)))) p++;
      else break;
    }
    return p;
  }

  /** A number starting at `p` (a digit, or `.` followed by a digit). */
  private number(p: number): number {
    const { text, end } = this;
    p = this.digits(p);
    if (p < end && text.charCodeAt(p) === Ch.Dot) p = this.digits(p + 1);
    if (p < end && (text.charCodeAt(p) | 0x20) === Ch.e) {
      let q = p + 1;
      if (q < end && (text.charCodeAt(q) === Ch.Plus || text.charCodeAt(q) === Ch.Minus)) q++;
      if (q < end && isDigit(text.charCodeAt(q))) p = this.digits(q);
    }
    if (p < end && (text.charCodeAt(p) | 0x20) === Ch.j) p++; // imaginary: kept in the token, rejected by the parser
    return p;
  }

  /** A string whose quote is at `p`. */
  private string(p: number): number {
    const { text, end } = this;
    const quote = text.charCodeAt(p);
    const triple = p + 2 < end && text.charCodeAt(p + 1) === quote && text.charCodeAt(p + 2) === quote;
    p += triple ? 3 : 1;
    while (p < end) {
      const c = text.charCodeAt(p);
      if (c === Ch.Backslash) {
        p += 2;
        continue;
      }
      if (c === quote) {
        if (!triple) return p + 1;
        if (p + 2 < end && text.charCodeAt(p + 1) === quote && text.charCodeAt(p + 2) === quote) return p + 3;
      } else if (!triple && (c === Ch.LF || c === Ch.CR)) {
        this.unterminated = true;
        return p;
      }
      p++;
    }
    this.unterminated = true;
    return Math.min(p, end);
  }

  scan(): TokenKind {
    const { text, end } = this;
    let pos = this.pos;
    this.spaceBefore = false;
    this.firstOnLine = this.lineBreakSeen;
    this.unterminated = false;
    for (;;) {
      if (pos >= end) {
        this.pos = pos;
        this.tokenOffset = end;
        this.tokenLength = 0;
        this.tokenKind = TokenKind.EOF;
        return TokenKind.EOF;
      }
      const c = text.charCodeAt(pos);
      if (c === Ch.Space) {
        pos++;
        this.spaceBefore = true;
        continue;
      }
      if (c === Ch.LF || c === Ch.CR) {
        pos++;
        this.spaceBefore = true;
        this.firstOnLine = true;
        this.lineBreakSeen = true;
        continue;
      }
      if (isSpace(c)) {
        pos++;
        this.spaceBefore = true;
        continue;
      }
      if (c === Ch.Backslash && pos + 1 < end && (text.charCodeAt(pos + 1) === Ch.LF || text.charCodeAt(pos + 1) === Ch.CR)) {
        pos += 2; // explicit line continuation
        this.spaceBefore = true;
        continue;
      }
      break;
    }
    this.lineBreakSeen = false;
    this.tokenOffset = pos;
    const c = text.charCodeAt(pos);
    let p = pos + 1;
    let kind: TokenKind;
    if (isDigit(c) || (c === Ch.Dot && p < end && isDigit(text.charCodeAt(p)))) {
      p = this.number(pos);
      kind = TokenKind.Number;
    } else if (isNameStart(c)) {
      while (p < end && isNamePart(text.charCodeAt(p))) p++;
      if (p < end && (text.charCodeAt(p) === Ch.Quote || text.charCodeAt(p) === Ch.DQuote) && isStringPrefix(text, pos, p)) {
        p = this.string(p);
        kind = TokenKind.String;
      } else {
        kind = TokenKind.Name;
      }
    } else if (c === Ch.Quote || c === Ch.DQuote) {
      p = this.string(pos);
      kind = TokenKind.String;
    } else if (c === Ch.Hash) {
      while (p < end && text.charCodeAt(p) !== Ch.LF && text.charCodeAt(p) !== Ch.CR) p++;
      kind = TokenKind.Comment;
    } else if (c === Ch.Dot && p + 1 < end && text.charCodeAt(p) === Ch.Dot && text.charCodeAt(p + 1) === Ch.Dot) {
      p += 2; // `...`
      kind = TokenKind.Punct;
    } else if (c < 0x80 && isPunct(c)) {
      if (p < end && isTwoCharOperator(c, text.charCodeAt(p))) p++;
      kind = TokenKind.Punct;
    } else {
      kind = TokenKind.Unknown;
    }
    this.pos = p;
    this.tokenLength = p - pos;
    this.tokenKind = kind;
    return kind;
  }

  tokenText(): string {
    return this.text.substring(this.tokenOffset, this.tokenOffset + this.tokenLength);
  }

  tokenChar(): number {
    return this.tokenLength > 0 ? this.text.charCodeAt(this.tokenOffset) : 0;
  }

  setPosition(offset: number): void {
    this.pos = Math.max(this.start, Math.min(offset, this.end));
    const before = this.text.charCodeAt(this.pos - 1);
    this.lineBreakSeen = this.pos === this.start || before === Ch.LF || before === Ch.CR;
  }
}

function isPunct(c: number): boolean {
  switch (c) {
    case 40: case 41: case 91: case 93: case 123: case 125: // ( ) [ ] { }
    case 44: case 58: case 59: case 46: case 61: // , : ; . =
    case 43: case 45: case 42: case 47: case 37: case 64: // + - * / % @
    case 60: case 62: case 33: case 126: case 94: case 38: case 124: // < > ! ~ ^ & |
      return true;
    default:
      return false;
  }
}

/** Tokens a scan has already found, as parallel arrays (comments left out). */
export interface TokenArrays {
  readonly kinds: Uint8Array;
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
  readonly first: Uint8Array;
  readonly space: Uint8Array;
  readonly count: number;
}

/**
 * A scanner over tokens already found, from token `from` to the first token starting at or after
 * `end`: the document scanner hands its tokens to the literal parser, so no character is read twice.
 */
export function createArrayScanner(text: string, tokens: TokenArrays, from: number, end: number): Scanner {
  return new ArrayScanner(text, tokens, from, end);
}

class ArrayScanner implements Scanner {
  private index: number;
  tokenKind: TokenKind = TokenKind.EOF;
  tokenOffset = 0;
  tokenLength = 0;
  firstOnLine = false;
  spaceBefore = false;
  readonly unterminated = false;

  constructor(
    readonly text: string,
    private readonly tokens: TokenArrays,
    private readonly from: number,
    private readonly end: number,
  ) {
    this.index = from - 1;
  }

  scan(): TokenKind {
    const t = this.tokens;
    const i = ++this.index;
    if (i >= t.count || t.starts[i] >= this.end) {
      this.index = Math.min(i, t.count);
      this.tokenKind = TokenKind.EOF;
      this.tokenOffset = Math.min(this.end, this.text.length);
      this.tokenLength = 0;
      return TokenKind.EOF;
    }
    this.tokenKind = t.kinds[i] as TokenKind;
    this.tokenOffset = t.starts[i];
    this.tokenLength = t.ends[i] - t.starts[i];
    this.firstOnLine = t.first[i] === 1;
    this.spaceBefore = t.space[i] === 1;
    return this.tokenKind;
  }

  tokenText(): string {
    return this.text.substring(this.tokenOffset, this.tokenOffset + this.tokenLength);
  }

  tokenChar(): number {
    return this.tokenLength > 0 ? this.text.charCodeAt(this.tokenOffset) : 0;
  }

  setPosition(offset: number): void {
    // The first token at or after `offset` comes next.
    const t = this.tokens;
    let lo = this.from;
    let hi = t.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (t.starts[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    this.index = lo - 1;
  }
}
