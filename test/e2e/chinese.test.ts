import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeServer, lineOf, openWorkbench, repoRoot, seedsFolder, type Workbench } from './workbench';

/**
 * With VS Code's display language set to Simplified Chinese (`--locale zh-cn`), as many of the
 * extension's users have it: the commands, the pickers, the hover and both panels speak Chinese,
 * from the one bundle in l10n/. VS Code accepts a display language only when a language pack for it
 * is installed; the gallery is out of reach here, so the suite packs and installs a test pack that
 * declares zh-cn and translates nothing (test/e2e/fixtures/zh-cn-language-pack): VS Code's own
 * texts stay English, the extension's follow its zh-cn bundle.
 */
const SEED_000 = join(seedsFolder, '000_1851ee3647675e19.txt');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Simplified Chinese display language (e2e)', function () {
  this.timeout(240_000);
  let wb: Workbench;
  const scratch = mkdtempSync(join(tmpdir(), 'conv-lens-zh-'));

  before(async () => {
    const pack = join(scratch, 'pack');
    cpSync(join(repoRoot, 'test', 'e2e', 'fixtures', 'zh-cn-language-pack'), pack, { recursive: true });
    const vsix = join(scratch, 'zh-cn.vsix');
    const vsce = spawnSync(join(repoRoot, 'node_modules', '.bin', 'vsce'), ['package', '--allow-missing-repository', '--skip-license', '-o', vsix], { cwd: pack, encoding: 'utf8' });
    assert.equal(vsce.status, 0, `vsce could not pack the test language pack:\n${vsce.stdout}\n${vsce.stderr}`);
    const extensionsDir = join(scratch, 'extensions');
    await (await codeServer()).installExtension(vsix, extensionsDir, { log: () => {} });
    // The server picks a display language from the packs listed in the user-data folder's
    // languagepacks.json, which VS Code writes when a pack is installed from the UI, not the CLI.
    const installed = readdirSync(extensionsDir).find((d) => d.startsWith('conv-lens-tests.test-language-pack-zh-cn-'));
    assert.ok(installed, `the test language pack is not installed: ${readdirSync(extensionsDir).join(', ')}`);
    const userDataDir = join(scratch, 'user-data');
    mkdirSync(userDataDir, { recursive: true });
    const languagePacks = {
      'zh-cn': {
        hash: 'conv-lens-test-pack',
        extensions: [{ extensionIdentifier: { id: 'conv-lens-tests.test-language-pack-zh-cn' }, version: '0.0.1' }],
        translations: { vscode: join(extensionsDir, installed, 'translations', 'main.i18n.json') },
        label: '中文(简体)',
      },
    };
    writeFileSync(join(userDataDir, 'languagepacks.json'), JSON.stringify(languagePacks));
    wb = await openWorkbench({ locale: 'zh-cn', extensionsDir, userDataDir, viewport: { width: 1600, height: 1100 } });
  });
  afterEach(async () => {
    await wb.runCommand('View: Close All Editors');
  });
  after(async () => {
    await wb?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('Compute Conv on seed 000: the picker and the result panel are in Chinese, the numbers unchanged', async () => {
    const page = wb.page;
    await wb.openFile(SEED_000);
    const x = lineOf(SEED_000, 'X = torch.tensor(');
    const k = lineOf(SEED_000, 'K = torch.tensor(', x);
    await wb.goToLine(x);
    await page.keyboard.press('Home');
    await page.keyboard.press('Home');
    for (let i = x; i <= k; i++) await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Control+Alt+C');
    const title = page.locator('.quick-input-widget .quick-input-title');
    await title.waitFor({ state: 'visible' });
    assert.equal(await title.textContent(), 'Conv Lens：计算卷积');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: '计算' }).first().click();
    const panel = await wb.webviewFrame(async (f) => (await f.locator('#output pre').textContent({ timeout: 500 }).catch(() => ''))?.includes('56.') ?? false);
    const text = (await panel.locator('#app').innerText()).replace(/\s+/g, ' ');
    for (const s of ['输出 [2, 2]', '逐通道计算', '乘加次数（MACs）', '参数量', 'X：形状 [2, 3, 3]，按 C×H×W 理解（2 个通道，每个 3×3）']) {
      assert.ok(text.includes(s), `"${s}" is not on the panel:\n${text.slice(0, 2000)}`);
    }
    await panel.click('#output td[data-y="0"][data-x="0"]');
    const arithmetic = (await panel.locator('#explain').innerText()).replace(/\s+/g, ' ');
    assert.ok(arithmetic.includes('输入通道 0：0×0 + 1×1 + 3×2 + 4×3 = 19'), arithmetic);
    assert.ok(arithmetic.includes('2 个输入通道求和：19 + 37 = 56'), arithmetic);
    await sleep(300);
    await wb.screenshot('compute-conv-zh-cn');
  });

  it('a channel mismatch is said in Chinese, with both shapes', async () => {
    const file = join(scratch, 'mismatch.py');
    writeFileSync(file, 'X = torch.ones(3, 4, 4)\nK = torch.tensor([[[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]])\n');
    await wb.openFile(file);
    await wb.goToLine(1);
    const page = wb.page;
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Control+Alt+C');
    const toast = page.locator('.notification-toast .notification-list-item-message').first();
    await toast.waitFor({ timeout: 15_000 });
    assert.match((await toast.innerText()).replace(/\s+/g, ' '), /输入有 3 个通道（按 C×H×W 理解，形状 \[3, 4, 4\]），但卷积核有 2 个（按 C_in×kH×kW 理解，形状 \[2, 2, 2\]）/);
    await wb.runCommand('Notifications: Clear All Notifications');
  });

  it('the hover on seed 000\'s X speaks Chinese', async () => {
    await wb.openFile(SEED_000);
    await wb.goToLine(lineOf(SEED_000, 'X = torch.tensor('));
    const hover = await wb.hoverAt('X = torch.tensor');
    assert.ok(hover.includes('形状 (2, 3, 3)'), hover);
  });

  it('the playground opens from its Chinese palette title and speaks Chinese', async () => {
    await wb.runCommand('Conv Lens: 打开演练场') // VS Code (untranslated here) joins category and title;
    const frame = await wb.webviewFrame('Conv Lens 演练场');
    await frame.locator('#app').waitFor();
    const text = (await frame.locator('body').innerText()).replace(/\s+/g, ' ');
    for (const s of ['步幅', '填充', '偏置']) assert.ok(text.includes(s), `"${s}" is not in the playground:\n${text.slice(0, 1500)}`);
    // An input smaller than the kernel: the engine's error, computed in the playground's worker, in Chinese.
    const height = frame.locator('[data-editor="input"] vscode-textfield[data-field="height"] input');
    await height.fill('1');
    await height.press('Tab');
    const error = frame.locator('[data-role="output-error"]');
    await error.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await error.innerText(), /^conv2d: 膨胀后的卷积核 2×2 大于填充后的输入 1×3$/);
    await sleep(500);
    await wb.screenshot('playground-zh-cn');
  });
});
