// `npm test`: typecheck (the node and the web portal), build both, then every test — unit tests, the integration
// suite on real PostgreSQL (DATABASE_URL or the local server when reachable) and the same suite on embedded PGlite,
// the end-to-end tests (browser included), then alone the PostgreSQL restart test — and a closing "N passed, N failed" line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => join(root, 'node_modules', '.bin', name);
const extra = process.argv.slice(2);

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

function reachable(url) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: u.hostname || '127.0.0.1', port: Number(u.port || 5432) });
    socket.setTimeout(2000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

console.log('▶ typecheck (tsc: the node, the portal) and build (dist/ and dist/web, for the end-to-end tests of the started node)');
if (run(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']) !== 0) process.exit(1);
if (run(bin('tsc'), ['-p', 'web/tsconfig.json', '--noEmit']) !== 0) process.exit(1);
if (run(bin('tsc'), ['-p', 'tsconfig.build.json']) !== 0) process.exit(1);
if (run(bin('vite'), ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']) !== 0) process.exit(1);
// (as `npm run build` does: the portal's compressed copies, which the started node serves)
if (run(process.execPath, [join(root, 'scripts', 'compress-web.mjs')]) !== 0) process.exit(1);

const pgUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const projects = ['unit', 'e2e', 'pglite'];
if (await reachable(pgUrl)) projects.push('postgres');
else if (process.env.CI) {
  console.error(`PostgreSQL is not reachable at ${new URL(pgUrl).host}; CI must run the integration suite on it.`);
  process.exit(1);
} else console.warn(`⚠ PostgreSQL not reachable at ${new URL(pgUrl).host}: running the integration suite on PGlite only.`);

mkdirSync(join(root, 'test-results'), { recursive: true });
const report = join(root, 'test-results', 'vitest.json');
console.log(`▶ vitest (projects: ${projects.join(', ')})`);
const status = run(bin('vitest'), [
  'run',
  ...projects.flatMap((p) => ['--project', p]),
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...extra,
]);

// Last and alone: the test that stops and starts the PostgreSQL server itself (every other test uses that server).
// It needs the local cluster's pg_ctlcluster, as on CI; elsewhere it is reported as skipped.
const restartReport = join(root, 'test-results', 'vitest-restart.json');
let restartStatus = 0;
const canRestart = projects.includes('postgres') && existsSync('/etc/postgresql') && spawnSync('sh', ['-c', 'command -v pg_ctlcluster'], { stdio: 'ignore' }).status === 0 && process.getuid?.() === 0;
if (canRestart) {
  console.log('▶ vitest (project: restart — PostgreSQL stopped and started under load)');
  restartStatus = run(bin('vitest'), ['run', '--project', 'restart', '--reporter=default', '--reporter=json', `--outputFile.json=${restartReport}`]);
} else if (process.env.CI) {
  console.error('CI must run the PostgreSQL restart test: pg_ctlcluster (as root) and a reachable local server are needed.');
  restartStatus = 1;
} else console.warn('⚠ the PostgreSQL restart test needs the local cluster (pg_ctlcluster, as root): skipped.');

const counts = { passed: 0, failed: 0, skipped: 0, brokenFiles: 0 };
for (const file of [report, ...(canRestart ? [restartReport] : [])]) {
  if (!existsSync(file)) continue;
  const r = JSON.parse(readFileSync(file, 'utf8'));
  counts.passed += r.numPassedTests;
  counts.failed += r.numFailedTests;
  counts.skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  // a file whose setup failed fails no test (its tests count as skipped), yet fails the run: count it as failed
  counts.brokenFiles += r.testResults.filter((f) => f.status === 'failed' && !f.assertionResults.some((t) => t.status === 'failed')).length;
}
if (!canRestart) counts.skipped += 1;
const broken = counts.brokenFiles ? ` (and ${counts.brokenFiles} test file${counts.brokenFiles > 1 ? 's' : ''} failed in setup)` : '';
console.log(`\n${counts.passed} passed, ${counts.failed + counts.brokenFiles} failed${broken}${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
process.exit(status || restartStatus);
