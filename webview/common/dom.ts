/**
 * DOM builders for the webviews. Workspace text only reaches the page through text nodes and
 * attributes set one by one, never as HTML.
 */

export type Child = Node | string | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | null | undefined>;

/** `el('button', {class: 'x', 'aria-label': 'Copy'}, 'text', child)`; `true` sets an empty attribute. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K];
export function el(tag: string, attrs?: Attrs | null, ...children: Child[]): HTMLElement;
export function el(tag: string, attrs?: Attrs | null, ...children: Child[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return e;
}

/** A number as a person writes it: integers plain, others to 4 significant digits. */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Object.is(v, -0)) return '0';
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e9) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

let liveRegion: HTMLElement | undefined;

/** Says `text` to a screen reader through one polite live region. */
export function announce(text: string): void {
  if (!liveRegion) {
    liveRegion = el('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
    document.body.append(liveRegion);
  }
  // Cleared first, so the same text twice is read twice.
  const region = liveRegion;
  region.textContent = '';
  requestAnimationFrame(() => (region.textContent = text));
}

/** A theme colour (`--vscode-…`) as [r, g, b] for canvas drawing; `fallback` if it is not set. */
export function themeRgb(variable: string, fallback: [number, number, number]): [number, number, number] {
  const probe = el('span');
  probe.style.color = `var(${variable})`;
  probe.style.display = 'none';
  document.body.append(probe);
  const raw = getComputedStyle(probe).color;
  probe.remove();
  const parts = /rgba?\(([^)]+)\)/.exec(raw)?.[1]?.split(/[ ,/]+/).map(Number);
  return parts && parts.length >= 3 && parts.every((p) => Number.isFinite(p)) ? [parts[0], parts[1], parts[2]] : fallback;
}
