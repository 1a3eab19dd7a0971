/**
 * Tiny DOM builders. Workspace text only ever reaches the page through `textContent` and attribute
 * values set as properties, never as HTML.
 */

type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined>;

/** `h('button', {class: 'x', 'aria-label': 'Add'}, 'text', child)`. `true` sets an empty attribute. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K];
export function h(tag: string, attrs?: Attrs | null, ...children: Child[]): HTMLElement;
export function h(tag: string, attrs?: Attrs | null, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, ...children);
  return el;
}

export function append(el: Element, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

/** Replaces an element's children. */
export function setChildren(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, ...children);
}

/** Numbers as a person writes them: integers plain, others to 4 significant digits, no float noise. */
export function fmt(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Object.is(v, -0)) return '0';
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e9)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

/** A screen-reader announcement region (polite), shared by the whole page. */
let live: HTMLElement | undefined;
export function announce(text: string): void {
  if (!live) {
    live = h('div', { class: 'sr-only', 'aria-live': 'polite', role: 'status' });
    document.body.append(live);
  }
  // Clearing first makes a repeated message be read again.
  live.textContent = '';
  const region = live;
  requestAnimationFrame(() => (region.textContent = text));
}

/** Reads a theme colour (`--vscode-…`) as [r, g, b], for drawing on canvases. */
export function themeRgb(variable: string, fallback: [number, number, number]): [number, number, number] {
  const raw = getComputedStyle(document.body).getPropertyValue(variable).trim();
  const hex = /^#([0-9a-f]{3,8})$/i.exec(raw)?.[1];
  if (hex) {
    const full = hex.length <= 4 ? [...hex].map((c) => c + c).join('') : hex;
    return [parseInt(full.slice(0, 2), 16), parseInt(full.slice(2, 4), 16), parseInt(full.slice(4, 6), 16)];
  }
  const rgb = /rgba?\(([^)]+)\)/.exec(raw)?.[1]?.split(',').map((s) => parseFloat(s));
  return rgb && rgb.length >= 3 ? [rgb[0], rgb[1], rgb[2]] : fallback;
}
