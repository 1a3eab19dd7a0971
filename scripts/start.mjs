// `npm start`: build, then open VS Code on samples/ with Conv Lens loaded from this folder.
// - Desktop VS Code when the `code` command is on PATH (an Extension Development Host window).
// - Otherwise code-server on 127.0.0.1 (port from $PORT, else a free one): open the printed URL in a
//   browser. Its state (settings, open editors) is kept in .cache/start-user-data. Ctrl+C stops it.
// CONV_LENS_CODE_SERVER=1 picks code-server even when `code` is on PATH.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureCodeServer, repoRoot, startCodeServer, workbenchUrl } from './code-server.mjs';

const samples = join(repoRoot, 'samples');

console.log('Building…');
const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
if (build.status !== 0) {
  console.error('The build failed; nothing was started.');
  process.exit(1);
}

const hasCode = !process.env.CONV_LENS_CODE_SERVER && spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' }).status === 0;
if (hasCode) {
  console.log(`Opening VS Code on ${samples} with the extension under development (${repoRoot}).`);
  const code = spawn('code', [`--extensionDevelopmentPath=${repoRoot}`, samples], { stdio: 'inherit' });
  code.on('exit', (status) => process.exit(status ?? 0));
} else {
  await ensureCodeServer();
  const port = process.env.PORT ? Number(process.env.PORT) || undefined : undefined; // 0: any free port
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    console.error(`PORT=${process.env.PORT} is not a port number.`);
    process.exit(1);
  }
  let server;
  try {
    server = await startCodeServer({ workspace: samples, port, userDataDir: join(repoRoot, '.cache', 'start-user-data') });
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
  const url = workbenchUrl({ port: server.port, folder: samples, extensionDevelopmentPath: repoRoot });
  console.log(`
No \`code\` command on PATH: Conv Lens runs in code-server (VS Code 1.100.3 in the browser).

  Open: ${url}

It listens on 127.0.0.1 only. From another machine: ssh -L ${server.port}:127.0.0.1:${server.port} <this host>
then open the same URL there. After a rebuild (npm run build), reload the window. Ctrl+C stops it.`);
  let stopping = false;
  const stop = async (signal) => {
    stopping = true;
    console.log(`\n${signal}: stopping code-server (pid ${server.pid})…`);
    await server.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  const { code, signal } = await server.exit;
  if (stopping) await new Promise(() => {}); // stop() exits the process
  console.error(`code-server ended on its own (${code ?? signal}):\n${server.logTail()}`);
  await server.stop();
  process.exit(1);
}
