/**
 * The e2e fixture: a real VS Code workbench (code-server + Debian's Chromium through playwright-core)
 * with Conv Lens loaded, and the few gestures tests need: open a file, rest the mouse on a token and
 * read the hover, run a command from the palette, reach a webview's document, take a screenshot.
 *
 *   const wb = await sharedWorkbench();            // one per run, extension under development
 *   await wb.openFile('multi_channels.py');
 *   const text = await wb.hoverAt('[[[1.0');        // or { line: 11, column: 19 }
 *
 * `openWorkbench(options)` starts a separate one (another folder, an installed .vsix, settings);
 * close it in an `after` hook. Every workbench still open when the run ends is closed here, by the
 * process ids it started (test/harness/e2e.mjs also does so on Ctrl+C).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';

/** The repository: the folder above out/ (this file runs bundled as out/test/e2e/*.test.js). */
function findRepoRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'scripts', 'code-server.mjs'))) return dir;
  }
  throw new Error(`no repository with scripts/code-server.mjs above ${__dirname}`);
}
export const repoRoot = findRepoRoot();
export const samplesFolder = join(repoRoot, 'samples');
/** The shared seed notes, beside the checkout (read-only). */
export const seedsFolder = join(repoRoot, '..', 'shared', 'samples', 'seeds');

/** 1-based line and column of the first `text` in `file` at or after line `from`, plus `delta` columns. */
export function findInFile(file: string, text: string, from = 1, delta = 0): { line: number; column: number } {
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = from - 1; i < lines.length; i++) {
    const c = lines[i].indexOf(text);
    if (c >= 0) return { line: i + 1, column: c + 1 + delta };
  }
  throw new Error(`"${text}" is not in ${file}`);
}

/** The 1-based line of the first line of `file` containing `text` (from line `from` on). */
export const lineOf = (file: string, text: string, from = 1): number => findInFile(file, text, from).line;

/** What this fixture uses of scripts/code-server.mjs (loaded at run time: it is an ES module). */
interface CodeServerModule {
  startCodeServer(o: {
    workspace: string;
    extensionsDir?: string;
    userDataDir?: string;
    settings?: Record<string, unknown>;
    env?: Record<string, string>;
    locale?: string;
    log?: (s: string) => void;
  }): Promise<{ port: number; url: string; pid: number; logTail(): string; stop(): Promise<void> }>;
  workbenchUrl(o: { port: number; folder: string; extensionDevelopmentPath?: string }): string;
  installExtension(vsix: string, extensionsDir: string, o?: { log?: (s: string) => void }): Promise<string>;
  requireChromium(): string;
  chromiumArgs: string[];
}
let codeServerModule: Promise<CodeServerModule> | undefined;
export function codeServer(): Promise<CodeServerModule> {
  codeServerModule ??= import(pathToFileURL(join(repoRoot, 'scripts', 'code-server.mjs')).href) as Promise<CodeServerModule>;
  return codeServerModule;
}

export interface WorkbenchOptions {
  /** The folder the workbench opens (default: the repo's samples/). */
  folder?: string;
  /** Load the extension from this folder as under development (default: the repo); `null`: don't. */
  extensionDevelopmentPath?: string | null;
  /** code-server's extensions folder (for example one a .vsix was installed into). */
  extensionsDir?: string;
  /** User settings on top of the quiet defaults. */
  settings?: Record<string, unknown>;
  viewport?: { width: number; height: number };
  /** VS Code's display language (`--locale`), e.g. `zh-cn` (it needs a language pack for it in `extensionsDir`). */
  locale?: string;
  /** code-server's user-data folder (default: a temporary one). */
  userDataDir?: string;
}

/** Where the mouse rests: the first occurrence of a text in the visible editor lines, or a 1-based line and column. */
export type HoverTarget = string | { line: number; column: number };

export interface Workbench {
  readonly page: Page;
  readonly url: string;
  /** The code-server process (its own process group). */
  readonly serverPid: number;
  /** Quick Open (Ctrl+P), type the name, Enter; resolves when its editor shows. */
  openFile(name: string): Promise<void>;
  /** Moves the cursor to a 1-based line (and column) with Go to Line (Ctrl+G). */
  goToLine(line: number, column?: number): Promise<void>;
  /** Rests the mouse on the target and returns the hover widget's text. */
  hoverAt(target: HoverTarget, options?: { timeoutMs?: number; offset?: number }): Promise<string>;
  /** Runs a command by its palette title (F1, type, pick). */
  runCommand(title: string): Promise<void>;
  /** The document of a webview whose <title> contains `title` (or that `match` accepts). */
  webviewFrame(title: string | ((frame: Frame) => Promise<boolean>), timeoutMs?: number): Promise<Frame>;
  /** Saves test-results/screenshots/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  /** The visible lines of the active editor, top to bottom. */
  editorLines(): Promise<string[]>;
  /** The window's title (the browser tab's). */
  windowTitle(): Promise<string>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Workbenches are shared through globalThis: every test file bundles its own copy of this module. */
interface Registry {
  shared?: Promise<Workbench>;
  open: Set<Workbench>;
  /** Set by the first copy that registers the root hooks, so they run once, not once per copy. */
  hooked?: boolean;
}
const REGISTRY = Symbol.for('conv-lens.e2e.workbenches');
const registry: Registry = ((globalThis as Record<symbol, unknown>)[REGISTRY] as Registry | undefined) ??
  ((globalThis as Record<symbol, unknown>)[REGISTRY] = { open: new Set() } as Registry);

/** The run's workbench with the extension under development on samples/, started on first use. */
export function sharedWorkbench(): Promise<Workbench> {
  registry.shared ??= openWorkbench().catch((err) => {
    registry.shared = undefined;
    throw err;
  });
  return registry.shared;
}

/** Closes every workbench still open (the harness and the root `after` hook call it). */
export async function closeAllWorkbenches(): Promise<void> {
  registry.shared = undefined;
  await Promise.all([...registry.open].map((wb) => wb.close()));
}

// Mocha's root hooks. After a failed test: what each open workbench showed, for the report.
// After the run: whatever runs these tests, nothing outlives it.
if (!registry.hooked && typeof afterEach === 'function' && typeof after === 'function') {
  registry.hooked = true;
  afterEach(async function () {
    const test = this.currentTest;
    if (test?.state !== 'failed') return;
    const name = `failed-${test.fullTitle().replace(/[^\w.-]+/g, '_').slice(0, 100)}`;
    let n = 0;
    for (const wb of registry.open) {
      const path = await wb.screenshot(n++ ? `${name}-${n}` : name).catch(() => undefined);
      if (path) console.log(`      screenshot of the failure: ${path}`);
    }
  });
  after(closeAllWorkbenches);
}

export async function openWorkbench(options: WorkbenchOptions = {}): Promise<Workbench> {
  const cs = await codeServer();
  const chromiumPath = cs.requireChromium(); // a missing browser fails here, saying how to install it
  const folder = options.folder ?? samplesFolder;
  const devPath = options.extensionDevelopmentPath === undefined ? repoRoot : options.extensionDevelopmentPath;
  const server = await cs.startCodeServer({
    workspace: folder,
    extensionsDir: options.extensionsDir,
    locale: options.locale,
    userDataDir: options.userDataDir,
    // A short hover delay keeps hover tests quick; nothing else differs from a user's defaults.
    settings: { 'editor.hover.delay': 150, ...options.settings },
    log: () => {},
  });
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: chromiumPath, args: cs.chromiumArgs, handleSIGINT: false, handleSIGTERM: false });
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    const url = cs.workbenchUrl({ port: server.port, folder, ...(devPath ? { extensionDevelopmentPath: devPath } : {}) });
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.statusbar').waitFor({ timeout: 60_000 });
    // The explorer shows the folder once the remote connection is up.
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    const wb = driver(page, url, server.pid, async () => {
      registry.open.delete(wb);
      await Promise.race([browser?.close(), sleep(10_000)]);
      await server.stop();
    });
    registry.open.add(wb);
    return wb;
  } catch (err) {
    await Promise.race([browser?.close(), sleep(10_000)]);
    const log = server.logTail();
    await server.stop();
    throw new Error(`the workbench did not open: ${err instanceof Error ? err.message : String(err)}\ncode-server log:\n${log}`);
  }
}

function driver(page: Page, url: string, serverPid: number, stop: () => Promise<void>): Workbench {
  const quickInput = page.locator('.quick-input-widget');
  let closing: Promise<void> | undefined;

  /** The point at the middle of the `offset`-th character of the first visible occurrence of `text`. */
  async function pointOfText(text: string, offset: number): Promise<{ x: number; y: number }> {
    const found = await page.evaluate(
      ({ text, offset }) => {
        const norm = (s: string) => s.replace(/\u00a0/g, ' ');
        const seen: string[] = [];
        for (const line of document.querySelectorAll('.monaco-editor .view-lines .view-line')) {
          const lineText = norm(line.textContent ?? '');
          seen.push(lineText);
          const at = lineText.indexOf(text);
          if (at < 0) continue;
          // Walk the text nodes to the character at `at + offset` (tokens are separate spans).
          let wanted = at + offset;
          const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const length = node.textContent?.length ?? 0;
            if (wanted < length) {
              const range = document.createRange();
              range.setStart(node, wanted);
              range.setEnd(node, wanted + 1);
              const r = range.getBoundingClientRect();
              return { point: { x: r.left + r.width / 2, y: r.top + r.height / 2 }, seen };
            }
            wanted -= length;
          }
        }
        return { point: undefined, seen };
      },
      { text, offset },
    );
    if (!found.point) throw new Error(`"${text}" is not in the visible editor lines:\n${found.seen.join('\n')}`);
    return found.point;
  }

  async function pointOfPosition(line: number, column: number): Promise<{ x: number; y: number }> {
    await wb.goToLine(line, column);
    const cursor = page.locator('.monaco-editor.focused .cursors-layer .cursor').first();
    await cursor.waitFor({ state: 'attached' });
    const box = await cursor.boundingBox();
    if (!box) throw new Error(`no cursor at ${line}:${column}`);
    // The cursor stands before the character; its glyph is about 7 px wide in the default font.
    return { x: box.x + 3.5, y: box.y + box.height / 2 };
  }

  const hover = page.locator('.monaco-editor .monaco-hover:not(.hidden)').first();

  const wb: Workbench = {
    page,
    url,
    serverPid,
    async openFile(name) {
      const base = name.split('/').pop() ?? name;
      const activeTab = page.locator('.tab.active', { hasText: base });
      // Quick Open's list refreshes as file search answers; an Enter during a refresh can be lost,
      // so a try that opens nothing is made again.
      for (let attempt = 1; ; attempt++) {
        await page.keyboard.press('Escape'); // no hover, menu or picker in the way
        await page.keyboard.press('Control+P');
        await quickInput.waitFor({ state: 'visible' });
        await page.keyboard.type(name);
        await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: base }).first().waitFor({ timeout: 15_000 });
        await page.keyboard.press('Enter');
        try {
          await activeTab.waitFor({ timeout: attempt < 3 ? 5_000 : 15_000 });
          break;
        } catch (err) {
          if (attempt >= 3) throw new Error(`Quick Open did not open ${name} in 3 tries: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().waitFor({ timeout: 15_000 });
      await quickInput.waitFor({ state: 'hidden' });
    },
    async goToLine(line, column) {
      await page.keyboard.press('Control+G');
      await quickInput.waitFor({ state: 'visible' });
      await page.keyboard.type(column === undefined ? String(line) : `${line}:${column}`);
      await page.keyboard.press('Enter');
      await quickInput.waitFor({ state: 'hidden' });
    },
    async hoverAt(target, { timeoutMs = 20_000, offset } = {}) {
      const deadline = Date.now() + timeoutMs;
      let last = '';
      // The extension may still be activating when the first hover is asked for: retry until it answers.
      while (Date.now() < deadline) {
        await page.mouse.move(1, 1);
        await page.keyboard.press('Escape');
        const point =
          typeof target === 'string'
            ? await pointOfText(target, offset ?? Math.floor(target.length / 2))
            : await pointOfPosition(target.line, target.column);
        // Arrive in small steps, as a hand does: the editor hovers where the mouse stops.
        await page.mouse.move(point.x - 12, point.y, { steps: 1 });
        await page.mouse.move(point.x, point.y, { steps: 4 });
        try {
          await hover.waitFor({ state: 'visible', timeout: 3000 });
          // Providers answer one by one: read until the text stops changing.
          let text = '';
          for (let i = 0; i < 20; i++) {
            const now = (await hover.innerText()).replace(/\u00a0/g, ' ').trim(); // as read: no-break spaces are spaces
            if (now && now === text && !/^Loading/.test(now)) return now;
            text = now;
            await sleep(150);
          }
          last = text;
        } catch {
          // no hover yet
        }
      }
      throw new Error(`no hover at ${JSON.stringify(target)} within ${timeoutMs} ms${last ? ` (last seen: ${last})` : ''}`);
    },
    async runCommand(title) {
      await page.keyboard.press('F1');
      await quickInput.waitFor({ state: 'visible' });
      await page.keyboard.type(title);
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
      await row.waitFor({ timeout: 15_000 });
      await row.click();
      await quickInput.waitFor({ state: 'hidden' }).catch(() => {
        // the command opened a quick pick of its own
      });
    },
    async webviewFrame(title, timeoutMs = 30_000) {
      const match = typeof title === 'string' ? async (f: Frame) => (await f.title()).includes(title) : title;
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        // A webview is an iframe inside an iframe; its document is the inner one.
        for (const frame of page.frames()) {
          if (frame === page.mainFrame()) continue;
          if (await match(frame).catch(() => false)) return frame;
        }
        await sleep(200);
      }
      throw new Error(`no webview ${typeof title === 'string' ? `titled "${title}"` : 'matching'} within ${timeoutMs} ms`);
    },
    async screenshot(name) {
      const dir = resolve(repoRoot, 'test-results', 'screenshots');
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    async editorLines() {
      return page.locator('.editor-group-container.active .monaco-editor .view-lines').first().evaluate((el) =>
        [...el.querySelectorAll('.view-line')]
          .map((l) => ({ top: parseFloat((l as HTMLElement).style.top), text: (l.textContent ?? '').replace(/\u00a0/g, ' ') }))
          .sort((a, b) => a.top - b.top)
          .map((l) => l.text),
      );
    },
    async windowTitle() {
      return page.title();
    },
    close() {
      closing ??= stop();
      return closing;
    },
  };
  return wb;
}
