/**
 * The tensors of a selection (or of a whole document), from the document scanner's items: what each
 * is called, its values, and where it starts. Pure: no vscode, no Node.
 *
 * A binding `X = torch.tensor(…).reshape(1, 2, 3, 3)` counts once, with the value bound to X (the
 * literal inside it is not a second tensor). Unnamed tensors count too (a printed `tensor(…)`, a
 * nested list in prose), except one-element lists such as a notebook's `In [7]:`. When a selection
 * holds no tensor of its own but names some (`corr2d_multi_in(X, K)`), the named tensors count.
 */
import type { Tensor } from '../engine/tensor';
import type { Item, LineMap } from '../parse';
import type { NamedTensor } from './operands';

export interface FoundTensor {
  readonly name?: string;
  /** 0-based line where it starts. */
  readonly line: number;
  /** Undefined when the text fixes the shape but not the values (`torch.randn(2, 3)`). */
  readonly values?: Tensor;
  readonly shape: readonly number[];
  /** Offsets in the scanned text. */
  readonly start: number;
  readonly end: number;
  /** How it was written: `torch.tensor`, `tensor(…)`, `list`, `name` … */
  readonly form: string;
}

/** A tensor literal in the range that does not parse (ragged, unterminated …), with its position. */
export interface LiteralProblem {
  readonly message: string;
  /** 1-based, as the editor shows them. */
  readonly line: number;
  readonly column: number;
}

export interface RangeTensors {
  /** Tensors with values, in document order. */
  readonly tensors: FoundTensor[];
  /** Tensors whose values the text does not give. */
  readonly valueless: FoundTensor[];
  readonly problems: LiteralProblem[];
}

const TENSOR_KINDS = new Set(['literal', 'constructor', 'printed']);

/** Whether a `name` item is the target of an assignment (`X = …`, not `X == …`). */
function isBinding(text: string, item: Item): boolean {
  return /^[ \t]*=(?!=)/.test(text.slice(item.end, item.end + 64));
}

function found(item: Item, lines: LineMap, name: string | undefined): FoundTensor | undefined {
  const t = item.tensor;
  if (!t || !t.shape) return undefined;
  const data = t.data && t.data.data.length === t.shape.reduce((a, b) => a * b, 1) ? t.data : undefined;
  return {
    name,
    values: data,
    shape: t.shape,
    line: lines.position(item.start).line - 1,
    start: item.start,
    end: item.end,
    form: item.form,
  };
}

/** The tensors the scanner found in `[start, end)` of `text` (everything when the range is the whole text). */
export function tensorsInRange(text: string, items: readonly Item[], lines: LineMap, start: number, end: number): RangeTensors {
  const inRange = items.filter((it) => it.start < end && it.end > start);
  const problems: LiteralProblem[] = [];
  const own: FoundTensor[] = [];
  const bindingLines = new Set<number>();
  for (const it of inRange) {
    if (it.parseError && TENSOR_KINDS.has(it.kind)) {
      problems.push({ message: it.parseError.reason, line: it.parseError.line, column: it.parseError.column });
    }
  }
  // Bindings first: the value a name ends up with is the tensor the user means.
  for (const it of inRange) {
    if (it.kind !== 'name' || !it.name || !isBinding(text, it)) continue;
    const f = found(it, lines, it.name);
    if (!f) continue;
    own.push(f);
    bindingLines.add(f.line);
  }
  for (const it of inRange) {
    if (!TENSOR_KINDS.has(it.kind)) continue;
    const f = found(it, lines, it.name ?? undefined);
    if (!f) continue;
    // Part of a binding already counted (the literal inside `X = torch.tensor(…).reshape(…)`).
    if (bindingLines.has(f.line)) continue;
    // A notebook's `In [7]:` and other one-element lists are not tensors anyone selects.
    if (!f.name && f.form === 'list' && f.shape.length === 1) continue;
    own.push(f);
  }
  own.sort((a, b) => a.start - b.start);
  let candidates = own;
  if (!own.some((f) => f.values)) {
    // Only references in the selection (`corr2d_multi_in(X, K)`): the tensors they name.
    const seen = new Set<string>();
    candidates = [];
    for (const it of inRange) {
      if (it.kind !== 'name' || !it.name || seen.has(it.name)) continue;
      const f = found(it, lines, it.name);
      if (!f) continue;
      seen.add(it.name);
      candidates.push(f);
    }
    if (!candidates.some((f) => f.values)) candidates = own.length ? own : candidates;
  }
  return {
    tensors: candidates.filter((f) => f.values),
    valueless: candidates.filter((f) => !f.values),
    problems,
  };
}

/** A found tensor with values, as an operand. */
export function asOperand(f: FoundTensor): NamedTensor {
  if (!f.values) throw new RangeError('asOperand: the tensor has no values');
  return { name: f.name, tensor: f.values, line: f.line };
}
