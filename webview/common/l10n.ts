/**
 * The page's strings, translated with `@vscode/l10n` from the bundle the extension passes in
 * `<body data-l10n>` (its `vscode.l10n.bundle`: absent in English, then the English key is the text).
 * English text is the key, `{0}` an argument, as with `vscode.l10n.t` in the extension.
 */
import * as l10n from '@vscode/l10n';

// No document in a worker or a unit test: English there.
const bundle = typeof document === 'undefined' ? undefined : document.body?.dataset.l10n;
if (bundle) {
  try {
    l10n.config({ contents: bundle });
  } catch {
    // A damaged bundle leaves the page in English rather than blank.
  }
}

export const t = l10n.t;
