// `npm start`'s build step: builds (npm run build) only when a source is newer than the last build, so that a
// restart with nothing changed starts at once instead of rebuilding the node and the portal. Built-ins only.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = join(root, 'dist', '.build-stamp');
const INPUTS = ['src', 'web', 'bench', 'scripts', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];

function newest(path) {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = info.mtimeMs;
  for (const name of readdirSync(path)) if (name !== 'node_modules') latest = Math.max(latest, newest(join(path, name)));
  return latest;
}

const built = existsSync(stamp) && existsSync(join(root, 'dist', 'web', 'index.html')) ? statSync(stamp).mtimeMs : 0;
const changed = Math.max(...INPUTS.map((p) => newest(join(root, p))));
if (built > changed) {
  console.log('Build is up to date (dist/): not rebuilding.');
} else {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = spawnSync(npm, ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}
