/**
 * The parameter line of "Compute Conv": `stride=2, padding=1, dilation=1, groups=1,
 * padding_mode=zeros, op=conv2d`, as a user types it in an input box. Python spellings are accepted
 * (`(1, 2)`, `'same'`, `True`), so a call's arguments can be pasted in. Pure: no vscode, no Node.
 */
import { t } from '@vscode/l10n';

export type ComputeOp = 'conv2d' | 'conv_transpose2d' | 'max_pool2d' | 'avg_pool2d';
export type Pair = readonly [number, number];
export type PaddingSpec = number | Pair | readonly [number, number, number, number] | 'same' | 'valid';
export type PaddingModeSpec = 'zeros' | 'reflect' | 'replicate' | 'circular';

export interface ComputeParams {
  readonly op: ComputeOp;
  /** `null`: the op's default (1 for convs, the kernel size for pools). */
  readonly stride: Pair | null;
  readonly padding: PaddingSpec;
  readonly dilation: Pair;
  readonly groups: number;
  readonly paddingMode: PaddingModeSpec;
  /** True convolution (the kernel flipped both ways) instead of cross-correlation. */
  readonly convolution: boolean;
  /** Pools only: the window. */
  readonly kernelSize: Pair | null;
  /** Transposed conv only. */
  readonly outputPadding: Pair;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
}

export const DEFAULT_PARAMS: ComputeParams = {
  op: 'conv2d',
  stride: null,
  padding: 0,
  dilation: [1, 1],
  groups: 1,
  paddingMode: 'zeros',
  convolution: false,
  kernelSize: null,
  outputPadding: [0, 0],
  ceilMode: false,
  countIncludePad: true,
};

export const OPS: readonly ComputeOp[] = ['conv2d', 'conv_transpose2d', 'max_pool2d', 'avg_pool2d'];
const MODES: readonly PaddingModeSpec[] = ['zeros', 'reflect', 'replicate', 'circular'];
const KEYS = [
  'op', 'stride', 'padding', 'dilation', 'groups', 'padding_mode', 'convolution', 'kernel_size',
  'output_padding', 'ceil_mode', 'count_include_pad',
] as const;

export const isPool = (op: ComputeOp): boolean => op === 'max_pool2d' || op === 'avg_pool2d';

/** A problem in the parameter text; `offset`/`length` point at the offending part. */
export interface ParamsError {
  readonly message: string;
  readonly offset: number;
  readonly length: number;
}

export type ParamsResult = { ok: true; params: ComputeParams } | { ok: false; error: ParamsError };

type Value = { kind: 'number'; value: number } | { kind: 'tuple'; items: number[] } | { kind: 'word'; value: string };

/** Splits at commas outside brackets, keeping each part's offset. */
function splitTopLevel(text: string): { part: string; offset: number }[] {
  const parts: { part: string; offset: number }[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const ch = text[i];
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    if (i === text.length || (ch === ',' && depth === 0)) {
      parts.push({ part: text.slice(start, i), offset: start });
      start = i + 1;
    }
  }
  return parts;
}

function parseValue(raw: string): Value | string {
  const s = raw.trim();
  if (s === '') return t('a value is missing');
  if (/^[-+]?\d+$/.test(s)) return { kind: 'number', value: Number(s) };
  const tuple = /^[([](.*)[)\]]$/.exec(s);
  if (tuple) {
    const items = tuple[1].split(',').map((x) => x.trim()).filter((x, i, all) => x !== '' || i < all.length - 1);
    if (items.length === 0 || items.some((x) => !/^[-+]?\d+$/.test(x))) return t('"{0}" is not a tuple of whole numbers', s);
    return { kind: 'tuple', items: items.map(Number) };
  }
  const word = /^(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1$/.exec(s);
  if (word) return { kind: 'word', value: word[2] };
  if (/^[-+]?\d*\.\d*$/.test(s)) return t('"{0}" must be a whole number', s);
  return t('"{0}" is not a number, a tuple or a word', s);
}

/** An int or a pair of ints, each at least `min`. */
function pairOf(key: string, v: Value, min: number): Pair | string {
  const items = v.kind === 'number' ? [v.value, v.value] : v.kind === 'tuple' ? v.items : null;
  if (!items || items.length !== 2) return t('{0} must be a whole number or a pair such as (1, 2)', key);
  if (items.some((x) => x < min)) return t('{0} must be at least {1}', key, min);
  return [items[0], items[1]];
}

function boolOf(key: string, v: Value): boolean | string {
  if (v.kind === 'word' && /^(true|false)$/i.test(v.value)) return v.value.toLowerCase() === 'true';
  if (v.kind === 'number' && (v.value === 0 || v.value === 1)) return v.value === 1;
  return t('{0} must be true or false', key);
}

/**
 * Parses a parameter line over `base` (the settings' defaults or the remembered line). An empty
 * text gives `base` unchanged. Cross-field checks (pool needs kernel_size, 'same' needs stride 1)
 * run at the end, against the whole result.
 */
export function parseParams(text: string, base: ComputeParams = DEFAULT_PARAMS): ParamsResult {
  const p: { -readonly [K in keyof ComputeParams]: ComputeParams[K] } = { ...base };
  const seen = new Set<string>();
  const fail = (message: string, offset: number, length: number): ParamsResult => ({ ok: false, error: { message, offset, length } });
  for (const { part, offset } of splitTopLevel(text)) {
    if (part.trim() === '') continue; // an empty text, a trailing or doubled comma: harmless
    const eq = part.indexOf('=');
    const lead = part.length - part.trimStart().length;
    if (eq < 0) return fail(t('"{0}" should be key=value (for example stride=2)', part.trim()), offset + lead, part.trim().length);
    const key = part.slice(0, eq).trim().toLowerCase();
    const valueText = part.slice(eq + 1);
    const at = offset + eq + 1;
    const vlen = Math.max(1, valueText.length);
    if (!(KEYS as readonly string[]).includes(key)) {
      return fail(t('unknown parameter "{0}"; known: {1}', key, KEYS.join(', ')), offset + lead, eq - lead);
    }
    if (seen.has(key)) return fail(t('{0} is given twice', key), offset + lead, eq - lead);
    seen.add(key);
    const v = parseValue(valueText);
    if (typeof v === 'string') return fail(`${key}: ${v}`, at, vlen);
    let problem: string | undefined;
    switch (key) {
      case 'op':
        if (v.kind === 'word' && (OPS as readonly string[]).includes(v.value)) p.op = v.value as ComputeOp;
        else problem = t('op must be one of {0}', OPS.join(', '));
        break;
      case 'stride': {
        const r = pairOf(key, v, 1);
        if (typeof r === 'string') problem = r;
        else p.stride = r;
        break;
      }
      case 'dilation': {
        const r = pairOf(key, v, 1);
        if (typeof r === 'string') problem = r;
        else p.dilation = r;
        break;
      }
      case 'kernel_size': {
        const r = pairOf(key, v, 1);
        if (typeof r === 'string') problem = r;
        else p.kernelSize = r;
        break;
      }
      case 'output_padding': {
        const r = pairOf(key, v, 0);
        if (typeof r === 'string') problem = r;
        else p.outputPadding = r;
        break;
      }
      case 'padding':
        if (v.kind === 'word') {
          if (v.value === 'same' || v.value === 'valid') p.padding = v.value;
          else problem = t("padding must be a number, a pair, four sides (top, bottom, left, right), 'same' or 'valid'");
        } else if (v.kind === 'number') {
          if (v.value < 0) problem = t('padding must be at least 0');
          else p.padding = v.value;
        } else if (v.items.length === 2 || v.items.length === 4) {
          if (v.items.some((x) => x < 0)) problem = t('padding must be at least 0');
          else p.padding = v.items.length === 2 ? [v.items[0], v.items[1]] : [v.items[0], v.items[1], v.items[2], v.items[3]];
        } else problem = t('padding takes 1, 2 or 4 numbers (top, bottom, left, right)');
        break;
      case 'groups':
        if (v.kind === 'number' && v.value >= 1) p.groups = v.value;
        else problem = t('groups must be a whole number of at least 1');
        break;
      case 'padding_mode':
        if (v.kind === 'word' && (MODES as readonly string[]).includes(v.value)) p.paddingMode = v.value as PaddingModeSpec;
        else problem = t('padding_mode must be one of {0}', MODES.join(', '));
        break;
      case 'convolution':
      case 'ceil_mode':
      case 'count_include_pad': {
        const r = boolOf(key, v);
        if (typeof r === 'string') problem = r;
        else if (key === 'convolution') p.convolution = r;
        else if (key === 'ceil_mode') p.ceilMode = r;
        else p.countIncludePad = r;
        break;
      }
    }
    if (problem) return fail(problem, at, vlen);
  }
  // A stride from the base belongs to the base's op: a pool typed over conv defaults strides by its window.
  if (!seen.has('stride') && p.op !== base.op) p.stride = null;
  const whole = (message: string): ParamsResult => fail(message, 0, text.length);
  if (isPool(p.op) && !p.kernelSize) return whole(t('{0} needs kernel_size (for example kernel_size=2)', p.op));
  if (!isPool(p.op) && seen.has('kernel_size')) return whole(t('kernel_size is for pools; {0} takes its size from the kernel tensor', p.op));
  const strideOne = !p.stride || (p.stride[0] === 1 && p.stride[1] === 1);
  if (p.padding === 'same' && !strideOne) return whole(t("padding='same' needs stride=1 (as in PyTorch)"));
  if (p.padding === 'same' && p.op !== 'conv2d') return whole(t("padding='same' is for conv2d only"));
  if (p.op === 'avg_pool2d' && (p.dilation[0] !== 1 || p.dilation[1] !== 1)) return whole(t('avg_pool2d has no dilation (as in PyTorch)'));
  if (p.op !== 'conv2d' && p.convolution) return whole(t('convolution=true (the flipped kernel) is for conv2d only'));
  if (p.op === 'conv_transpose2d' && p.paddingMode !== 'zeros') return whole(t('conv_transpose2d supports padding_mode=zeros only'));
  return { ok: true, params: p };
}

const pairText = (p: Pair): string => (p[0] === p[1] ? String(p[0]) : `(${p[0]}, ${p[1]})`);

/** The line a user would type for `p`, listing only what matters for its op. */
export function formatParams(p: ComputeParams): string {
  const parts: string[] = [`op=${p.op}`];
  if (isPool(p.op) && p.kernelSize) parts.push(`kernel_size=${pairText(p.kernelSize)}`);
  if (p.stride) parts.push(`stride=${pairText(p.stride)}`);
  else if (!isPool(p.op)) parts.push('stride=1');
  const pad = p.padding;
  parts.push(`padding=${typeof pad === 'string' ? `'${pad}'` : typeof pad === 'number' ? pad : pad.length === 2 ? pairText(pad as Pair) : `(${pad.join(', ')})`}`);
  if (p.op !== 'avg_pool2d') parts.push(`dilation=${pairText(p.dilation)}`);
  if (!isPool(p.op)) parts.push(`groups=${p.groups}`);
  if (p.op === 'conv2d') parts.push(`padding_mode=${p.paddingMode}`);
  if (p.op === 'conv_transpose2d') parts.push(`output_padding=${pairText(p.outputPadding)}`);
  if (isPool(p.op)) parts.push(`ceil_mode=${p.ceilMode}`);
  if (p.op === 'avg_pool2d') parts.push(`count_include_pad=${p.countIncludePad}`);
  if (p.op === 'conv2d' && p.convolution) parts.push('convolution=true');
  return parts.join(', ');
}
