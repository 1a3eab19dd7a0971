/**
 * Tensor text in and out of the editors' text boxes: anything the project's literal parser reads
 * (nested lists, `torch.tensor(…)`, printed `tensor(…)` and NumPy outputs) in; a nested list out.
 */
import { parseNested, scanDocument } from '../../src/parse';
import type { WireTensor } from '../../src/protocol';
import { formatNumber as fmt } from '../common/dom';
import { t } from '../common/l10n';

export type TextResult = { ok: true; tensor: WireTensor } | { ok: false; message: string; line: number; column: number };

export function parseTensorText(text: string): TextResult {
  // A bare list (or NumPy print) goes straight to the literal parser, whose errors point at the
  // character; anything else (`torch.tensor(…)`, `tensor(…)`, `X = …`) through the document scanner.
  if (/^\s*[[(\d.+-]/.test(text)) {
    const r = parseNested(text, 0, { maxElements: 1 << 20 });
    if (!r.ok) return { ok: false, message: r.error.reason, line: r.error.line, column: r.error.column };
    const { shape, values } = r.value;
    if (shape.length === 0) return { ok: true, tensor: { shape: [1], data: [values[0]] } };
    return { ok: true, tensor: { shape: [...shape], data: Array.from(values) } };
  }
  // While a call is being typed its inner lists are already whole: wait for the brackets to close.
  const open = unclosed(text);
  if (open) return { ok: false, message: t('a bracket is left open'), line: open.line, column: open.column };
  const scan = scanDocument(text, { maxElements: 1 << 20 });
  // The outermost tensor whose values the text determines (the first one if there are several).
  let best: (typeof scan.items)[number] | undefined;
  for (const item of scan.items) {
    if (!item.tensor?.data || item.tensor.shape.length === 0) continue;
    if (!best || item.start < best.start || (item.start === best.start && item.end > best.end)) best = item;
  }
  if (best?.tensor?.data) {
    const d = best.tensor.data;
    return { ok: true, tensor: { shape: [...d.shape], data: Array.from(d.data) } };
  }
  const failed = scan.items.find((i) => i.parseError || i.error);
  if (failed?.parseError) return { ok: false, message: failed.parseError.reason, line: failed.parseError.line, column: failed.parseError.column };
  const at = scan.lines.position(failed?.start ?? 0);
  return { ok: false, message: failed?.error ?? t('no tensor with known values in this text'), line: at.line, column: at.column };
}

/** The first bracket left open (strings and comments aside), with its 1-based position. */
function unclosed(text: string): { line: number; column: number } | null {
  const stack: number[] = [];
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    else if (c === '(' || c === '[' || c === '{') stack.push(i);
    else if ((c === ')' || c === ']' || c === '}') && stack.length) stack.pop();
  }
  if (!stack.length) return null;
  const at = stack[stack.length - 1];
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  return { line, column: at - before.lastIndexOf('\n') };
}

/** A nested list, one innermost row per line, blocks separated as PyTorch prints them. */
export function formatTensorText(t: WireTensor): string {
  const { shape, data } = t;
  const rank = shape.length;
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const cells = Array.from(data, fmt);
  const width = cells.reduce((m, c) => Math.max(m, c.length), 0);
  const walk = (dim: number, offset: number, indent: number): string => {
    if (dim === rank - 1) {
      return '[' + cells.slice(offset, offset + shape[dim]).map((c) => c.padStart(width)).join(', ') + ']';
    }
    const parts: string[] = [];
    for (let i = 0; i < shape[dim]; i++) parts.push(walk(dim + 1, offset + i * strides[dim], indent + 1));
    const sep = ',' + '\n'.repeat(rank - dim - 1) + ' '.repeat(indent + 1);
    return '[' + parts.join(sep) + ']';
  };
  return walk(0, 0, 0);
}
