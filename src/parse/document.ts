/**
 * The document scanner: finds every tensor literal, constructor, printed tensor, conv or pooling
 * layer call and every name bound to one, in Python, notebook cells, Markdown and plain text
 * (prose is read as text: whatever parses as an expression is looked at, the rest is passed over).
 *
 * It is a small, forgiving expression evaluator over the tokens: statements are read line by line,
 * `X = …` binds X in the current scope (a `def` or `class` body is its own scope, found by
 * indentation), and each expression is evaluated to what can be known exactly (shapes, dtypes, and
 * values where cheap). An expression that does not parse is skipped from the point where it failed,
 * so every token is looked at a bounded number of times: the time is linear in the text.
 */
import { createScanner, TokenKind, type TokenArrays } from './scanner';
import { LineMap, ParseError, ParseErrorCode } from './errors';
import { parseNested, numberValue, type NestedLiteral, type ParseLimits } from './literal';
import { type Value, type TensorValue, UNKNOWN, NONE, intOf, intTuple, intValue, literalTensor } from './values';
import {
  type Arg, type Args, type ItemKind, type CallOutcome, canonical, isDataCall, fromData, fromValue, sizeFromData, construct,
  tensorFunction, method, attribute, binary, unary, isLayerCall, layerCall, applyLayer, refValue,
} from './calls';
import type { LayerReport } from './layers';
import { indexShape, type IndexPart } from './shapes';
import { tensorValue } from './values';
import { findBareMatrices } from './bareMatrix';
import { borrowTokenBuffers, returnTokenBuffers, type TokenBuffers } from './tokenBuffers';
import { ScanItem, ScopeBinding, Application, ItemList, applicationList, rebound } from './resultObjects';

export type { ItemKind } from './calls';

/** One thing the scanner found, with its place in the text. */
export interface Item {
  readonly kind: ItemKind;
  /** [start, end) offsets in the scanned text. */
  start: number;
  end: number;
  /** The name the item is bound to (`X = torch.tensor(…)`), or the name itself for `name` items. */
  name: string | null;
  /** The form as written: `torch.tensor`, `tensor(…)`, `list`, `torch.ones`, `nn.Conv2d`, `name` … */
  readonly form: string;
  /** The tensor (shape, dtype, values when known); for a `torch.Size` the shape it describes. */
  tensor?: TensorValue;
  /** A printed `torch.Size([…])`: the shape it describes. */
  size?: number[];
  /** Layer items: weights, params, and the output when the input is known. */
  layer?: LayerReport;
  /** Module layers: where they were applied (`conv(X)`), with each input and output. */
  applications?: { offset: number; layer: LayerReport }[];
  /** Name items: where the name was bound. */
  boundAt?: { readonly offset: number; readonly line: number; readonly column: number };
  /** Why nothing more is known: a parse error or a shape mismatch, said plainly. */
  error?: string;
  /** Parse errors keep their position in the text. */
  parseError?: ParseError;
}

export interface Binding {
  readonly name: string;
  readonly value: Value;
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  /** Index of the item that reported the value (its literal or layer), if any. */
  readonly item?: number;
  /** Cell (or other segment) index the binding came from, for notebooks. */
  readonly segment?: number;
}

export interface ScanOptions extends ParseLimits {
  /** Names bound before this text (earlier notebook cells). Not modified. */
  readonly globals?: ReadonlyMap<string, Binding>;
  /** Segment index stored in new bindings (a notebook cell's index). */
  readonly segment?: number;
}

export interface ScanResult {
  /** In order of their start offset (an item may contain others: the innermost is the most specific). */
  readonly items: Item[];
  /** Names bound at the end of the text (the globals of the next notebook cell). */
  readonly globals: Map<string, Binding>;
  readonly lines: LineMap;
}

const KEYWORD_LIST = [
  'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'finally',
  'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try',
  'while', 'with', 'yield',
] as const;
/** Keyword codes stored per token (0: not a keyword), so the evaluator never slices text to compare. */
const KW = new Map<string, number>(KEYWORD_LIST.map((k, i) => [k, i + 1]));
const kw = (k: (typeof KEYWORD_LIST)[number]): number => KW.get(k) as number;
/**
 * Keywords by first letter (ASCII) and length, at `letter·16 + length`: most names have no candidate,
 * the rest are compared in place (no slice). An array, not a Map: one lookup per name token.
 */
const KW_SHAPES: (string[] | undefined)[] = new Array(128 * 16).fill(undefined);
for (const k of KEYWORD_LIST) {
  const shape = k.charCodeAt(0) * 16 + k.length;
  KW_SHAPES[shape] = [...(KW_SHAPES[shape] ?? []), k];
}
const K_DEF = kw('def');
const K_CLASS = kw('class');
const K_NOT = kw('not');
const K_LAMBDA = kw('lambda');
const K_AND = kw('and');
const K_OR = kw('or');
const K_IF = kw('if');
const K_ELSE = kw('else');
const K_FOR = kw('for');
const K_ASYNC = kw('async');

/** Operator codes: the char code of a one-character operator, `a·256 + b` for two characters, 1 for `...`. */
const opCode = (op: string): number => (op === '...' ? 1 : op.length === 1 ? op.charCodeAt(0) : op.charCodeAt(0) * 256 + op.charCodeAt(1));
const OP_STARSTAR = opCode('**');
const OP_ARROW = opCode('->');
const OP_ELLIPSIS = 1;

const MAX_EXPRESSION_DEPTH = 100;

/** An assignment target: `X`, `self.conv`, `X[…]` (tokens start…end of its name). */
interface Target {
  name: string;
  start: number;
  end: number;
  subscript: boolean;
}

/** First characters of the augmented assignments (`+=` …). */
const AUGMENTED = '+-*/%@&|^';

/** Tokens up to this length are interned by `tokText`. */
const MAX_INTERNED = 24;
const INTERN_SLOTS = 1024;

const NO_KEYWORDS: ReadonlyMap<string, Arg> = new Map();

/** Applications of a module layer reported with its definition. */
const MAX_APPLICATIONS = 8;

interface Scope {
  readonly vars: Map<string, Binding>;
  /** Indentation of the `def`/`class` line that opened it (-1 for the module). */
  readonly indent: number;
  readonly parent?: Scope;
}

const enum P {
  // punctuation char codes used below
  LParen = 40, RParen = 41, Comma = 44, Dot = 46, Colon = 58, Semi = 59, Eq = 61, LBracket = 91, RBracket = 93, LBrace = 123, RBrace = 125, Lt = 60, Gt = 62, Star = 42,
}

const BINARY_PRECEDENCE = new Map<number, number>(
  Object.entries({
    '==': 1, '!=': 1, '<': 1, '>': 1, '<=': 1, '>=': 1,
    '|': 2, '^': 3, '&': 4, '<<': 5, '>>': 5, '+': 6, '-': 6, '*': 7, '/': 7, '//': 7, '%': 7, '@': 7,
  }).map(([op, p]) => [opCode(op), p]),
);
const EXPRESSION_STARTS = new Set(['(', '[', '{', '-', '+', '~', '...'].map(opCode));

class DocumentScanner {
  private readonly kinds: Uint8Array;
  private readonly starts: Uint32Array;
  private readonly ends: Uint32Array;
  private readonly first: Uint8Array;
  private readonly space: Uint8Array;
  /** Per token: keyword code (names) or operator code (punctuation); 0 otherwise. */
  private readonly codes: Uint16Array;
  /** The same tokens, handed to the literal parser so it does not scan the text again. */
  private readonly tokens: TokenArrays;
  /** Index of the matching bracket, or -1. */
  private readonly match: Int32Array;
  /** Where the arrays above live: lent for this scan, handed back by `run`. */
  private readonly buffers: TokenBuffers;
  /** `conv(…)` by callee text: a layer applied in a loop is one form, not a new string per item. */
  private readonly applicationForms = new Map<string, string>();
  /** The item the last call reported (-1: none): `call` returns the value and leaves this (not a new object per call). */
  private callItem = -1;
  /** The tensor data the last `args` call read as its first argument, if any. */
  private argsData: ReturnType<typeof parseNested> | undefined;
  /** The targets `targets` read last (its result is the operator's token). */
  private targetList: Target[] = [];
  /** Targets `assignmentOp` has read so far. */
  private targetCount = 0;
  /** Short token texts met so far, by hash (`tokText`). */
  private readonly interned: (string | undefined)[] = new Array(INTERN_SLOTS).fill(undefined);
  private readonly n: number;
  /** In chunks, not one growing array: see ItemList (and resultObjects.ts). */
  readonly items = new ItemList();
  private scope: Scope;
  private readonly lines: LineMap;
  private depth = 0;
  /** Where the last numeric-literal attempt met a token that is not a number (-1: none yet). */
  private literalFailAt = -1;
  /**
   * Token where the current statement stopped parsing (-1: it has not). Failure is a value, not an
   * exception: prose fails constantly, and a thrown exception costs microseconds each.
   */
  private failedAt = -1;
  /** Brackets the evaluator is inside; at 0 a line break ends the statement, as in Python. */
  private nest = 0;

  /**
   * The value of the expression parsed last. A parse step returns its end (the token after it, or
   * -1 when it does not parse) and leaves its value here: a `{ value, end }` object per step was a
   * sixth of the scan's garbage.
   */
  private value: Value = UNKNOWN;

  /** Leaves `value` as the last expression's and returns `end`. */
  private parsed(value: Value, end: number): number {
    this.value = value;
    return end;
  }

  /** Records a failure at token `at` and returns -1, the end every caller passes up (the value is unknown). */
  private fail(at: number): number {
    if (this.failedAt < 0) this.failedAt = at;
    return this.parsed(UNKNOWN, -1);
  }

  constructor(
    private readonly text: string,
    private readonly options: ScanOptions,
  ) {
    this.lines = new LineMap(text);
    const scanner = createScanner(text);
    // About one token per three characters in code; grown when the guess is short.
    let buffers = borrowTokenBuffers(Math.max(1024, Math.ceil(text.length / 3)));
    let { kinds, starts, ends, first, space } = buffers;
    let n = 0;
    let pendingFirst = true;
    for (let k = scanner.scan(); k !== TokenKind.EOF; k = scanner.scan()) {
      if (k === TokenKind.Comment) {
        pendingFirst ||= scanner.firstOnLine;
        continue;
      }
      if (n === buffers.capacity) {
        buffers = buffers.grown(n);
        ({ kinds, starts, ends, first, space } = buffers);
      }
      kinds[n] = k;
      starts[n] = scanner.tokenOffset;
      ends[n] = scanner.tokenOffset + scanner.tokenLength;
      first[n] = scanner.firstOnLine || (pendingFirst && scanner.firstOnLine) ? 1 : 0;
      space[n] = scanner.spaceBefore ? 1 : 0;
      pendingFirst = false;
      n++;
    }
    this.kinds = kinds;
    this.starts = starts;
    this.ends = ends;
    this.first = first;
    this.space = space;
    this.n = n;
    this.buffers = buffers;
    // Lent buffers hold the last scan's codes and matches: every entry used is written here.
    const codes = buffers.codes;
    codes.fill(0, 0, n);
    for (let i = 0; i < n; i++) {
      const len = ends[i] - starts[i];
      if (kinds[i] === TokenKind.Punct) {
        const a = text.charCodeAt(starts[i]);
        codes[i] = len === 1 ? a : len === 2 ? a * 256 + text.charCodeAt(starts[i] + 1) : 1;
      } else if (kinds[i] === TokenKind.Name && len >= 2 && len <= 8) {
        const a = text.charCodeAt(starts[i]);
        const candidates = a < 128 ? KW_SHAPES[a * 16 + len] : undefined;
        if (candidates) {
          for (const k of candidates) {
            if (text.startsWith(k, starts[i])) {
              codes[i] = KW.get(k) as number;
              break;
            }
          }
        }
      }
    }
    this.codes = codes;
    this.tokens = { kinds, starts, ends, first, space, count: n };
    this.match = buffers.match.fill(-1, 0, n);
    // A typed stack with its own height: setting an array's length is a runtime call.
    const stack = buffers.stack;
    let height = 0;
    for (let i = 0; i < n; i++) {
      if (kinds[i] !== TokenKind.Punct || ends[i] - starts[i] !== 1) continue;
      const c = text.charCodeAt(starts[i]);
      if (c === P.LParen || c === P.LBracket || c === P.LBrace) stack[height++] = i;
      else if (c === P.RParen || c === P.RBracket || c === P.RBrace) {
        const open = c === P.RParen ? P.LParen : c === P.RBracket ? P.LBracket : P.LBrace;
        // Pop to the nearest opener of the same kind, looking a few levels down at most (so that
        // text full of stray closers stays linear); openers left unmatched stay -1.
        for (let s = height - 1; s >= 0 && s >= height - 8; s--) {
          if (text.charCodeAt(starts[stack[s]]) === open) {
            this.match[stack[s]] = i;
            this.match[i] = stack[s];
            height = s;
            break;
          }
        }
      }
    }
    const globals = new Map(options.globals ?? []);
    this.scope = { vars: globals, indent: -1 };
  }

  // ----- tokens ------------------------------------------------------------------------------

  /**
   * The token's text. Short tokens are interned per scan (names repeat constantly: `torch`, `X`, `nn`),
   * so reading one allocates nothing after its first occurrence, and the Map lookups that follow
   * hash a string whose hash is already cached.
   */
  private tokText(i: number): string {
    const start = this.starts[i];
    const end = this.ends[i];
    const len = end - start;
    if (len > MAX_INTERNED) return this.text.substring(start, end);
    const text = this.text;
    let h = len;
    for (let p = start; p < end; p++) h = (Math.imul(h, 31) + text.charCodeAt(p)) | 0;
    // A direct-mapped table: a slot holds the last text that hashed there.
    const slot = (h ^ (h >>> 12)) & (INTERN_SLOTS - 1);
    const known = this.interned[slot];
    if (known !== undefined && known.length === len) {
      let same = true;
      for (let k = 0; k < len; k++) {
        if (known.charCodeAt(k) !== text.charCodeAt(start + k)) {
          same = false;
          break;
        }
      }
      if (same) return known;
    }
    const fresh = text.substring(start, end);
    this.interned[slot] = fresh;
    return fresh;
  }

  private isPunct(i: number, c: number): boolean {
    return i < this.n && this.kinds[i] === TokenKind.Punct && this.codes[i] === c;
  }

  private isOp(i: number, code: number): boolean {
    return i < this.n && this.kinds[i] === TokenKind.Punct && this.codes[i] === code;
  }

  /** A keyword token (by code). */
  private isKw(i: number, code: number): boolean {
    return i < this.n && this.kinds[i] === TokenKind.Name && this.codes[i] === code;
  }

  private isName(i: number, name?: string): boolean {
    return i < this.n && this.kinds[i] === TokenKind.Name && (name === undefined || this.tokText(i) === name);
  }

  /** Column (0-based) of the token, i.e. its indentation when it is first on its line. */
  private indentOf(i: number): number {
    const start = this.starts[i];
    // Indentation is short: walk back a little; past that, ask the line map (a long line full of
    // `def`s walked back over the whole line for each one, quadratic in the line's length).
    const stop = Math.max(0, start - 128);
    for (let p = start; p > stop; p--) {
      const c = this.text.charCodeAt(p - 1);
      if (c === 10 || c === 13) return start - p;
    }
    return stop === 0 ? start : this.lines.position(start).column - 1;
  }

  // ----- scopes ------------------------------------------------------------------------------

  private lookup(name: string): Binding | undefined {
    for (let s: Scope | undefined = this.scope; s; s = s.parent) {
      const b = s.vars.get(name);
      if (b) return b;
    }
    return undefined;
  }

  private bind(name: string, value: Value, offset: number, item?: number): void {
    const line = this.lines.lineOf(offset);
    this.scope.vars.set(name, new ScopeBinding(name, value, offset, line, this.lines.columnOf(offset, line), item, this.options.segment));
  }

  // ----- items -------------------------------------------------------------------------------

  /** A new item (a ScanItem: see resultObjects.ts), added; its index. */
  private addItem(kind: ItemKind, start: number, end: number, name: string | null, form: string, tensor?: TensorValue, layer?: LayerReport, boundAt?: Binding, applications?: Application[]): number {
    return this.items.push(new ScanItem(kind, start, end, name, form, tensor, layer, boundAt, applications));
  }

  private nameItem(i: number, name: string, value: Value, binding: Binding | undefined, start = this.starts[i]): void {
    if (value.kind !== 'tensor' && value.kind !== 'layer') return;
    const end = this.ends[i];
    // `boundAt` is shared, not copied.
    if (value.kind === 'tensor') {
      this.addItem('name', start, end, name, 'name', value, undefined, binding);
      return;
    }
    const layerItem = this.items.get(value.itemIndex);
    this.addItem('name', start, end, name, 'name', undefined, layerItem?.layer, binding, layerItem?.applications);
  }

  /** A literal that is one but a bad one: the item says why. */
  private addFailedLiteral(kind: ItemKind, start: number, end: number, form: string, error: ParseError): number {
    const index = this.addItem(kind, start, end, null, form);
    const item = this.items.get(index);
    item.error = error.message;
    item.parseError = error;
    return index;
  }

  private addApplication(defining: Item, application: Application): void {
    if (defining.applications) defining.applications.push(application);
    else defining.applications = applicationList(application);
  }

  // ----- statements --------------------------------------------------------------------------

  run(): ScanResult {
    let i = 0;
    let statementStart = true;
    while (i < this.n) {
      if (this.first[i]) {
        statementStart = true;
        const indent = this.indentOf(i);
        while (this.scope.parent && indent <= this.scope.indent) this.scope = this.scope.parent;
      }
      const start = i;
      const definition = statementStart && (this.isKw(i, K_DEF) || this.isKw(i, K_CLASS));
      if (!definition && !this.startsExpression(i)) {
        // Keywords, operators, prose punctuation: nothing starts here.
        statementStart = this.isPunct(i, P.Semi);
        i++;
        continue;
      }
      this.failedAt = -1;
      this.nest = 0;
      if (definition) i = this.definition(i);
      else if (statementStart) i = this.statement(i);
      else i = this.expressionList(i);
      if (this.failedAt >= 0) i = Math.max(this.failedAt, start + 1);
      this.depth = 0;
      statementStart = this.isPunct(i - 1, P.Semi);
      if (i === start) i++;
    }
    returnTokenBuffers(this.buffers);
    return { items: sortItems(this.items.toArray()), globals: this.rootScope().vars, lines: this.lines };
  }

  private rootScope(): Scope {
    let s = this.scope;
    while (s.parent) s = s.parent;
    return s;
  }

  /** `def name(params):` / `class Name(bases):` — binds the name, opens a scope where the parameters shadow outer names. */
  private definition(i: number): number {
    const isDef = this.isKw(i, K_DEF);
    const indent = this.indentOf(i);
    const nameTok = i + 1;
    if (!this.isName(nameTok)) return this.fail(i + 1);
    const name = this.tokText(nameTok);
    let j = nameTok + 1;
    const params: string[] = [];
    if (this.isPunct(j, P.LParen)) {
      const close = this.match[j];
      if (close < 0) return this.fail(j);
      if (isDef) {
        // Parameter names: a name right after `(` or `,` (or `*`, `**`).
        for (let k = j + 1; k < close; k++) {
          if (this.isName(k) && (this.isPunct(k - 1, P.LParen) || this.isPunct(k - 1, P.Comma) || this.isPunct(k - 1, P.Star) || this.isOp(k - 1, OP_STARSTAR))) params.push(this.tokText(k));
        }
      } else if (this.startsExpression(j + 1)) {
        this.expressionList(j + 1);
        this.failedAt = -1; // base classes are only looked at
      }
      j = close + 1;
    }
    if (isDef && this.isOp(j, OP_ARROW)) {
      while (j < this.n && !this.isPunct(j, P.Colon) && !this.first[j]) j++;
    }
    this.bind(name, { kind: 'ref', path: name }, this.starts[nameTok]);
    const scope: Scope = { vars: new Map(), indent, parent: this.scope };
    const at = this.lines.position(this.starts[nameTok]);
    for (const p of params) scope.vars.set(p, new ScopeBinding(p, UNKNOWN, this.starts[nameTok], at.line, at.column));
    this.scope = scope;
    return this.isPunct(j, P.Colon) ? j + 1 : j;
  }

  /** A statement: an assignment (`X = …`, `a, b = …`, `X[…] = …`, `X += …`) or an expression. */
  private statement(i: number): number {
    const end = this.targets(i);
    if (end >= 0) {
      const list = this.targetList;
      const op = this.tokText(end);
      if (op === '=') {
        const rhsStart = end + 1;
        if (!this.startsExpression(rhsStart)) return rhsStart;
        const rhsEnd = this.expressionList(rhsStart);
        const value = this.value;
        if (rhsEnd < 0) {
          // `X = <something unreadable>`: X no longer holds what it held.
          for (const t of list) if (!t.subscript) this.bind(t.name, UNKNOWN, this.starts[t.start]);
          return rhsEnd;
        }
        this.assign(list, value, this.starts[rhsStart], rhsEnd > rhsStart ? this.ends[rhsEnd - 1] : this.starts[rhsStart]);
        return rhsEnd;
      }
      // Augmented or item assignment: the shape stays, the values are no longer known.
      if (!this.startsExpression(end + 1)) return end + 1;
      const rhsEnd = this.expressionList(end + 1);
      if (rhsEnd < 0) return rhsEnd;
      const rhs = this.value;
      for (const t of list) {
        const b = this.lookup(t.name);
        if (b && b.value.kind === 'tensor' && (t.subscript || op !== '=')) {
          const v = b.value;
          let next: Value = tensorValue(v.shape, v.dtype);
          if (!t.subscript) {
            const r = binary(op.slice(0, -1), v, rhs);
            next = r.kind === 'tensor' && r.shape.length === v.shape.length && r.shape.every((d, k) => d === v.shape[k]) ? r : tensorValue(v.shape, v.dtype);
          }
          this.scope.vars.set(t.name, rebound(b, next));
        }
      }
      return rhsEnd;
    }
    return this.expressionList(i);
  }

  /**
   * Assignment targets at `i`: `a`, `self.conv`, `a, b`, `X[:, 2:6]`, followed by `=` or an augmented
   * operator: the operator's token, with the targets in `targetList`; -1 when the statement is not an assignment.
   */
  private targets(i: number): number {
    // Most statements are not assignments: find that out before building anything.
    const end = this.assignmentOp(i, null);
    if (end < 0) return end;
    // Sized by the first pass (a list grown by push reserves 17 slots for the usual one target).
    const list: Target[] = new Array(this.targetCount);
    this.targetCount = 0;
    this.assignmentOp(i, list);
    this.targetList = list;
    return end;
  }

  /** Token index of the `=` (or augmented operator) after the targets at `i`, or -1; fills `list` when given. */
  private assignmentOp(i: number, list: Target[] | null): number {
    if (!list) this.targetCount = 0;
    let j = i;
    const parenthesized = this.isPunct(j, P.LParen);
    if (parenthesized) j++;
    for (;;) {
      if (!this.isName(j) || this.codes[j] !== 0) return -1;
      const startTok = j;
      j++;
      while (this.isPunct(j, P.Dot) && this.isName(j + 1)) j += 2;
      let subscript = false;
      const endTok = j - 1;
      while (this.isPunct(j, P.LBracket) && this.match[j] > j) {
        subscript = true;
        j = this.match[j] + 1;
      }
      if (list) {
        let name = this.tokText(startTok);
        for (let k = startTok + 2; k <= endTok; k += 2) name += '.' + this.tokText(k);
        list[this.targetCount] = { name, start: startTok, end: endTok, subscript };
      }
      this.targetCount++;
      if (this.isPunct(j, P.Comma)) {
        j++;
        continue;
      }
      break;
    }
    if (parenthesized) {
      if (!this.isPunct(j, P.RParen)) return -1;
      j++;
    }
    if (j >= this.n || this.kinds[j] !== TokenKind.Punct) return -1;
    // `=`, or a two-character `op=` (operator codes: `a·256 + b`).
    const code = this.codes[j];
    if (code === P.Eq) return j;
    if (this.ends[j] - this.starts[j] === 2 && (code & 255) === P.Eq && AUGMENTED.includes(String.fromCharCode(code >> 8))) return j;
    return -1;
  }

  private assign(list: Target[], value: Value, rhsStart: number, rhsEnd: number): void {
    // The item the right-hand side is (exactly) gets the name.
    let itemIndex: number | undefined;
    for (let k = this.items.length - 1; k >= 0; k--) {
      const it = this.items.get(k);
      if (it.start < rhsStart) break;
      if (it.start === rhsStart && it.end === rhsEnd && it.kind !== 'name') {
        itemIndex = k;
        break;
      }
    }
    if (list.length === 1) {
      const t = list[0];
      if (t.subscript) {
        const b = this.lookup(t.name);
        if (b && b.value.kind === 'tensor') this.scope.vars.set(t.name, rebound(b, tensorValue(b.value.shape, b.value.dtype)));
        return;
      }
      if (itemIndex !== undefined && list.length === 1) this.items.get(itemIndex).name = t.name;
      const layerIndex = value.kind === 'layer' ? value.itemIndex : itemIndex;
      this.bind(t.name, value, this.starts[t.start], layerIndex);
      this.nameItem(t.end, t.name, value, this.lookup(t.name), this.starts[t.start]);
      return;
    }
    // Unpacking: a tuple of the same length, or a tensor's first axis.
    let parts: Value[] | undefined;
    if (value.kind === 'seq' && value.items.length === list.length) parts = [...value.items];
    else if (value.kind === 'tensor' && value.shape[0] === list.length) parts = list.map(() => tensorValue(value.shape.slice(1), value.dtype));
    list.forEach((t, k) => {
      if (t.subscript) return;
      const v = parts ? parts[k] : UNKNOWN;
      this.bind(t.name, v, this.starts[t.start]);
      this.nameItem(t.end, t.name, v, this.lookup(t.name), this.starts[t.start]);
    });
  }

  // ----- expressions -------------------------------------------------------------------------

  /** `a, b, c` (a tuple when there is a comma) or a single expression. */
  private expressionList(i: number): number {
    const first = this.expression(i);
    if (first < 0 || !this.isPunct(first, P.Comma)) return first;
    const items: Value[] = [this.value];
    let j = first;
    while (this.isPunct(j, P.Comma) && this.startsExpression(j + 1) && !this.lineBreakAt(j + 1)) {
      const next = this.expression(j + 1);
      if (next < 0) return next;
      items.push(this.value);
      j = next;
    }
    if (this.isPunct(j, P.Comma)) j++;
    return this.parsed({ kind: 'seq', items, form: 'tuple' }, j);
  }

  /** A line break outside brackets: the statement ends before token `j`. */
  private lineBreakAt(j: number): boolean {
    return this.nest === 0 && j < this.n && this.first[j] === 1;
  }

  private startsExpression(i: number): boolean {
    if (i >= this.n) return false;
    const k = this.kinds[i];
    if (k === TokenKind.Number || k === TokenKind.String) return true;
    if (k === TokenKind.Name) return this.codes[i] === 0 || this.codes[i] === K_NOT || this.codes[i] === K_LAMBDA;
    if (k === TokenKind.Punct) return EXPRESSION_STARTS.has(this.codes[i]);
    return false;
  }

  /**
   * One expression: its end, or -1 (with `failedAt` set) when it does not parse. The statement loop
   * resets `depth` after each statement. An operator followed by something that cannot start an
   * operand ends the expression before the operator rather than failing.
   */
  private expression(i: number): number {
    if (++this.depth > MAX_EXPRESSION_DEPTH || this.isKw(i, K_LAMBDA) || !this.startsExpression(i)) return this.fail(i);
    if (this.isKw(i, K_NOT)) {
      const end = this.startsExpression(i + 1) ? this.expression(i + 1) : i + 1;
      this.depth--;
      return end < 0 ? end : this.parsed(UNKNOWN, end);
    }
    let end = this.binary(i, 0);
    // `a if c else b`, `a and b`, `a or b`: the parts are looked at, the result is not known.
    while (end >= 0 && !this.lineBreakAt(end) && (this.isKw(end, K_AND) || this.isKw(end, K_OR) || (this.isKw(end, K_IF) && this.hasElse(end))) && this.startsExpression(end + 1)) {
      if (this.isKw(end, K_IF)) {
        const cond = this.binary(end + 1, 0);
        if (cond < 0) return cond;
        if (!this.isKw(cond, K_ELSE) || !this.startsExpression(cond + 1)) return this.fail(cond);
        const other = this.expression(cond + 1);
        end = other < 0 ? other : this.parsed(UNKNOWN, other);
      } else {
        const other = this.binary(end + 1, 0);
        end = other < 0 ? other : this.parsed(UNKNOWN, other);
      }
    }
    this.depth--;
    return end;
  }

  /** `x if c else y` only when an `else` follows on the same logical line (a comprehension's `if` has none). */
  private hasElse(i: number): boolean {
    for (let j = i + 1; j < this.n && j < i + 200; j++) {
      if (this.isKw(j, K_ELSE)) return true;
      if (this.isKw(j, K_FOR) || this.first[j]) return false;
      const m = this.match[j];
      if (m > j) j = m;
      else if (this.kinds[j] === TokenKind.Punct && (this.isPunct(j, P.RParen) || this.isPunct(j, P.RBracket) || this.isPunct(j, P.Comma))) return false;
    }
    return false;
  }

  private binary(i: number, minPrec: number): number {
    let end = this.unaryExpr(i);
    for (;;) {
      const j = end;
      if (j < 0 || j >= this.n || this.lineBreakAt(j) || this.lineBreakAt(j + 1)) return end;
      if (this.kinds[j] !== TokenKind.Punct) return end;
      const prec = BINARY_PRECEDENCE.get(this.codes[j]);
      if (prec === undefined || prec < minPrec || !this.startsExpression(j + 1)) return end;
      const op = this.tokText(j);
      const left = this.value;
      // `X[:, 2:6] = 0` handled as a statement; `<` in `grad_fn=<…>` is handled by the call.
      const right = this.binary(j + 1, prec + 1);
      if (right < 0) return right;
      end = this.parsed(binary(op, left, this.value), right);
    }
  }

  private unaryExpr(i: number): number {
    if (i < this.n && this.kinds[i] === TokenKind.Punct) {
      const c = this.codes[i];
      if (c === 45 || c === 43 || c === 126) {
        const t = c === 45 ? '-' : c === 43 ? '+' : '~';
        if (++this.depth > MAX_EXPRESSION_DEPTH || !this.startsExpression(i + 1)) return this.fail(i + 1);
        const end = this.unaryExpr(i + 1);
        this.depth--;
        return end < 0 ? end : this.parsed(unary(t, this.value), end);
      }
    }
    const base = this.postfix(i);
    if (base >= 0 && !this.lineBreakAt(base) && this.isOp(base, OP_STARSTAR) && this.startsExpression(base + 1)) {
      const baseValue = this.value;
      const exp = this.unaryExpr(base + 1);
      return exp < 0 ? exp : this.parsed(binary('**', baseValue, this.value), exp);
    }
    return base;
  }

  /** A primary followed by attribute, call and subscript postfixes. */
  private postfix(i: number): number {
    const startOffset = this.starts[i];
    let j = this.primary(i);
    if (j < 0) return j;
    // In a local: the calls and subscripts below parse their own expressions into `this.value`.
    let value = this.value;
    /** The constructor item this chain produced, which absorbs `.reshape(…)` / `.view(…)`. */
    let chainItem = -1;
    for (;;) {
      if (this.lineBreakAt(j)) return this.parsed(value, j);
      if (this.isPunct(j, P.Dot) && this.isName(j + 1)) {
        const name = this.tokText(j + 1);
        value = attribute(value, name);
        j += 2;
        if (!(value.kind === 'method' && (value.name === 'reshape' || value.name === 'view'))) chainItem = -1;
        continue;
      }
      if (this.isPunct(j, P.LParen)) {
        const close = this.match[j];
        if (close < 0) return this.parsed(UNKNOWN, j + 1); // unclosed: whatever follows is read on its own
        const before = value;
        this.nest++;
        // A library name's call is named as written (`F.conv2d`): the reference's path is that text.
        value = this.call(value, value.kind === 'ref' ? value.path : undefined, j, close, startOffset);
        const item = this.callItem;
        this.nest--;
        if (this.failedAt >= 0) return this.parsed(UNKNOWN, -1);
        if (chainItem >= 0 && before.kind === 'method' && value.kind === 'tensor') {
          const it = this.items.get(chainItem);
          it.end = this.ends[close];
          it.tensor = value;
        } else {
          chainItem = item >= 0 && this.items.get(item).kind === 'constructor' ? item : -1;
        }
        j = close + 1;
        continue;
      }
      const notebookPrompt = value.kind === 'ref' && (value.path === 'In' || value.path === 'Out');
      // `x [0]` is still a subscript in Python; after a space and an unknown name it is more likely prose.
      if (this.isPunct(j, P.LBracket) && (!this.space[j] || (value.kind !== 'unknown' && value.kind !== 'ref') || notebookPrompt)) {
        const close = this.match[j];
        if (close < 0) return this.parsed(UNKNOWN, j + 1);
        this.nest++;
        value = this.subscript(value, j + 1, close);
        this.nest--;
        if (this.failedAt >= 0) return this.parsed(UNKNOWN, -1);
        chainItem = -1;
        j = close + 1;
        continue;
      }
      return this.parsed(value, j);
    }
  }

  private primary(i: number): number {
    if (i >= this.n) return this.fail(i);
    const kind = this.kinds[i];
    if (kind === TokenKind.Number) {
      const parsed = numberValue(this.text, this.starts[i], this.ends[i]);
      if (!parsed) return this.parsed(UNKNOWN, i + 1);
      return this.parsed(parsed.isInt ? intValue(parsed.value) : { kind: 'number', value: parsed.value, isInt: false }, i + 1);
    }
    if (kind === TokenKind.String) {
      let j = i;
      let s = '';
      while (j < this.n && this.kinds[j] === TokenKind.String) {
        s += stringContent(this.tokText(j));
        j++;
      }
      return this.parsed({ kind: 'string', value: s }, j);
    }
    if (kind === TokenKind.Name) {
      const name = this.tokText(i);
      if (name === 'True' || name === 'False') return this.parsed({ kind: 'number', value: name === 'True' ? 1 : 0, isInt: true }, i + 1);
      if (name === 'None') return this.parsed(NONE, i + 1);
      if (this.codes[i] !== 0) return this.fail(i);
      const b = this.lookup(name);
      if (!b) return this.parsed(refValue(name), i + 1);
      // The binding's copy of the name: the item keeps it, and the fresh slice can die young.
      this.nameItem(i, b.name === name ? b.name : name, b.value, b);
      return this.parsed(b.value, i + 1);
    }
    if (kind === TokenKind.Punct) {
      const c = this.text.charCodeAt(this.starts[i]);
      const single = this.ends[i] - this.starts[i] === 1;
      if (single && (c === P.LBracket || c === P.LParen)) return this.bracket(i);
      if (single && c === P.LBrace) {
        const close = this.match[i];
        if (close < 0) return this.parsed(UNKNOWN, i + 1);
        this.nest++;
        this.elements(i + 1, close, true);
        this.nest--;
        return this.parsed(UNKNOWN, this.failedAt >= 0 ? -1 : close + 1);
      }
      if (this.codes[i] === OP_ELLIPSIS) return this.parsed(UNKNOWN, i + 1);
    }
    return this.fail(i);
  }

  /** `[…]` or `(…)`: a numeric literal when it is one, else a list, tuple, parenthesized expression or comprehension. */
  private bracket(i: number): number {
    const close = this.match[i];
    if (close < 0) return this.parsed(UNKNOWN, i + 1);
    const isList = this.text.charCodeAt(this.starts[i]) === P.LBracket;
    if (close === i + 1) return this.parsed({ kind: 'seq', items: [], form: isList ? 'list' : 'tuple' }, close + 1);
    const lit = this.literalAt(i, close);
    if (lit && lit.ok) {
      const v = lit.value;
      if (v.shape.length === 0) return this.parsed({ kind: 'number', value: v.values[0], isInt: v.elementKind !== 'float' }, close + 1);
      if (isList) {
        const dtype = v.spaceSeparated ? (v.elementKind === 'float' ? 'float64' : v.elementKind === 'bool' ? 'bool' : 'int64') : v.elementKind === 'float' ? 'float64' : v.elementKind === 'bool' ? 'bool' : 'int64';
        this.addItem(v.spaceSeparated ? 'printed' : 'literal', v.start, v.end, null, v.spaceSeparated ? 'printed array' : 'list', literalTensor(v, dtype));
      }
      return this.parsed({ kind: 'array', literal: v, form: isList ? 'list' : 'tuple' }, close + 1);
    }
    if (lit && !lit.ok && isList && isStructural(lit.error)) {
      this.addFailedLiteral('literal', this.starts[i], this.ends[close], 'list', lit.error);
      return this.parsed(UNKNOWN, close + 1);
    }
    // Not a numeric literal: the general forms.
    this.nest++;
    const { values, comprehension, commas } = this.elements(i + 1, close, false);
    this.nest--;
    if (this.failedAt >= 0) return this.parsed(UNKNOWN, -1);
    if (comprehension) return this.parsed(UNKNOWN, close + 1);
    if (!isList && values.length === 1 && !commas) return this.parsed(values[0], close + 1);
    return this.parsed({ kind: 'seq', items: values, form: isList ? 'list' : 'tuple' }, close + 1);
  }

  /** Parses the numeric literal between bracket tokens `open` and `close`, when it looks like one. */
  private literalAt(open: number, close: number): ReturnType<typeof parseNested> | undefined {
    // Cheap test first: the token after the brackets must be a number, a sign, a bracket or a number name.
    let j = open + 1;
    while (j < close && (this.isPunct(j, P.LBracket) || this.isPunct(j, P.LParen))) j++;
    // A literal around a token that already failed to read as a number fails again: skip it.
    if (this.literalFailAt > this.starts[open] && this.literalFailAt < this.ends[close]) return undefined;
    const k = this.kinds[j];
    const t = this.tokText(j);
    const numeric = k === TokenKind.Number || t === '-' || t === '+' || t === ']' || t === ')' || t === 'True' || t === 'False' || t === 'inf' || t === 'nan' || t === 'float' || t === 'math' || t === 'np';
    if (!numeric) return undefined;
    const r = parseNested(this.text, this.starts[open], this.literalOptions(open, this.ends[close]));
    if (!r.ok && !isStructural(r.error)) this.literalFailAt = r.error.offset;
    if (r.ok && r.value.end !== this.ends[close]) return undefined;
    return r;
  }

  /** Options for a literal that starts at token `index` and ends before offset `end` (the document's tokens, limits and lines). */
  private literalOptions(index: number, end: number): Parameters<typeof parseNested>[2] {
    return {
      maxElements: this.options.maxElements,
      maxDepth: this.options.maxDepth,
      end,
      lines: this.lines,
      tokens: { arrays: this.tokens, index },
    };
  }

  /** Comma-separated expressions in [from, to); a `for` makes it a comprehension (its first part is still looked at). */
  private elements(from: number, to: number, dict: boolean): { values: Value[]; comprehension: boolean; commas: boolean } {
    const values: Value[] = [];
    let j = from;
    let commas = false;
    while (j < to) {
      if (this.isPunct(j, P.Star) || this.isOp(j, OP_STARSTAR)) j++;
      const end = this.expression(j);
      if (end < 0) break;
      values.push(this.value);
      j = end;
      if (dict && this.isPunct(j, P.Colon)) {
        j = this.expression(j + 1);
        if (j < 0) break;
      }
      if (this.isKw(j, K_FOR) || this.isKw(j, K_ASYNC)) {
        return { values, comprehension: true, commas };
      }
      if (j === to) break;
      if (!this.isPunct(j, P.Comma)) {
        this.fail(j);
        break;
      }
      commas = true;
      j++;
    }
    return { values, comprehension: false, commas };
  }

  /** `x[…]`: ints, slices, `None` and `...` on a tensor or a tuple. */
  private subscript(value: Value, from: number, to: number): Value {
    const parts: (IndexPart | undefined)[] = [];
    let j = from;
    while (j < to) {
      let part: IndexPart | undefined;
      const bound = (k: number): { v: number | undefined; end: number; given: boolean } => {
        if (this.isPunct(k, P.Colon) || this.isPunct(k, P.Comma) || k >= to) return { v: undefined, end: k, given: false };
        const end = this.expression(k);
        return { v: intOf(this.value), end: end < 0 ? to : end, given: true };
      };
      if (this.isName(j) && this.tokText(j) === 'None') {
        part = { kind: 'newaxis' };
        j++;
      } else if (this.isOp(j, OP_ELLIPSIS)) {
        part = { kind: 'ellipsis' };
        j++;
      } else {
        const a = bound(j);
        j = a.end;
        if (this.isPunct(j, P.Colon)) {
          const b = bound(j + 1);
          j = b.end;
          let step: { v: number | undefined; end: number; given: boolean } = { v: undefined, end: j, given: false };
          if (this.isPunct(j, P.Colon)) {
            step = bound(j + 1);
            j = step.end;
          }
          const ok = (!a.given || a.v !== undefined) && (!b.given || b.v !== undefined) && (!step.given || step.v !== undefined);
          part = ok ? { kind: 'slice', start: a.v, stop: b.v, step: step.v } : undefined;
        } else {
          part = a.v !== undefined ? { kind: 'int', value: a.v } : undefined;
        }
      }
      if (this.failedAt >= 0) return UNKNOWN;
      parts.push(part);
      if (j < to && !this.isPunct(j, P.Comma)) {
        this.fail(j);
        return UNKNOWN;
      }
      j++;
    }
    if (parts.some((p) => !p)) return UNKNOWN;
    const known = parts as IndexPart[];
    if (value.kind === 'seq') {
      if (known.length !== 1) return UNKNOWN;
      const p = known[0];
      if (p.kind === 'int') {
        const k = p.value < 0 ? p.value + value.items.length : p.value;
        return value.items[k] ?? UNKNOWN;
      }
      if (p.kind === 'slice' && (p.step === undefined || p.step === 1)) {
        const len = value.items.length;
        const s = p.start === undefined ? 0 : p.start < 0 ? Math.max(0, p.start + len) : Math.min(p.start, len);
        const e = p.stop === undefined ? len : p.stop < 0 ? Math.max(0, p.stop + len) : Math.min(p.stop, len);
        return { kind: 'seq', items: value.items.slice(s, Math.max(s, e)), form: value.form };
      }
      return UNKNOWN;
    }
    if (value.kind === 'tensor') {
      const shape = indexShape(value.shape, known);
      return shape ? tensorValue(shape, value.dtype) : UNKNOWN;
    }
    return UNKNOWN;
  }

  // ----- calls -------------------------------------------------------------------------------

  /**
   * Arguments between `(` at `open` and `)` at `close`; the first may be read as tensor data, left
   * in `argsData` (a field, not a result object per call).
   */
  private args(open: number, close: number, dataFirst: boolean): Args {
    // At most one positional argument per top-level comma, and one more: an array of that size
    // (trimmed at the end), not one grown by push (its first push reserves 17 slots).
    let most = 1;
    for (let k = open + 1; k < close; k++) {
      const m = this.match[k];
      if (m > k) k = m;
      else if (this.kinds[k] === TokenKind.Punct && this.codes[k] === P.Comma) most++;
    }
    const positional: Arg[] = new Array(most);
    let count = 0;
    let keywords: Map<string, Arg> | undefined;
    let starred = false;
    let data: ReturnType<typeof parseNested> | undefined;
    let j = open + 1;
    while (j < close) {
      if (this.isPunct(j, P.Star) || this.isOp(j, OP_STARSTAR)) {
        starred = true;
        j = this.expression(j + 1);
        if (j < 0) break;
      } else if (this.isName(j) && this.isPunct(j + 1, P.Eq)) {
        const key = this.tokText(j);
        let end: number;
        if (this.isPunct(j + 2, P.Lt)) {
          // Printed `grad_fn=<AddBackward0>`.
          let k = j + 3;
          while (k < close && !this.isPunct(k, P.Gt)) k++;
          end = this.parsed(UNKNOWN, k + 1);
        } else {
          end = this.expression(j + 2);
          if (end < 0) break;
        }
        (keywords ??= new Map<string, Arg>()).set(key, this.value);
        j = end;
      } else if (dataFirst && count === 0 && this.startsData(j)) {
        const r = parseNested(this.text, this.starts[j], this.literalOptions(j, this.starts[close]));
        if (!r.ok && !isStructural(r.error)) this.literalFailAt = r.error.offset;
        const after = r.ok ? this.tokenAtOffset(j, r.value.end) : -1;
        if (r.ok && (after === close || this.isPunct(after, P.Comma))) {
          data = r;
          const v = r.value;
          const value: Value = v.shape.length === 0 ? { kind: 'number', value: v.values[0], isInt: v.elementKind !== 'float' } : { kind: 'array', literal: v, form: 'list' };
          positional[count++] = value;
          j = after;
        } else if (!r.ok && isStructural(r.error)) {
          data = r;
          positional[count++] = UNKNOWN;
          j = this.skipArgument(j, close);
        } else {
          const end = this.expression(j);
          if (end < 0) break;
          positional[count++] = this.value;
          j = end;
        }
      } else {
        const end = this.expression(j);
        if (end < 0) break;
        positional[count++] = this.value;
        j = end;
      }
      if (j === close) break;
      if (!this.isPunct(j, P.Comma)) {
        this.fail(j);
        break;
      }
      j++;
    }
    if (count < most) positional.length = count;
    this.argsData = data;
    return { positional, keywords: keywords ?? NO_KEYWORDS, starred };
  }

  private startsData(j: number): boolean {
    if (j >= this.n) return false;
    if (this.kinds[j] === TokenKind.Number) return true;
    const t = this.tokText(j);
    return t === '[' || t === '(' || t === '-' || t === '+';
  }

  /** Index of the first token at or after `offset`, walking forward from `from`. */
  private tokenAtOffset(from: number, offset: number): number {
    let j = from;
    while (j < this.n && this.starts[j] < offset) j++;
    return j;
  }

  /** Skips one argument (to the next top-level comma or the close). */
  private skipArgument(j: number, close: number): number {
    while (j < close && !this.isPunct(j, P.Comma)) {
      const m = this.match[j];
      j = m > j ? m + 1 : j + 1;
    }
    return j;
  }

  /** A call's value, reporting no item (`callItem` says which item the last call reported). */
  private noItem(value: Value): Value {
    this.callItem = -1;
    return value;
  }

  /** A call's value, reporting item `index`. */
  private withItem(value: Value, index: number): Value {
    this.callItem = index;
    return value;
  }

  /** The item a call's outcome reports, added; the value with the item's index. */
  private record(o: CallOutcome, startOffset: number, endOffset: number): Value {
    if (!o.item) return this.noItem(o.value);
    const tensor = o.value.kind === 'tensor' ? o.value : undefined;
    const layer = o.item.layer;
    const printedSize = o.item.kind === 'printed' && o.value.kind === 'seq' && o.value.form === 'size';
    const { kind, form } = o.item;
    const index = this.addItem(kind, startOffset, endOffset, null, form, tensor, layer);
    const item = this.items.get(index);
    if (printedSize) item.size = intTuple(o.value);
    if (layer?.error) item.error = layer.error;
    if (o.item.error) item.error = o.item.error;
    if (kind === 'layer' && layer?.spec.style === 'module' && o.value.kind === 'unknown' && !layer.inputShape) {
      return this.withItem({ kind: 'layer', layer: layer.spec, itemIndex: index }, index);
    }
    return this.withItem(o.value, index);
  }

  private applicationForm(callee: string): string {
    let form = this.applicationForms.get(callee);
    if (form === undefined) {
      form = `${callee}(…)`;
      this.applicationForms.set(callee, form);
    }
    return form;
  }

  private call(callee: Value, pathText: string | undefined, open: number, close: number, startOffset: number): Value {
    const endOffset = this.ends[close];
    const path = callee.kind === 'ref' ? canonical(callee.path) : undefined;

    if (path && isDataCall(path)) {
      const args = this.args(open, close, true);
      const data = this.argsData;
      if (this.failedAt >= 0) return this.noItem(UNKNOWN);
      if (data && !data.ok) {
        const index = this.addFailedLiteral(path === 'tensor' || path === 'array' ? 'printed' : 'literal', startOffset, endOffset, path, data.error);
        return this.withItem(UNKNOWN, index);
      }
      const first = args.positional[0];
      const legacy = path.startsWith('torch.') && path.endsWith('Tensor');
      if (data && data.ok && !(legacy && data.value.shape.length === 0)) return this.record(fromData(path, data.value, args.keywords), startOffset, endOffset);
      // Legacy constructors with sizes: torch.Tensor(2, 3).
      if (first && legacy) {
        const dims = args.positional.map((a) => intOf(a));
        if (dims.every((d): d is number => d !== undefined && d >= 0)) {
          const made = fromValue(path, { kind: 'number', value: 0, isInt: true }, args.keywords);
          const dtype = made.value.kind === 'tensor' ? made.value.dtype : 'torch.float32';
          return this.record({ value: tensorValue(dims, dtype), item: { kind: 'constructor', form: path } }, startOffset, endOffset);
        }
      }
      if (!first) return this.noItem(UNKNOWN);
      const made = fromValue(path, first, args.keywords);
      if (made.value.kind === 'tensor') return this.record({ value: made.value, item: { kind: 'literal', form: path } }, startOffset, endOffset);
      return this.noItem(UNKNOWN);
    }
    if (path === 'torch.Size' || path === 'Size') {
      this.args(open, close, true);
      const data = this.argsData;
      if (this.failedAt >= 0) return this.noItem(UNKNOWN);
      if (data && data.ok) return this.record(sizeFromData(data.value), startOffset, endOffset);
      return this.noItem(UNKNOWN);
    }
    if (callee.kind === 'layer') {
      const args = this.args(open, close, false);
      if (this.failedAt >= 0) return this.noItem(UNKNOWN);
      const input = args.positional[0] ?? UNKNOWN;
      const { value, layer } = applyLayer(callee.layer, input);
      const defining = this.items.get(callee.itemIndex);
      // The defining item keeps its first few applications (a layer called in a loop is called once per line).
      if (defining && layer.inputShape && (defining.applications?.length ?? 0) < MAX_APPLICATIONS) {
        this.addApplication(defining, new Application(startOffset, layer));
      }
      const form = this.applicationForm(this.text.slice(startOffset, this.starts[open]).trim());
      const index = this.addItem('layer', startOffset, endOffset, null, form, value.kind === 'tensor' ? value : undefined, layer);
      if (layer.error) this.items.get(index).error = layer.error;
      return this.withItem(value, index);
    }
    const args = this.args(open, close, false);
    if (this.failedAt >= 0) return this.noItem(UNKNOWN);
    if (callee.kind === 'method') return this.noItem(method(callee.self, callee.name, args));
    if (!path) return this.noItem(UNKNOWN);
    if (isLayerCall(path)) {
      const out = layerCall(path, pathText ?? path, args);
      // d2l's comp_conv2d(layer, X) applies the layer: its definition reports the application too.
      const layerArg = args.positional[0];
      const report = out.item?.layer;
      if (layerArg?.kind === 'layer' && report?.inputShape && path.endsWith('comp_conv2d')) {
        const defining = this.items.get(layerArg.itemIndex);
        if (defining && (defining.applications?.length ?? 0) < MAX_APPLICATIONS) this.addApplication(defining, new Application(startOffset, report));
      }
      return this.record(out, startOffset, endOffset);
    }
    const made = construct(path, args);
    if (made) return this.record(made, startOffset, endOffset);
    const f = tensorFunction(path, args);
    if (f) return this.noItem(f);
    return this.noItem(UNKNOWN);
  }
}

const byPlace = (a: Item, b: Item): number => a.start - b.start || b.end - a.end;

/**
 * Sorts items by `byPlace`, stably, like `Array.prototype.sort`. Items arrive nearly in order (an
 * enclosing call is added after the items inside it), so an insertion sort does it in about one
 * pass, where the general sort took over a millisecond on 14,000 items; past a budget of moves
 * (text where items arrive far out of order) it hands over to the general sort.
 */
function sortItems(items: Item[]): Item[] {
  let budget = 16 * items.length + 64;
  for (let i = 1; i < items.length; i++) {
    const it = items[i];
    let j = i - 1;
    if (byPlace(items[j], it) <= 0) continue;
    while (j >= 0 && byPlace(items[j], it) > 0) {
      items[j + 1] = items[j];
      j--;
    }
    items[j + 1] = it;
    budget -= i - j;
    if (budget < 0) return items.sort(byPlace);
  }
  return items;
}

/** Errors that mean "this is a literal, but a bad one" (as opposed to "not a literal at all"). */
function isStructural(e: ParseError): boolean {
  return e.code === ParseErrorCode.Ragged || e.code === ParseErrorCode.MixedNesting || e.code === ParseErrorCode.TooManyElements ||
    e.code === ParseErrorCode.TooDeep || e.code === ParseErrorCode.BadNumber || e.code === ParseErrorCode.Elided || e.code === ParseErrorCode.MixedSeparators;
}

/** The text of a Python string token without its prefix and quotes (escapes left as written). */
function stringContent(token: string): string {
  let i = 0;
  while (i < token.length && token[i] !== "'" && token[i] !== '"') i++;
  const q = token[i];
  const triple = token.startsWith(q.repeat(3), i);
  const open = triple ? 3 : 1;
  const body = token.slice(i + open);
  return body.endsWith(triple ? q.repeat(3) : q) ? body.slice(0, body.length - open) : body;
}

/**
 * Scans one text (a file, or one notebook cell with the names of the cells before it in `globals`).
 * Never throws on any input.
 */
export function scanDocument(text: string, options: ScanOptions = {}): ScanResult {
  const result = new DocumentScanner(text, options).run();
  // Bare rows of numbers in notes' text blocks: not expressions, so found apart, where nothing else is.
  const bare = findBareMatrices(text, result.items);
  if (bare.length > 0) {
    result.items.push(...bare);
    result.items.sort(byPlace);
  }
  return result;
}

/** Scans notebook cells in order, each seeing the names bound by the cells before it. */
export function scanCells(cells: readonly string[], options: ParseLimits = {}): ScanResult[] {
  const out: ScanResult[] = [];
  let globals: ReadonlyMap<string, Binding> | undefined;
  cells.forEach((text, segment) => {
    const r = scanDocument(text, { ...options, segment, ...(globals ? { globals } : {}) });
    out.push(r);
    globals = r.globals;
  });
  return out;
}

/**
 * The most specific item at `offset`: the innermost one whose range holds it; failing that, a name
 * that ends right there (the caret just after `X`).
 */
export function itemAt(items: readonly Item[], offset: number): Item | undefined {
  let best: Item | undefined;
  let touching: Item | undefined;
  for (const it of items) {
    if (it.start > offset) break;
    if (offset < it.end) {
      if (!best || it.end - it.start <= best.end - best.start) best = it;
    } else if (offset === it.end && it.kind === 'name' && it.end > it.start) {
      touching = it;
    }
  }
  return best ?? touching;
}

export type { NestedLiteral };
