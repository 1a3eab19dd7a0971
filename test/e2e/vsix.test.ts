import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeServer, openWorkbench, repoRoot, type Workbench } from './workbench';

/**
 * The package a user installs: `npm run package` makes a small .vsix holding only what runs, code-server
 * installs it (`--install-extension`), and a workbench without the development folder shows the hover.
 */

/** The names in a zip file, read from its central directory. */
function zipEntries(file: string): string[] {
  const zip = readFileSync(file);
  // The end-of-central-directory record: signature 0x06054b50, within the last 64 KiB + 22 bytes.
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65_557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  assert.ok(end >= 0, `${file} is not a zip file`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let n = 0; n < count; n++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, `a broken central directory in ${file}`);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

describe('The packaged extension (e2e)', function () {
  this.timeout(300_000);
  const vsix = join(repoRoot, 'conv-lens.vsix');
  const scratch = mkdtempSync(join(tmpdir(), 'conv-lens-vsix-'));
  const extensionsDir = join(scratch, 'extensions');
  let wb: Workbench | undefined;

  before(function () {
    this.timeout(300_000);
    rmSync(vsix, { force: true });
    const r = spawnSync('npm', ['run', 'package'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });
    // `package` makes a production build in dist/; put the development build back for whatever runs next.
    const dev = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(r.status, 0, `npm run package failed:\n${r.stdout}\n${r.stderr}`);
    assert.equal(dev.status, 0, `the development build after packaging failed:\n${dev.stderr}`);
  });

  after(async () => {
    await wb?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('npm run package makes a .vsix under 1 MB that holds only what runs', () => {
    assert.ok(existsSync(vsix), `${vsix} was not made`);
    const size = statSync(vsix).size;
    assert.ok(size < 1024 * 1024, `conv-lens.vsix is ${(size / 1024).toFixed(0)} KB`);
    const entries = zipEntries(vsix);
    for (const needed of ['extension/package.json', 'extension/dist/extension.js', 'extension/LICENSE.txt', 'extension/media/icon.png']) {
      assert.ok(entries.includes(needed), `${needed} is missing from the package:\n${entries.join('\n')}`);
    }
    // Everything the build puts in dist/ runs (workers, webviews) except the bench and source maps.
    const built = filesUnder(join(repoRoot, 'dist')).filter((f) => !/\.map$|^bench\.js$/.test(f));
    const unpacked = built.filter((f) => !entries.includes(`extension/dist/${f}`));
    assert.deepEqual(unpacked, [], 'built files the extension loads are missing from the package (see .vscodeignore)');
    const stray = entries.filter((e) => /^extension\/(src|test|out|node_modules|scripts|samples|bench|\.cache)\/|\.map$|\.ts$/.test(e));
    assert.deepEqual(stray, [], 'files that do not run are in the package');
  });

  it('installs into code-server with --install-extension', async () => {
    const cs = await codeServer();
    const output = await cs.installExtension(vsix, extensionsDir, { log: () => {} });
    assert.match(output, /successfully installed/i, output);
    const installed = readdirSync(extensionsDir).filter((d) => d.startsWith('conv-lens.conv-lens-'));
    assert.equal(installed.length, 1, `installed folders: ${readdirSync(extensionsDir).join(', ')}`);
    assert.ok(existsSync(join(extensionsDir, installed[0], 'dist', 'extension.js')));
  });

  it('the installed extension shows the hover in a workbench without the development folder', async () => {
    wb = await openWorkbench({ extensionDevelopmentPath: null, extensionsDir });
    await wb.openFile('multi_channels.py');
    assert.doesNotMatch(await wb.windowTitle(), /Extension Development Host/, 'the development folder was loaded');
    const text = await wb.hoverAt('[[[1.0, 2.0', { offset: 3 });
    await wb.screenshot('vsix-hover-multi_channels');
    assert.match(text, /shape \(2, 4, 4\)/, text);
  });
});

/** Paths of the files under `dir`, relative to it, with forward slashes. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? filesUnder(join(dir, d.name), `${prefix}${d.name}/`) : [`${prefix}${d.name}`],
  );
}
