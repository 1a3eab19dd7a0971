/**
 * The page's strings follow VS Code's display language, which the extension writes into
 * `<body data-lang>`. English text is the key (as in `vscode.l10n.t`); `{0}` marks an argument.
 * A unit test checks that every `t('…')` in webview/playground has a Simplified Chinese entry.
 */
import { zhCn } from './l10n.zh-cn';

const lang = (document.body.dataset.lang ?? 'en').toLowerCase();
const catalogue: Record<string, string> | null = lang === 'zh-cn' || lang === 'zh-hans' || lang === 'zh' ? zhCn : null;

export function t(text: string, ...args: Array<string | number>): string {
  const s = catalogue?.[text] ?? text;
  return s.replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m));
}

export const isChinese = catalogue !== null;
