/**
 * A tensor as PyTorch prints it (the text comes from the engine's `formatTensor`), in a labelled,
 * focusable block so keyboard and screen-reader users can reach and read it.
 */
import { el } from './dom';

export function createTensorText(text: string, label: string): HTMLPreElement {
  return el('pre', { class: 'tensor-text', tabindex: 0, role: 'region', 'aria-label': label }, text);
}
