/**
 * `conv-lens shapes FILE [--format text|json]`: every item the document scanner finds.
 *
 * Text files (Python, Markdown, plain text, notebook exports) are scanned whole; line and column
 * are 1-based positions in the file. A Jupyter notebook (`.ipynb`) is scanned cell by cell in
 * order (each cell sees the names bound by the cells before it); its items carry `cell` (0-based
 * cell index) and `line`/`column` are 1-based positions within that cell's source.
 */
import { readFileSync } from 'node:fs';
import { scanCells, scanDocument, type Item, type ScanResult } from '../parse';
import { convCost } from '../engine';

export interface ShapeRow {
  line: number;
  column: number;
  /** Notebooks only: 0-based index of the cell. */
  cell?: number;
  kind: Item['kind'];
  form: string;
  name: string | null;
  shape: number[] | null;
  dtype?: string;
  weightShape?: readonly number[] | null;
  biasShape?: readonly number[] | null;
  params?: number | null;
  inputShape?: readonly number[];
  outputShape?: readonly number[];
  /** Multiply-adds of the whole call (the engine's cost model), and FLOPs = 2·MACs. */
  macs?: number;
  flops?: number;
  /** Where a name was bound (1-based line; for notebooks also its cell). */
  boundAt?: { line: number; column: number };
  error?: string;
}

/** Rows for one scan result. */
export function rowsOf(result: ScanResult, cell?: number): ShapeRow[] {
  return result.items.map((it) => {
    const { line, column } = result.lines.position(it.start);
    const row: ShapeRow = { line, column, ...(cell !== undefined ? { cell } : {}), kind: it.kind, form: it.form, name: it.name, shape: it.tensor ? [...it.tensor.shape] : it.size ? [...it.size] : null };
    if (it.tensor) row.dtype = it.tensor.dtype;
    const layer = it.layer;
    if (layer) {
      // A module layer reports its first application's input and output.
      const applied = layer.outputShape ? layer : it.applications?.find((a) => a.layer.outputShape)?.layer;
      row.weightShape = layer.weightShape;
      row.biasShape = layer.biasShape;
      row.params = layer.params;
      if (applied?.inputShape) row.inputShape = applied.inputShape;
      if (applied?.outputShape) row.outputShape = applied.outputShape;
      if (applied?.info && applied.outputShape) {
        const cost = convCost(applied.info);
        if (cost.macs > 0) {
          row.macs = cost.macs;
          row.flops = cost.flops;
        }
      }
    }
    if (it.boundAt && it.kind === 'name') row.boundAt = { line: it.boundAt.line, column: it.boundAt.column };
    if (it.error) row.error = it.error;
    return row;
  });
}

/** Scans a file's text: notebooks by cell, anything else whole. */
export function shapesOf(path: string, text: string): ShapeRow[] {
  if (path.toLowerCase().endsWith('.ipynb')) {
    const cells = notebookCells(text);
    return scanCells(cells).flatMap((r, i) => rowsOf(r, i));
  }
  return rowsOf(scanDocument(text));
}

/** The sources of a notebook's cells, in order. Throws a readable error for a file that is not one. */
export function notebookCells(text: string): string[] {
  let nb: unknown;
  try {
    nb = JSON.parse(text);
  } catch (err) {
    throw new Error(`not a notebook (invalid JSON: ${err instanceof Error ? err.message : String(err)})`);
  }
  const cells = (nb as { cells?: unknown }).cells;
  if (!Array.isArray(cells)) throw new Error('not a notebook: no "cells" array');
  return cells.map((c) => {
    const src = (c as { source?: unknown }).source;
    return Array.isArray(src) ? src.map(String).join('') : typeof src === 'string' ? src : '';
  });
}

/** A shape as Python prints the tuple: `(2, 3, 3)`, `(3,)`, `()`; `?` when not known. */
function shape(s: readonly number[] | null | undefined): string {
  if (!s) return '?';
  return s.length === 1 ? `(${s[0]},)` : `(${s.join(', ')})`;
}

function textLine(r: ShapeRow): string {
  const at = `${r.cell !== undefined ? `cell ${r.cell} ` : ''}${r.line}:${r.column}`;
  const parts = [at.padEnd(10), r.kind.padEnd(11)];
  if (r.name) parts.push(r.name);
  if (r.kind === 'layer') {
    parts.push(r.form);
    if (r.weightShape) parts.push(`weight ${shape(r.weightShape)}`);
    if (r.params !== undefined && r.params !== null) parts.push(`params ${r.params}`);
    if (r.inputShape) parts.push(`input ${shape(r.inputShape)}`);
    if (r.outputShape) parts.push(`output ${shape(r.outputShape)}`);
    if (r.macs !== undefined) parts.push(`MACs ${r.macs}`, `FLOPs ${r.flops}`);
  } else {
    parts.push(`shape ${shape(r.shape)}`);
    if (r.dtype) parts.push(r.dtype);
    if (r.boundAt) parts.push(`bound at ${r.boundAt.line}:${r.boundAt.column}`);
  }
  if (r.error) parts.push(`— ${r.error}`);
  return parts.join('  ');
}

export async function shapesCommand(args: string[]): Promise<number> {
  let format = 'text';
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--format') format = args[++i] ?? '';
    else if (a.startsWith('--format=')) format = a.slice('--format='.length);
    else if (a.startsWith('--')) {
      process.stderr.write(`conv-lens shapes: unknown option ${a}\n`);
      return 2;
    } else files.push(a);
  }
  if (format !== 'text' && format !== 'json') {
    process.stderr.write(`conv-lens shapes: --format must be text or json (got ${format || 'nothing'})\n`);
    return 2;
  }
  if (files.length !== 1) {
    process.stderr.write('conv-lens shapes: usage: conv-lens shapes FILE [--format text|json]\n');
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(files[0], 'utf8');
  } catch (err) {
    process.stderr.write(`conv-lens shapes: cannot read ${files[0]}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  let rows: ShapeRow[];
  try {
    rows = shapesOf(files[0], text);
  } catch (err) {
    process.stderr.write(`conv-lens shapes: ${files[0]}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  if (format === 'json') process.stdout.write(JSON.stringify(rows, null, 1) + '\n');
  else process.stdout.write(rows.map(textLine).join('\n') + (rows.length ? '\n' : ''));
  return 0;
}
