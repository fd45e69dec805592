// npm run bench -- submissions: signed applications over HTTP (ES256 signature checked, form validated, stored with
// its history, audit entry, legal deadline and jobs) against real PostgreSQL, and pgbench's TPC-B on the same
// database in the same run, with the ratio; also the node's resident memory at rest and under the load.
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompactSign, importJWK, type JWK } from 'jose';
import { parse } from 'yaml';
import { canonicalJson } from '../src/platform/canonical-json.js';
import { cpuSeconds, createDatabase, dist, freePort, load, type LoadResult, median, printTable, query, repoRoot, residentMb, startProcess, stopProcesses, waitFor } from './support.js';

export interface SubmissionBenchOptions {
  connections: number;
  seconds: number;
  rounds: number;
}

const SERVICE = 'kz-criminal-record-certificate';

function pgbench(url: string, args: string[]): string {
  const u = new URL(url);
  const r = spawnSync('pgbench', ['-h', u.hostname, '-p', u.port || '5432', '-U', u.username || 'postgres', ...args, u.pathname.slice(1)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pgbench ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

export async function benchSubmissions(options: SubmissionBenchOptions): Promise<Record<string, unknown>> {
  const db = await createDatabase(`ortak_bench_submissions_${process.pid}`);
  try {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const started = performance.now();
    const node = startProcess(dist('src/main.js'), [], { PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: db.url, ORTAK_STATES: 'KZ', LOG_LEVEL: 'warn' });
    await waitFor(`${base}/health`, 120);
    const startSeconds = (performance.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 3000));
    const idleMb = residentMb(node.pid!);

    // Citizens sign in (demo personas) and sign the form with their own keys, as the portal does.
    const personas = (await (await fetch(`${base}/api/v1/auth/demo-personas`)).json()) as { qualifiedIdentifier: string; role: string; state: string; language: string; keyFile: JWK & { x5c: string[] } }[];
    const data = (parse(readFileSync(join(repoRoot, 'services', 'KZ', `${SERVICE}.yaml`), 'utf8')) as { form: { example: Record<string, unknown> } }).form.example;
    const citizens = await Promise.all(
      personas
        // Ерлан (Russian-speaking demo citizen) has a conviction on record, so his certificates wait for an officer:
        // the node's background work is the evidence job, not issuing a PDF for every submission.
        .filter((p) => p.role === 'citizen' && p.state === 'KZ' && p.language === 'ru')
        .map(async (p) => {
          const login = (await (await fetch(`${base}/api/v1/auth/demo-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identifier: p.qualifiedIdentifier, role: 'citizen' }) })).json()) as { token: string };
          const signature = await new CompactSign(new TextEncoder().encode(canonicalJson({ service: SERVICE, data })))
            .setProtectedHeader({ alg: 'ES256', x5c: p.keyFile.x5c })
            .sign(await importJWK(p.keyFile, 'ES256'));
          return { authorization: `Bearer ${login.token}`, body: JSON.stringify({ service: SERVICE, data, signature }) };
        }),
    );
    const check = await fetch(`${base}/api/v1/applications`, { method: 'POST', headers: { authorization: citizens[0].authorization, 'content-type': 'application/json', 'idempotency-key': randomUUID() }, body: citizens[0].body });
    if (check.status !== 201) throw new Error(`a submission was answered ${check.status}: ${await check.text()}`);

    pgbench(db.url, ['-i', '-q', '-s', '10']);
    const submissions: (LoadResult & { cpuMsPerSubmission: number; peakMb: number })[] = [];
    const tpcb: number[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      let i = 0;
      let peakMb = 0;
      const sampler = setInterval(() => (peakMb = Math.max(peakMb, residentMb(node.pid!))), 250);
      const cpuBefore = cpuSeconds(node.pid!);
      const r = await load({
        url: base,
        connections: options.connections,
        seconds: options.seconds,
        method: 'POST',
        request: () => {
          const c = citizens[i++ % citizens.length];
          return { path: '/api/v1/applications', headers: { authorization: c.authorization, 'content-type': 'application/json', 'idempotency-key': randomUUID() }, body: c.body };
        },
      });
      clearInterval(sampler);
      const cpu = (1000 * (cpuSeconds(node.pid!) - cpuBefore)) / r.requests;
      submissions.push({ ...r, cpuMsPerSubmission: cpu, peakMb });
      const out = pgbench(db.url, ['-c', String(options.connections), '-j', '2', '-T', String(options.seconds)]);
      const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(out)?.[1]);
      tpcb.push(tps);
      console.log(`  round ${round} submissions ${Math.round(r.requestsPerSecond)}/s, p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}, node CPU ${cpu.toFixed(2)} ms each, peak RSS ${peakMb} MB; pgbench TPC-B ${Math.round(tps)} tps`);
    }
    const stored = (await query<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM applications'))[0].n;
    const rate = median(submissions.map((s) => s.requestsPerSecond));
    const baseline = median(tpcb);
    const result = {
      connections: options.connections,
      submissions: { perSecond: rate, p50: median(submissions.map((s) => s.p50)), p99: median(submissions.map((s) => s.p99)), failed: submissions.reduce((n, s) => n + s.non2xx + s.errors, 0) },
      pgbenchTpcb: baseline,
      ratio: rate / baseline,
      memoryMb: { idle: idleMb, underLoad: Math.max(...submissions.map((s) => s.peakMb)) },
      startToHealthySeconds: startSeconds,
      storedApplications: stored,
      runs: { submissions, tpcb },
    };
    printTable(
      `Submissions over HTTP on PostgreSQL, ${options.connections} connections, median of ${options.rounds} × ${options.seconds} s`,
      ['measure', 'value'],
      [
        ['submissions/s (signed, validated, stored with history, audit, deadline, jobs)', Math.round(rate)],
        ['p50 / p99 latency, ms', `${result.submissions.p50} / ${result.submissions.p99}`],
        ['pgbench TPC-B on the same database, tps (baseline)', Math.round(baseline)],
        ['ratio submissions / TPC-B', result.ratio.toFixed(2)],
        ['node resident memory at rest / peak under load, MB', `${idleMb} / ${result.memoryMb.underLoad}`],
        ['start (installed, migrated) to healthy, s', startSeconds.toFixed(1)],
      ],
    );
    return result;
  } finally {
    await stopProcesses();
    await db.drop().catch(() => {});
  }
}
