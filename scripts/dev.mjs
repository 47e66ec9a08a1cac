import { spawn, spawnSync } from 'node:child_process';

/**
 * `npm run dev`: the server rebuilt and restarted on change (tsc --watch + node --watch) and the dashboard served
 * by Vite with hot reload on http://127.0.0.1:5173, proxying /api and /socket.io to the server.
 */
const build = spawnSync('npx', ['tsc', '-b'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const children = [
  spawn('npx', ['tsc', '-b', '--watch', '--preserveWatchOutput'], { stdio: 'inherit' }),
  spawn(process.execPath, ['--watch', 'server/dist/main.js'], { stdio: 'inherit' }),
  spawn('npx', ['vite', '--host', '127.0.0.1'], { stdio: 'inherit' }),
];
const stop = () => {
  for (const child of children) child.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of children) child.on('exit', stop);
