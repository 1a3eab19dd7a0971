/**
 * A result written back into the document as a comment block, in the comment syntax of the
 * document's language (`# ` in Python, `// ` in C-like languages, `<!-- -->` in Markdown/HTML).
 * Inside a Markdown fence the fence's language decides. Pure: no vscode, no Node.
 */

const LINE_PREFIX: Record<string, string> = {};
for (const id of ['python', 'r', 'julia', 'shellscript', 'yaml', 'toml', 'perl', 'ruby', 'makefile', 'dockerfile', 'powershell', 'coffeescript', 'plaintext', 'properties', 'ini', 'elixir', 'nim', 'cmake', 'jupyter']) {
  LINE_PREFIX[id] = '# ';
}
for (const id of ['javascript', 'typescript', 'javascriptreact', 'typescriptreact', 'c', 'cpp', 'cuda-cpp', 'csharp', 'java', 'go', 'rust', 'swift', 'kotlin', 'scala', 'dart', 'jsonc', 'php', 'groovy', 'objective-c', 'fsharp', 'zig']) {
  LINE_PREFIX[id] = '// ';
}
for (const id of ['lua', 'sql', 'haskell', 'ada', 'elm']) LINE_PREFIX[id] = '-- ';
for (const id of ['matlab', 'latex', 'tex', 'erlang', 'octave', 'prolog']) LINE_PREFIX[id] = '% ';
for (const id of ['bat']) LINE_PREFIX[id] = 'REM ';
for (const id of ['vb']) LINE_PREFIX[id] = "' ";

const BLOCK: Record<string, [string, string]> = {
  markdown: ['<!--', '-->'],
  html: ['<!--', '-->'],
  xml: ['<!--', '-->'],
  css: ['/*', '*/'],
};

/** Fence languages as Markdown writes them, mapped to VS Code language ids. */
const FENCE_ALIASES: Record<string, string> = { py: 'python', python3: 'python', ipython: 'python', js: 'javascript', ts: 'typescript', sh: 'shellscript', bash: 'shellscript', jl: 'julia' };

/**
 * The language of the Markdown fence that holds `line` (0-based), if any: the text of the fence
 * opener's info string, or undefined outside a fence.
 */
export function fenceLanguageAt(lines: readonly string[], line: number): string | undefined {
  let open: { marker: string; lang: string } | undefined;
  for (let i = 0; i <= line && i < lines.length; i++) {
    const m = /^\s{0,3}(`{3,}|~{3,})\s*([\w+-]*)/.exec(lines[i]);
    if (!m) continue;
    if (!open) {
      if (i === line) return undefined; // the opener itself is not inside
      open = { marker: m[1], lang: m[2].toLowerCase() };
    } else if (m[1][0] === open.marker[0] && m[1].length >= open.marker.length && lines[i].trim() === m[1]) {
      if (i === line) return undefined;
      open = undefined;
    }
  }
  if (!open) return undefined;
  return FENCE_ALIASES[open.lang] ?? (open.lang || 'plaintext');
}

/**
 * The comment lines for `text` (one line or many), each starting with `indent`. Languages with only
 * block comments get one block; `--` inside an HTML comment is broken up so the block stays valid.
 */
export function commentLines(text: string, languageId: string, indent = ''): string[] {
  const body = text.replace(/\r\n?/g, '\n').split('\n');
  const prefix = LINE_PREFIX[languageId];
  const block = BLOCK[languageId];
  if (!prefix && block) {
    const [open, close] = block;
    const safe = body.map((l) => (open === '<!--' ? l.replace(/--/g, '- -') : l.replace(/\*\//g, '* /')));
    return [`${indent}${open}`, ...safe.map((l) => `${indent}${l}`), `${indent}${close}`];
  }
  const p = prefix ?? '# ';
  return body.map((l) => `${indent}${p}${l}`.trimEnd());
}

/** The leading whitespace of a line. */
export const indentOf = (line: string): string => /^[ \t]*/.exec(line)![0];
