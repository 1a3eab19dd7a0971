// code-server: a real VS Code (1.100.3, server + web workbench) that runs on machines with no
// internet. This module installs it offline into a cache folder and starts it for the tests and
// for `npm start`. Run as a script it installs (or checks) the cache and prints where it is:
//   node scripts/code-server.mjs            install if needed, then check native modules load
//   node scripts/code-server.mjs --check    only check an existing install (exit 1 if absent)
// How and why the install is done this way: ../shared/notes/real-vscode-offline.md.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync, mkdirSync, readFileSync, writeFileSync, rmSync, renameSync, symlinkSync, lstatSync,
  readlinkSync, cpSync, mkdtempSync, realpathSync, openSync, closeSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const CODE_SERVER_VERSION = '4.100.3';
const FOLDER = `code-server-${CODE_SERVER_VERSION}`;
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Native modules of VS Code's server; kerberos only serves proxy authentication, so it may fail. */
const NATIVE = ['@parcel/watcher', '@vscode/deviceid', '@vscode/spdlog', 'native-watchdog', 'node-pty', 'kerberos'];
const OPTIONAL_NATIVE = new Set(['kerberos']);

/** What an install was built for: a change of Node ABI means the native modules must be rebuilt. */
const stampContent = () => JSON.stringify({ version: CODE_SERVER_VERSION, node: process.versions.modules, arch: process.arch }) + '\n';

/** The repo's own cache folder (git-ignored) and the machine-level copy shared by clones. */
export function installPaths() {
  const repoDir = join(repoRoot, '.cache', FOLDER);
  const setting = process.env.CONV_LENS_CACHE;
  const machineRoot = setting === undefined ? join(homedir(), '.cache', 'conv-lens') : setting;
  const machineDir = machineRoot && machineRoot !== 'off' ? join(resolve(machineRoot), FOLDER) : undefined;
  return { repoDir, machineDir };
}

const isComplete = (dir) => {
  try {
    return readFileSync(join(dir, '.complete'), 'utf8') === stampContent();
  } catch {
    return false;
  }
};

/** The entry script of an install folder. */
export const entryOf = (dir) => join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

function run(cmd, args, cwd, log) {
  log(`  $ ${[cmd, ...args].join(' ')}   (in ${cwd})`);
  const r = spawnSync(cmd, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    // nodedir: build native modules against the installed Node headers instead of downloading them.
    env: { ...process.env, npm_config_nodedir: '/usr', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
  });
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd} (exit ${r.status ?? r.signal}):\n${tail}`);
  }
  return r.stdout;
}

function npmNodeGyp() {
  const npmRoot = dirname(dirname(realpathSync(spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim())));
  const gyp = join(npmRoot, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (!existsSync(gyp)) throw new Error(`npm's node-gyp was not found at ${gyp}`);
  return gyp;
}

/** The install itself, into `dir` (which must not exist yet). */
function installInto(dir, log) {
  const t0 = Date.now();
  const step = (what) => log(`[code-server] ${what} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  mkdirSync(dir, { recursive: true });
  // A package.json of its own, or npm would climb up to the repo's and install there.
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'code-server-cache', private: true }) + '\n');
  step(`npm install code-server@${CODE_SERVER_VERSION} (scripts off)`);
  run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', `code-server@${CODE_SERVER_VERSION}`], dir, log);
  const cs = join(dir, 'node_modules', 'code-server');
  const vscodeDir = join(cs, 'lib', 'vscode');
  step('npm install in lib/vscode (scripts off: @vscode/ripgrep would download from GitHub)');
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], vscodeDir, log);
  const gyp = npmNodeGyp();
  for (const m of NATIVE) {
    step(`build native module ${m}`);
    try {
      run(process.execPath, [gyp, 'rebuild', '--nodedir=/usr', '--jobs=2'], join(vscodeDir, 'node_modules', m), log);
    } catch (err) {
      if (!OPTIONAL_NATIVE.has(m)) throw err;
      log(`[code-server] warning: optional module ${m} did not build (proxy Kerberos auth only): ${String(err.message).split('\n')[0]}`);
    }
  }
  step('ripgrep: link Debian\'s /usr/bin/rg');
  const rgBin = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgBin, { recursive: true });
  rmSync(join(rgBin, 'rg'), { force: true });
  symlinkSync('/usr/bin/rg', join(rgBin, 'rg'));
  // The server looks for node_modules.asar; a link to the plain folder serves.
  rmSync(join(vscodeDir, 'node_modules.asar'), { force: true, recursive: true });
  symlinkSync('node_modules', join(vscodeDir, 'node_modules.asar'));
  step('npm install in lib/vscode/extensions (built-in extensions)');
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], join(vscodeDir, 'extensions'), log);
  step('build argon2 (code-server loads it at start, even with --auth none)');
  const argon2 = join(dir, 'node_modules', 'argon2');
  run(process.execPath, [join(dir, 'node_modules', '@mapbox', 'node-pre-gyp', 'bin', 'node-pre-gyp'), 'rebuild', '--build-from-source', '--nodedir=/usr'], argon2, log);
  step('check that the native modules load');
  checkInstall(dir, log);
  writeFileSync(join(dir, '.complete'), stampContent());
  step('done');
}

/**
 * Loads every native module in a child Node (as the server would) and checks ripgrep.
 * Throws when a required one fails; an optional one only warns.
 */
export function checkInstall(dir, log = console.log) {
  const vscodeDir = join(dir, 'node_modules', 'code-server', 'lib', 'vscode');
  const probe = `
    const results = {};
    for (const m of ${JSON.stringify(NATIVE)}) {
      try { require(require.resolve(m, { paths: [${JSON.stringify(vscodeDir)}] })); results[m] = 'ok'; }
      catch (e) { results[m] = String(e.message).split('\\n')[0]; }
    }
    try { require(require.resolve('argon2', { paths: [${JSON.stringify(dir)}] })); results.argon2 = 'ok'; }
    catch (e) { results.argon2 = String(e.message).split('\\n')[0]; }
    console.log(JSON.stringify(results));`;
  const r = spawnSync(process.execPath, ['-e', probe], { cwd: vscodeDir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`native module probe crashed (exit ${r.status ?? r.signal}): ${r.stderr}`);
  const results = JSON.parse(r.stdout.trim().split('\n').pop());
  const broken = [];
  for (const [m, result] of Object.entries(results)) {
    if (result === 'ok') continue;
    if (OPTIONAL_NATIVE.has(m)) log(`[code-server] warning: optional native module ${m} does not load: ${result}`);
    else broken.push(`${m}: ${result}`);
  }
  const rg = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg');
  if (spawnSync(rg, ['--version'], { encoding: 'utf8' }).status !== 0) broken.push(`ripgrep (${rg}): does not run; apt-get install ripgrep`);
  if (broken.length) throw new Error(`code-server install at ${dir} is broken:\n  ${broken.join('\n  ')}`);
  log(`[code-server] native modules load: ${Object.entries(results).filter(([, v]) => v === 'ok').map(([k]) => k).join(', ')}`);
}

/** Holds a directory lock (atomic mkdir) while `fn` runs, so parallel runs don't install twice. */
async function withLock(lockDir, log, fn) {
  mkdirSync(dirname(lockDir), { recursive: true });
  for (let waited = 0; ; waited += 1) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let owner = NaN;
      try { owner = Number(readFileSync(join(lockDir, 'pid'), 'utf8')); } catch { /* being written */ }
      let alive = true;
      if (Number.isInteger(owner)) {
        try { process.kill(owner, 0); } catch (e) { alive = e.code === 'EPERM'; }
      }
      if (!alive) {
        log(`[code-server] removing a stale install lock left by process ${owner}`);
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (waited % 15 === 0) log(`[code-server] waiting for another install (process ${owner}) to finish…`);
      await sleep(2000);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/**
 * Makes sure a complete code-server install is in the repo's `.cache/code-server-<version>` and
 * returns its folder. Reuses the machine-level copy when there is one (a symlink to it); otherwise
 * installs into the repo's cache and then copies it to the machine level for the next clone.
 */
export async function ensureCodeServer({ log = console.log } = {}) {
  const { repoDir, machineDir } = installPaths();
  if (isComplete(repoDir)) return repoDir;
  return withLock(`${repoDir}.lock`, log, async () => {
    if (isComplete(repoDir)) return repoDir;
    const started = Date.now();
    // A half-made or stale folder (or a link to one) goes.
    if (existsSync(repoDir) || isLink(repoDir)) {
      log(`[code-server] ${repoDir} is incomplete or was built for another Node: removing it`);
      rmSync(repoDir, { recursive: true, force: true });
    }
    if (machineDir && isComplete(machineDir)) {
      checkInstall(machineDir, log);
      mkdirSync(dirname(repoDir), { recursive: true });
      symlinkSync(machineDir, repoDir);
      log(`[code-server] reusing the machine-level copy: ${repoDir} -> ${machineDir}`);
      return repoDir;
    }
    log(`[code-server] installing code-server@${CODE_SERVER_VERSION} offline into ${repoDir} (a few minutes, once)`);
    const partial = `${repoDir}.partial`;
    rmSync(partial, { recursive: true, force: true });
    installInto(partial, log);
    renameSync(partial, repoDir);
    log(`[code-server] installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    if (machineDir) {
      try {
        const copyStarted = Date.now();
        const tmp = `${machineDir}.partial-${process.pid}`;
        rmSync(tmp, { recursive: true, force: true });
        mkdirSync(dirname(machineDir), { recursive: true });
        cpSync(repoDir, tmp, { recursive: true, verbatimSymlinks: true });
        rmSync(machineDir, { recursive: true, force: true });
        renameSync(tmp, machineDir);
        log(`[code-server] kept a machine-level copy for other clones: ${machineDir} (${((Date.now() - copyStarted) / 1000).toFixed(0)} s)`);
      } catch (err) {
        log(`[code-server] warning: could not keep a machine-level copy in ${machineDir}: ${err.message}`);
      }
    }
    return repoDir;
  });
}

function isLink(path) {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** A free loopback port: bind port 0, read what the kernel chose, release it. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** User settings that keep the workbench quiet and offline: no gallery, updates or telemetry. */
export const quietSettings = {
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'workbench.enableExperiments': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
  'npm.fetchOnlinePackageInfo': false,
};

/**
 * Starts code-server on 127.0.0.1 (a free port unless `port` is given) with its own user-data and
 * extensions folders, and waits until it answers. `stop()` ends the process group it started;
 * `exit` resolves when the server ends, however it ends.
 * Folders not given are made in a temporary folder that `stop()` removes.
 * @param {{workspace: string, env?: Record<string,string>, port?: number, userDataDir?: string,
 *          extensionsDir?: string, settings?: Record<string, unknown>, locale?: string, log?: (s: string) => void}} options
 */
export async function startCodeServer({ workspace, env = {}, port, userDataDir, extensionsDir, settings = {}, locale, log = console.log }) {
  const dir = await ensureCodeServer({ log });
  port ??= await freePort();
  const home = mkdtempSync(join(tmpdir(), 'conv-lens-code-server-'));
  userDataDir ??= join(home, 'user-data');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  // A user-data folder kept between runs (npm start) keeps the settings its user made.
  const settingsFile = join(userDataDir, 'User', 'settings.json');
  if (!existsSync(settingsFile)) writeFileSync(settingsFile, JSON.stringify({ ...quietSettings, ...settings }, null, 2));
  extensionsDir ??= join(home, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  const logFile = join(home, 'code-server.log');
  const out = openSync(logFile, 'a');
  const args = [
    entryOf(dir), '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    // Its own config file: otherwise code-server writes one (with a password) in ~/.config.
    '--config', join(home, 'config.yaml'),
    // The display language (vscode.env.language), e.g. zh-cn: the extension's own bundle then applies.
    ...(locale ? ['--locale', locale] : []),
    workspace,
  ];
  // detached: its own process group, so stop() can end the server and every child it spawned.
  const child = spawn(process.execPath, args, {
    cwd: workspace, detached: true, stdio: ['ignore', out, out],
    // An empty gallery service: nothing tries to reach open-vsx.org.
    env: { ...process.env, EXTENSIONS_GALLERY: '{}', ...env },
  });
  closeSync(out);
  let exited = null;
  const exit = new Promise((resolveExit) => child.on('exit', (code, signal) => {
    exited = { code, signal };
    resolveExit(exited);
  }));
  const url = `http://127.0.0.1:${port}/`;
  const pid = child.pid;

  let stopping;
  const stop = () => (stopping ??= (async () => {
    if (exited === null) {
      try { process.kill(-pid, 'SIGTERM'); } catch { /* already gone */ }
      for (let i = 0; i < 50 && exited === null; i++) await sleep(100);
      // Children that outlive their parent are still in the group.
      try { process.kill(-pid, 'SIGKILL'); } catch { /* all gone */ }
    } else {
      try { process.kill(-pid, 'SIGKILL'); } catch { /* all gone */ }
    }
    rmSync(home, { recursive: true, force: true, maxRetries: 3 });
  })());
  const logTail = () => {
    try {
      return readFileSync(logFile, 'utf8').trim().split('\n').slice(-20).join('\n');
    } catch {
      return '(no log)';
    }
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) {
      const tail = logTail();
      await stop();
      throw new Error(`code-server exited at start (${exited.code ?? exited.signal}):\n${tail}`);
    }
    try {
      const res = await fetch(`${url}healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      const tail = logTail();
      await stop();
      throw new Error(`code-server did not answer on ${url} within 60 s:\n${tail}`);
    }
    await sleep(200);
  }
  return { port, url, pid, userDataDir, extensionsDir, logFile, logTail, stop, exit };
}

/** A `vscode-remote://` URI for a path on the server, as the workbench's payload wants. */
export const remoteUri = (port, path) => `vscode-remote://127.0.0.1:${port}${resolve(path)}`;

/**
 * The workbench URL for `folder`, with an extension under development and (optionally) the test
 * module whose `run()` VS Code calls in the extension host.
 */
export function workbenchUrl({ port, folder, extensionDevelopmentPath, extensionTestsPath }) {
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remoteUri(port, extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(port, extensionTestsPath)]);
  let url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(resolve(folder))}`;
  if (payload.length) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

/** Installs a .vsix into an extensions folder with code-server's own CLI. */
export async function installExtension(vsix, extensionsDir, { log = console.log } = {}) {
  const dir = await ensureCodeServer({ log });
  const r = spawnSync(process.execPath, [entryOf(dir), '--extensions-dir', extensionsDir, '--install-extension', resolve(vsix)], {
    encoding: 'utf8', env: { ...process.env, EXTENSIONS_GALLERY: '{}' }, timeout: 120_000,
  });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  if (r.status !== 0) throw new Error(`code-server --install-extension ${vsix} failed (exit ${r.status ?? r.signal}):\n${output}`);
  return output;
}

/** Chromium's path and the flags that keep it off the (closed) network. */
export const chromiumPath = process.env.CONV_LENS_CHROMIUM ?? '/usr/bin/chromium';
export const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];

/** Throws a readable error when Chromium is missing (a failure, never a skip). */
export function requireChromium() {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium was not found at ${chromiumPath}: install it with \`apt-get install chromium\` (or set CONV_LENS_CHROMIUM to its path).`);
  }
  return chromiumPath;
}

// As a script: install (or check) and say where.
if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  const { repoDir, machineDir } = installPaths();
  try {
    if (process.argv.includes('--check')) {
      if (!isComplete(repoDir)) throw new Error(`no complete install at ${repoDir}; run node scripts/code-server.mjs`);
      checkInstall(repoDir);
    } else {
      const started = Date.now();
      await ensureCodeServer();
      console.log(`[code-server] ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    console.log(`[code-server] ${CODE_SERVER_VERSION}: ${isLink(repoDir) ? `${repoDir} -> ${readlinkSync(repoDir)}` : repoDir}`);
    console.log(`[code-server] machine-level copy: ${machineDir ?? '(off: CONV_LENS_CACHE=off)'}`);
  } catch (err) {
    console.error(`[code-server] ${err.message}`);
    process.exit(1);
  }
}
