import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { zhCn } from '../../webview/playground/l10n.zh-cn';

/** Every string the playground page passes to t(…), and the preset labels it translates. */
function keys(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts') && !name.startsWith('l10n')) files.push(p);
    }
  };
  walk('webview/playground');
  const found = new Set<string>();
  for (const f of files) {
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(/\bt\(\s*(['"])((?:(?!\1)[^\\]|\\.)*)\1/g)) found.add(m[2].replace(/\\'/g, "'"));
    if (f.endsWith('presets.ts')) for (const m of src.matchAll(/label: (['"])((?:(?!\1)[^\\]|\\.)*)\1/g)) found.add(m[2]);
  }
  return [...found];
}

const placeholders = (s: string) => [...s.matchAll(/\{(\d+)\}/g)].map((m) => m[1]).sort().join(',');

describe('playground/l10n: Simplified Chinese', () => {
  const all = keys();
  it('finds the page\'s strings (sanity: more than 150)', () => {
    assert.ok(all.length > 150, `only ${all.length} strings found`);
  });
  it('every string has a translation with the same placeholders', () => {
    const missing = all.filter((k) => !(k in zhCn));
    assert.deepEqual(missing, []);
    const mismatched = all.filter((k) => placeholders(k) !== placeholders(zhCn[k]));
    assert.deepEqual(mismatched, []);
  });
  it('the extension\'s bundle and the manifest strings have Chinese too', () => {
    const bundle = JSON.parse(readFileSync('l10n/bundle.l10n.zh-cn.json', 'utf8')) as Record<string, string>;
    const feature = readFileSync('src/features/playground.ts', 'utf8');
    for (const m of feature.matchAll(/l10n\.t\(\s*'((?:[^'\\]|\\.)*)'/g)) assert.ok(m[1] in bundle, `missing in the l10n bundle: ${m[1]}`);
    const nls = JSON.parse(readFileSync('package.nls.zh-cn.json', 'utf8')) as Record<string, string>;
    assert.ok(nls['convLens.openPlayground.title']);
  });
});
