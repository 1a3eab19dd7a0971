/**
 * Matrices written as bare rows of numbers, the way study notes show them in text blocks:
 *
 *     0 1 2                 通道1      通道2
 *     3 4 5                 0 1 2      1 2 3
 *     6 7 8                 3 4 5      4 5 6
 *
 * A block is two or more consecutive lines that hold nothing but numbers, the same count on each.
 * Channels side by side are split where every row has a gap of three or more spaces (or a tab) in
 * the same places, giving equal groups: C×H×W. Such a block reads as a printed tensor (like NumPy's
 * print without its brackets), shape and values known. Lines inside items the scanner found (code,
 * strings) are left alone.
 */
import { numberValue, type NestedLiteral } from './literal';
import { literalTensor } from './values';
import type { Item } from './document';
import { ScanItem } from './resultObjects';

/** A row of numbers: each number's value and [start, end), and the groups the wide gaps split it into. */
interface Row {
  readonly values: number[];
  readonly starts: number[];
  readonly ends: number[];
  /** Numbers per group, left to right (one group when there is no wide gap). */
  readonly groups: number[];
  readonly allInts: boolean;
}

const MIN_ROWS = 2;
const MIN_COLUMNS = 2;
/** Spaces that separate channels rather than numbers. */
const WIDE_GAP = 3;
/** Larger blocks are left to real literals (the scan stays linear and cheap). */
const MAX_ELEMENTS = 1 << 16;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * The numbers of the line [start, end), or null when the line holds anything else. Cheap on the
 * common case: most lines fail at their first non-blank character.
 */
function readRow(text: string, start: number, end: number): Row | null {
  let i = start;
  while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  if (i === end) return null;
  const first = text.charCodeAt(i);
  if (!isDigit(first) && first !== 45 && first !== 43 && first !== 46) return null;
  const values: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const groups: number[] = [];
  let inGroup = 0;
  let allInts = true;
  while (i < end) {
    const s = i;
    let sign = 1;
    const c0 = text.charCodeAt(i);
    if (c0 === 45 || c0 === 43) {
      sign = c0 === 45 ? -1 : 1;
      i++;
    }
    const digitsAt = i;
    while (i < end && !isSpace(text.charCodeAt(i))) i++;
    if (i === digitsAt) return null;
    const n = numberValue(text, digitsAt, i);
    if (!n) return null;
    values.push(sign * n.value);
    allInts &&= n.isInt;
    starts.push(s);
    ends.push(i);
    inGroup++;
    const gapStart = i;
    let tab = false;
    while (i < end && isSpace(text.charCodeAt(i))) {
      if (text.charCodeAt(i) === 9) tab = true;
      i++;
    }
    if (i < end && (tab || i - gapStart >= WIDE_GAP)) {
      groups.push(inGroup);
      inGroup = 0;
    }
  }
  groups.push(inGroup);
  return { values, starts, ends, groups, allInts };
}

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 13;

/** Channels side by side when every row splits into the same equal groups; otherwise one matrix. */
function channelsOf(rows: readonly Row[]): number {
  const g = rows[0].groups;
  if (g.length < 2 || g.some((n) => n !== g[0])) return 1;
  for (const r of rows) if (r.groups.length !== g.length || r.groups.some((n) => n !== g[0])) return 1;
  return g.length;
}

/** A finished block as a printed-tensor item: H×W, or C×H×W for channels side by side. */
function blockItem(rows: readonly Row[]): Item | null {
  const width = rows[0].values.length;
  if (rows.length < MIN_ROWS || width < MIN_COLUMNS || rows.length * width > MAX_ELEMENTS) return null;
  const channels = channelsOf(rows);
  const perChannel = width / channels;
  const shape = channels > 1 ? [channels, rows.length, perChannel] : [rows.length, width];
  const n = rows.length * width;
  const values = new Float64Array(n);
  const offsets = new Uint32Array(n);
  let k = 0;
  // Row-major in the tensor's order: channel by channel, each channel row by row.
  for (let c = 0; c < channels; c++) {
    for (const r of rows) {
      for (let x = c * perChannel; x < (c + 1) * perChannel; x++) {
        values[k] = r.values[x];
        offsets[k++] = r.starts[x];
      }
    }
  }
  const start = rows[0].starts[0];
  const last = rows[rows.length - 1];
  const end = last.ends[last.ends.length - 1];
  const allInts = rows.every((r) => r.allInts);
  const literal: NestedLiteral = { shape, values, offsets, start, end, elementKind: allInts ? 'int' : 'float', spaceSeparated: true };
  return new ScanItem('printed', start, end, null, 'text matrix', literalTensor(literal, allInts ? 'int64' : 'float64'));
}

/**
 * The bare matrices of `text` that lie outside every item in `items` (sorted by start), as new
 * items in text order.
 */
export function findBareMatrices(text: string, items: readonly Item[]): Item[] {
  const found: Item[] = [];
  let block: Row[] = [];
  let blockStart = 0;
  let next = 0; // the first item that may still cover a later line
  const flush = () => {
    if (block.length >= MIN_ROWS) {
      const item = blockItem(block);
      if (item && !covered(item.start, item.end)) found.push(item);
    }
    block = [];
  };
  const covered = (start: number, end: number): boolean => {
    while (next < items.length && items[next].end <= blockStart) next++;
    for (let j = next; j < items.length && items[j].start < end; j++) if (items[j].end > start) return true;
    return false;
  };
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const row = readRow(text, lineStart, lineEnd);
    if (row && block.length > 0 && row.values.length !== block[0].values.length) flush();
    if (row) {
      if (block.length === 0) blockStart = lineStart;
      block.push(row);
    } else if (block.length > 0) {
      flush();
    }
    lineStart = lineEnd + 1;
  }
  flush();
  return found;
}
