/**
 * A stand-in until the shared e2e fixture (test/e2e/workbench.ts) lands:
 * just enough to drive the real VS Code (code-server + Chromium) for computeConv.test.ts.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserType, Frame, Page } from 'playwright-core';

interface CodeServerModule {
  startCodeServer(o: { workspace: string; log?: (s: string) => void; settings?: Record<string, unknown> }): Promise<{ port: number; stop(): Promise<void> }>;
  workbenchUrl(o: { port: number; folder: string; extensionDevelopmentPath?: string }): string;
  chromiumPath: string;
  chromiumArgs: string[];
  requireChromium(): string;
}

const root = resolve(__dirname, '../../..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Workbench {
  page: Page;
  openFile(path: string): Promise<void>;
  goToLine(line: number): Promise<void>;
  runCommand(title: string): Promise<void>;
  acceptQuickPick(label: string): Promise<void>;
  contextMenu(label: string): Promise<void>;
  webviewFrame(match: (f: Frame) => Promise<boolean>, timeoutMs?: number): Promise<Frame>;
  screenshot(name: string): Promise<string>;
  notifications(atLeast: number, timeoutMs?: number): Promise<string[]>;
  closeNotifications(): Promise<void>;
  editorLines(): Promise<string[]>;
  waitForEditorLines(lines: string[], timeoutMs?: number): Promise<void>;
  focusEditor(): Promise<void>;
  isDirty(): Promise<boolean>;
  tabTitles(): Promise<string[]>;
  reloadWindow(): Promise<void>;
  close(): Promise<void>;
}

export async function openWorkbench(): Promise<Workbench> {
  // Loaded at run time (not bundled): code-server.mjs reads import.meta, playwright-core its own files.
  const cs = (await import(pathToFileURL(resolve(root, 'scripts/code-server.mjs')).href)) as CodeServerModule;
  const { chromium } = (await import(pathToFileURL(resolve(root, 'node_modules/playwright-core/index.mjs')).href)) as { chromium: BrowserType };
  cs.requireChromium();
  const server = await cs.startCodeServer({ workspace: resolve(root, 'samples'), log: () => {} });
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: cs.chromiumPath, args: cs.chromiumArgs });
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(cs.workbenchUrl({ port: server.port, folder: resolve(root, 'samples'), extensionDevelopmentPath: root }));
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await page.waitForSelector('.statusbar', { timeout: 60_000 });
    await sleep(2000);
    return driver(page, async () => {
      await browser?.close();
      await server.stop();
    });
  } catch (err) {
    await browser?.close();
    await server.stop();
    throw err;
  }
}

function driver(page: Page, close: () => Promise<void>): Workbench {
  const quickInput = page.locator('.quick-input-widget');
  const wb: Workbench = {
    page,
    async openFile(path) {
      await page.keyboard.press('Control+P');
      await quickInput.waitFor({ state: 'visible' });
      await page.keyboard.type(path);
      await page.waitForTimeout(800);
      await page.keyboard.press('Enter');
      const name = path.split('/').pop()!;
      await page.locator(`.tab.active:has-text("${name}")`).waitFor();
      await page.locator('.monaco-editor .view-lines').first().waitFor();
      await sleep(500);
    },
    async goToLine(line) {
      await wb.focusEditor();
      await page.keyboard.press('Control+G');
      await quickInput.waitFor({ state: 'visible' });
      await page.keyboard.type(String(line));
      await page.keyboard.press('Enter');
      await quickInput.waitFor({ state: 'hidden' });
    },
    async runCommand(title) {
      await page.keyboard.press('F1');
      await quickInput.waitFor({ state: 'visible' });
      await page.keyboard.type(title);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
      await page.keyboard.press('Enter');
      await sleep(300);
    },
    async acceptQuickPick(label) {
      await quickInput.waitFor({ state: 'visible' });
      // Typing filters the (virtualised) list, so the row is rendered whatever its position.
      await page.keyboard.type(label);
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
      await row.waitFor();
      await row.click();
      await sleep(300);
    },
    async contextMenu(label) {
      // On the selection of the text editor: the first selected line's highlight.
      const box = await page.locator('.editor-group-container .monaco-editor .selected-text').first().boundingBox();
      if (!box) throw new Error('no selection to right-click');
      await page.mouse.click(box.x + 20, box.y + box.height / 2, { button: 'right' });
      const item = page.locator('.context-view .action-item', { hasText: label }).first();
      await item.waitFor();
      await sleep(300); // the menu settles before it takes a click
      await item.click();
    },
    async webviewFrame(match, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        for (const f of page.frames()) if (await match(f).catch(() => false)) return f;
        await sleep(200);
      }
      throw new Error('no matching webview frame');
    },
    async screenshot(name) {
      const dir = resolve(root, 'test-results/screenshots');
      mkdirSync(dir, { recursive: true });
      const path = resolve(dir, `${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    async notifications(atLeast, timeoutMs = 10_000) {
      const toasts = page.locator('.notification-toast .notification-list-item-message');
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline && (await toasts.count()) < atLeast) await sleep(200);
      await sleep(500); // a second message would show by now
      return toasts.allInnerTexts();
    },
    async closeNotifications() {
      await wb.runCommand('Notifications: Clear All Notifications');
    },
    async editorLines() {
      return page.locator('.monaco-editor .view-lines').first().evaluate((el) =>
        [...el.querySelectorAll('.view-line')]
          .map((l) => ({ top: parseFloat((l as HTMLElement).style.top), text: (l.textContent ?? '').replace(/\u00a0/g, ' ') }))
          .sort((a, b) => a.top - b.top)
          .map((l) => l.text),
      );
    },
    async waitForEditorLines(lines, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      let seen: string[] = [];
      while (Date.now() < deadline) {
        seen = await wb.editorLines();
        if (lines.every((l, i) => seen[i] === l) && (seen.length === lines.length || seen[lines.length] === '')) return;
        await sleep(200);
      }
      throw new Error(`editor lines:\n${seen.join('\n')}\nexpected:\n${lines.join('\n')}`);
    },
    async focusEditor() {
      // The text editor is in the first group; a result panel opens beside it.
      await wb.runCommand('View: Focus First Editor Group');
    },
    async isDirty() {
      return (await page.locator('.tab.active.dirty').count()) > 0;
    },
    async tabTitles() {
      return page.$$eval('.tabs-container .tab', (tabs) => tabs.map((t) => (t.getAttribute('aria-label') ?? t.textContent ?? '').split(',')[0].trim()));
    },
    async reloadWindow() {
      await wb.runCommand('Developer: Reload Window');
      await sleep(2000);
      await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
      await page.waitForSelector('.statusbar', { timeout: 60_000 });
      await sleep(2000);
    },
    close,
  };
  return wb;
}
