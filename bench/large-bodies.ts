// Large bodies through a chain, for the exchange benchmark: `connections` clients each POST a body of `bytes` and read
// the answer (the same size back), one after another, for `seconds`; with the peak resident memory of each process of
// the chain during the round (Linux: the high-water mark is reset before it, /proc/PID/clear_refs).
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

export interface LargeBodyResult {
  roundTrips: number;
  failed: number;
  /** what the failures answered (status and X-Road-Error, or the connection's error), counted */
  failures: Record<string, number>;
  /** body bytes carried per second, both ways, in MiB */
  mibPerSecond: number;
  /** each process's peak resident memory during the round, and at its start, in MiB */
  peakMib: number[];
  startMib: number[];
}

const statusMib = (pid: number, field: 'VmHWM' | 'VmRSS') => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

export async function largeBodyRound(options: { url: string; path: string; headers: Record<string, string>; connections: number; seconds: number; bytes: number; pids: number[] }): Promise<LargeBodyResult> {
  const body = randomBytes(options.bytes);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  // (5: reset the peak resident set size to the current one)
  for (const pid of options.pids) writeFileSync(`/proc/${pid}/clear_refs`, '5');
  const startMib = options.pids.map((pid) => statusMib(pid, 'VmRSS'));
  const until = performance.now() + options.seconds * 1000;
  const started = performance.now();
  let roundTrips = 0;
  let failed = 0;
  const failures: Record<string, number> = {};
  const fail = (why: string) => ((failed += 1), (failures[why] = (failures[why] ?? 0) + 1));
  const once = () =>
    new Promise<void>((resolve) => {
      const url = new URL(options.path, options.url);
      const req = request({ hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { ...options.headers, 'content-type': 'application/octet-stream', 'content-length': body.length } }, (res) => {
        let size = 0;
        res.on('data', (c: Buffer) => (size += c.length));
        res.on('end', () => {
          if (res.statusCode === 200 && size === body.length) roundTrips++;
          else fail(`${res.statusCode} ${res.headers['x-road-error'] ?? ''}`.trim());
          resolve();
        });
      });
      req.on('error', (error: NodeJS.ErrnoException) => (fail(error.code ?? error.message), resolve()));
      req.end(body);
    });
  await Promise.all(Array.from({ length: options.connections }, async () => {
    while (performance.now() < until) await once();
  }));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return { roundTrips, failed, failures, mibPerSecond: (2 * roundTrips * options.bytes) / (1024 * 1024) / elapsed, peakMib: options.pids.map((pid) => statusMib(pid, 'VmHWM')), startMib };
}
