/**
 * The page's strings, translated with `@vscode/l10n` from the bundle the extension passes in
 * `<body data-l10n>` (its `vscode.l10n.bundle`: absent in English, then the English key is the text).
 * English text is the key, `{0}` an argument, as with `vscode.l10n.t` in the extension.
 */
import * as l10n from '@vscode/l10n';

/** Loads a bundle's text; a damaged one leaves the strings in English rather than the page blank. */
export function useBundle(text: string | undefined): void {
  if (!text) return;
  try {
    l10n.config({ contents: text });
  } catch {
    // English it is.
  }
}

/** The page's bundle as the extension gave it (a worker gets it from the page: it has no document). */
export const pageBundle = typeof document === 'undefined' ? undefined : document.body?.dataset.l10n;
useBundle(pageBundle);

export const t = l10n.t;
