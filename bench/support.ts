// Shared pieces of the benchmarks: processes, databases, load generation and the printed table.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { paths } from '../src/platform/paths.js';

export const repoRoot = paths.root;
export const dist = (file: string) => join(repoRoot, 'dist', file);
export const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const children: ChildProcess[] = [];
export function startProcess(script: string, args: string[], env: Record<string, string>): ChildProcess {
  // BENCH_NODE_FLAGS, e.g. --cpu-prof, goes to every process the benchmark starts (for profiling).
  const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...flags, script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  return child;
}
/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

export async function stopProcesses(): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          const force = setTimeout(() => c.kill('SIGKILL'), 30_000);
          c.once('exit', () => (clearTimeout(force), resolve()));
          c.kill('SIGTERM');
        }),
    ),
  );
  children.length = 0;
}

export async function waitFor(url: string, seconds = 60): Promise<void> {
  for (let i = 0; i < seconds * 10; i++) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${seconds} s`);
}

export function runCli(script: string, args: string[], env: Record<string, string> = {}): string {
  const r = spawnSync(process.execPath, [dist(script), ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`${script} ${args.join(' ')}: ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** A database of its own for one benchmark run, dropped afterwards. */
export async function createDatabase(name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function query<T>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, values)).rows as T[];
  } finally {
    await c.end();
  }
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  non2xx: number;
}

/** `connections` keep-alive clients send requests for `seconds`; `request()` gives each one's path, headers and body. */
export async function load(options: {
  url: string;
  connections: number;
  seconds: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  request: () => { path: string; headers?: Record<string, string>; body?: string };
}): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    method: options.method ?? 'GET',
    headers: options.headers,
    requests: [{ setupRequest: (req) => ({ ...req, ...options.request() }) }],
  });
  return {
    requestsPerSecond: result.requests.total / options.seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** Resident memory of a process in MB, from /proc (Linux). */
export function residentMb(pid: number): number {
  try {
    return Math.round(Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024);
  } catch {
    return Number.NaN;
  }
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export function printTable(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? c.toLocaleString('en', { maximumFractionDigits: 2 }) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i]).length)));
  const line = (r: (string | number)[]) => `| ${r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(' | ')} |`;
  console.log(`\n${title}\n`);
  console.log(line(cells[0]));
  console.log(`|${widths.map((w, i) => (i === 0 ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`);
  for (const r of cells.slice(1)) console.log(line(r));
}

export function writeResult(name: string, result: unknown): string {
  const dir = join(repoRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

/** A process and the processes it started (node:cluster workers), by pid. */
export function processTree(pid: number): number[] {
  const children = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((s) => Number(s.trim()))
    .filter(Boolean);
  return [pid, ...children];
}

export interface Series {
  label: string;
  points: { x: number; y: number }[];
}

/**
 * A line chart as SVG (no library: a few dozen elements): x on a log2 scale (connections), y from zero, each series
 * with its own dash pattern and marker so that it reads without colour.
 */
export function lineChartSvg(title: string, xLabel: string, yLabel: string, series: Series[]): string {
  const W = 720;
  const H = 420;
  const m = { left: 70, right: 170, top: 48, bottom: 56 };
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const yMax = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.y)));
  const step = 10 ** Math.floor(Math.log10(yMax));
  const top = Math.ceil(yMax / step) * step;
  const lx = (x: number) => Math.log2(x);
  const sx = (x: number) => m.left + ((lx(x) - lx(xs[0])) / Math.max(1e-9, lx(xs[xs.length - 1]) - lx(xs[0]))) * (W - m.left - m.right);
  const sy = (y: number) => H - m.bottom - (y / top) * (H - m.top - m.bottom);
  const dashes = ['', '8 4', '2 4', '12 4 2 4'];
  const marks = ['circle', 'square', 'triangle', 'diamond'];
  const marker = (kind: string, x: number, y: number) =>
    kind === 'circle'
      ? `<circle cx="${x}" cy="${y}" r="4"/>`
      : kind === 'square'
        ? `<rect x="${x - 4}" y="${y - 4}" width="8" height="8"/>`
        : kind === 'triangle'
          ? `<path d="M${x} ${y - 5}L${x + 5} ${y + 4}L${x - 5} ${y + 4}Z"/>`
          : `<path d="M${x} ${y - 5}L${x + 5} ${y}L${x} ${y + 5}L${x - 5} ${y}Z"/>`;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="t"><title id="t">${esc(title)}</title>`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${m.left}" y="28" font-family="sans-serif" font-size="16" font-weight="bold">${esc(title)}</text>`,
  ];
  for (let y = 0; y <= top; y += top / 5) {
    parts.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${sy(y)}" y2="${sy(y)}" stroke="#ddd"/>`);
    parts.push(`<text x="${m.left - 8}" y="${sy(y) + 4}" text-anchor="end" font-family="sans-serif" font-size="12">${Math.round(y).toLocaleString('en')}</text>`);
  }
  for (const x of xs) parts.push(`<text x="${sx(x)}" y="${H - m.bottom + 18}" text-anchor="middle" font-family="sans-serif" font-size="12">${x}</text>`);
  parts.push(`<text x="${(m.left + W - m.right) / 2}" y="${H - 14}" text-anchor="middle" font-family="sans-serif" font-size="13">${esc(xLabel)}</text>`);
  parts.push(`<text transform="translate(18 ${(m.top + H - m.bottom) / 2}) rotate(-90)" text-anchor="middle" font-family="sans-serif" font-size="13">${esc(yLabel)}</text>`);
  series.forEach((s, i) => {
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    const shade = ['#1f4e9c', '#b2472a', '#2f7d32', '#6a3d9a'][i % 4];
    parts.push(`<g fill="${shade}" stroke="${shade}"><polyline fill="none" stroke-width="2.5" stroke-dasharray="${dashes[i % 4]}" points="${pts.map((p) => `${sx(p.x)},${sy(p.y)}`).join(' ')}"/>`);
    for (const p of pts) parts.push(marker(marks[i % 4], sx(p.x), sy(p.y)));
    const ly = m.top + 20 + i * 24;
    parts.push(`<line x1="${W - m.right + 16}" x2="${W - m.right + 46}" y1="${ly}" y2="${ly}" stroke-width="2.5" stroke-dasharray="${dashes[i % 4]}"/>${marker(marks[i % 4], W - m.right + 31, ly)}`);
    parts.push(`<text x="${W - m.right + 52}" y="${ly + 4}" stroke="none" fill="#000" font-family="sans-serif" font-size="12">${esc(s.label)}</text></g>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

export function writeChart(name: string, svg: string): string {
  const dir = join(repoRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.svg`);
  writeFileSync(file, svg);
  return file;
}
