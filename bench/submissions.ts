// npm run bench -- submissions: signed applications over HTTP (ES256 signature checked, form validated, stored with
// its history, audit entry, legal deadline and jobs) against real PostgreSQL, and pgbench's TPC-B on the same
// database in the same run, with the ratio; one node process and two (ORTAK_PROCESSES=2) side by side; throughput
// against concurrency as a chart (bench/results/submissions-concurrency.svg); the node's resident memory at rest
// and under the load; the background jobs the load leaves, done during it and after it (every round, and pgbench,
// starts once the node has done them, so that none runs on a machine still busy with the last round's work).
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompactSign, importJWK, type JWK } from 'jose';
import { parse } from 'yaml';
import { canonicalJson } from '../src/platform/canonical-json.js';
import { cpuSeconds, createDatabase, dist, freePort, lineChartSvg, load, type LoadResult, median, printTable, processTree, query, repoRoot, residentMb, startProcess, stopProcesses, waitFor, writeChart } from './support.js';

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

interface Citizen {
  authorization: string;
  body: string;
}

/** A node of `processes` processes on the database, with the demo citizens signed in and their forms signed. */
export async function startSubmittingNode(dbUrl: string, processes: number) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  // Without the demo's year of decided applications: that is scenery for the statistics page, and seeding it leaves
  // some 90 MB of heap in the process that seeded it (a node restarted on the same database is back at ~150 MB).
  const node = startProcess(dist('src/main.js'), [], { PORT: String(port), ORTAK_CLIENT_PORT: String(await freePort()), HOST: '127.0.0.1', DATABASE_URL: dbUrl, ORTAK_STATES: 'KZ', ORTAK_PROCESSES: String(processes), ORTAK_DEMO_HISTORY: '0', LOG_LEVEL: 'warn' });
  await waitFor(`${base}/health`, 120);
  const startSeconds = (performance.now() - started) / 1000;
  // Citizens sign in (demo personas) and sign the form with their own keys, as the portal does.
  const personas = (await (await fetch(`${base}/api/v1/auth/demo-personas`)).json()) as { qualifiedIdentifier: string; role: string; state: string; language: string; keyFile: JWK & { x5c: string[] } }[];
  const data = (parse(readFileSync(join(repoRoot, 'services', 'KZ', `${SERVICE}.yaml`), 'utf8')) as { form: { example: Record<string, unknown> } }).form.example;
  const citizens: Citizen[] = await Promise.all(
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
  return { base, pid: node.pid!, citizens, startSeconds };
}

type Round = LoadResult & { cpuMsPerSubmission: number; peakMb: number };

/** One round of submissions at `connections`: throughput, latency, CPU per submission and peak memory of every process. */
export async function submissionRound(node: { base: string; pid: number; citizens: Citizen[] }, connections: number, seconds: number): Promise<Round> {
  let i = 0;
  let peakMb = 0;
  const tree = processTree(node.pid);
  const rss = () => tree.reduce((n, pid) => n + residentMb(pid), 0);
  const cpu = () => tree.reduce((n, pid) => n + cpuSeconds(pid), 0);
  const sampler = setInterval(() => (peakMb = Math.max(peakMb, rss())), 250);
  const cpuBefore = cpu();
  const r = await load({
    url: node.base,
    connections,
    seconds,
    method: 'POST',
    request: () => {
      const c = node.citizens[i++ % node.citizens.length];
      return { path: '/api/v1/applications', headers: { authorization: c.authorization, 'content-type': 'application/json', 'idempotency-key': randomUUID() }, body: c.body };
    },
  });
  clearInterval(sampler);
  return { ...r, cpuMsPerSubmission: (1000 * (cpu() - cpuBefore)) / r.requests, peakMb };
}

const CONCURRENCY = [4, 16, 64, 128];

/** Jobs done so far, and jobs due now and not yet done (the background work a load leaves). */
export async function jobCounts(url: string): Promise<{ done: number; due: number }> {
  const [row] = await query<{ done: number; due: number }>(
    url,
    `SELECT count(*) FILTER (WHERE done_at IS NOT NULL)::int AS done,
            count(*) FILTER (WHERE done_at IS NULL AND failed_at IS NULL AND cancelled_at IS NULL AND run_at <= now())::int AS due
       FROM jobs`,
  );
  return row;
}

/**
 * Waits until the node has done the jobs a round left due (evidence from the registers, automatic checks, messages
 * and their delivery), so that the next round, and pgbench, start on a machine at rest; returns how fast it drained.
 */
export async function drainJobs(url: string, limitSeconds = 300): Promise<{ jobs: number; seconds: number }> {
  const started = performance.now();
  const before = await jobCounts(url);
  let now = before;
  while (now.due > 0 && performance.now() - started < limitSeconds * 1000) {
    await new Promise((r) => setTimeout(r, 500));
    now = await jobCounts(url);
  }
  if (now.due > 0) throw new Error(`the node still had ${now.due} jobs due after ${limitSeconds} s`);
  return { jobs: now.done - before.done, seconds: (performance.now() - started) / 1000 };
}

export async function benchSubmissions(options: SubmissionBenchOptions): Promise<Record<string, unknown>> {
  const db = await createDatabase(`ortak_bench_submissions_${process.pid}`);
  try {
    pgbench(db.url, ['-i', '-q', '-s', '10']);
    const byProcesses: Record<string, unknown>[] = [];
    const sweep: { processes: number; connections: number; perSecond: number; p99: number }[] = [];
    let memory = { idle: 0, underLoad: 0 };
    let startToHealthy = 0;
    const tpcb: number[] = [];
    for (const processes of [1, 2]) {
      const node = await startSubmittingNode(db.url, processes);
      await new Promise((r) => setTimeout(r, 3000));
      const idleMb = processTree(node.pid).reduce((n, pid) => n + residentMb(pid), 0);
      // A short load first, not counted: the first seconds of a fresh process are the JIT compiler's and the pool's.
      await submissionRound(node, options.connections, 3);
      await drainJobs(db.url);
      const rounds: (Round & { jobsDuringLoad: number; drain: { jobs: number; seconds: number } })[] = [];
      for (let round = 1; round <= options.rounds; round++) {
        const before = await jobCounts(db.url);
        const load = await submissionRound(node, options.connections, options.seconds);
        const jobsDuringLoad = ((await jobCounts(db.url)).done - before.done) / options.seconds;
        const drain = await drainJobs(db.url);
        const r = { ...load, jobsDuringLoad, drain };
        rounds.push(r);
        let line = `  ${processes} process(es), round ${round}: submissions ${Math.round(r.requestsPerSecond)}/s, p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}, node CPU ${r.cpuMsPerSubmission.toFixed(2)} ms each, peak RSS ${r.peakMb} MB; jobs ${Math.round(jobsDuringLoad)}/s during the load, the rest (${drain.jobs}) done in ${drain.seconds.toFixed(0)} s after it`;
        if (processes === 1) {
          const out = pgbench(db.url, ['-c', String(options.connections), '-j', '2', '-T', String(options.seconds)]);
          const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(out)?.[1]);
          tpcb.push(tps);
          line += `; pgbench TPC-B ${Math.round(tps)} tps`;
        }
        console.log(line);
      }
      // throughput against concurrency, one shorter round each, for the chart
      for (const connections of CONCURRENCY) {
        const r = await submissionRound(node, connections, Math.max(3, Math.round(options.seconds / 2)));
        await drainJobs(db.url);
        sweep.push({ processes, connections, perSecond: r.requestsPerSecond, p99: r.p99 });
        console.log(`  ${processes} process(es) at ${connections} connections: ${Math.round(r.requestsPerSecond)}/s, p99 ${r.p99} ms`);
      }
      byProcesses.push({
        processes,
        perSecond: median(rounds.map((s) => s.requestsPerSecond)),
        p50: median(rounds.map((s) => s.p50)),
        p99: median(rounds.map((s) => s.p99)),
        cpuMsPerSubmission: median(rounds.map((s) => s.cpuMsPerSubmission)),
        jobsPerSecondDuringLoad: median(rounds.map((s) => s.jobsDuringLoad)),
        jobsPerSecondDraining: median(rounds.map((s) => s.drain.jobs / Math.max(s.drain.seconds, 0.001))),
        failed: rounds.reduce((n, s) => n + s.non2xx + s.errors, 0),
        memoryMb: { idle: idleMb, underLoad: Math.max(...rounds.map((s) => s.peakMb)) },
        startToHealthySeconds: node.startSeconds,
        rounds,
      });
      if (processes === 1) {
        memory = { idle: idleMb, underLoad: Math.max(...rounds.map((s) => s.peakMb)) };
        startToHealthy = node.startSeconds;
      }
      await stopProcesses();
    }
    const stored = (await query<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM applications'))[0].n;
    const [one, two] = byProcesses as { perSecond: number; p50: number; p99: number; cpuMsPerSubmission: number; jobsPerSecondDuringLoad: number; jobsPerSecondDraining: number; memoryMb: { idle: number; underLoad: number } }[];
    const baseline = median(tpcb);
    const chart = writeChart(
      'submissions-concurrency',
      lineChartSvg(
        'Submissions per second against concurrent connections',
        'concurrent connections (keep-alive HTTP clients)',
        'submissions per second',
        [1, 2].map((processes) => ({ label: `${processes} node process${processes > 1 ? 'es' : ''}`, points: sweep.filter((p) => p.processes === processes).map((p) => ({ x: p.connections, y: p.perSecond })) })),
      ),
    );
    const result = {
      connections: options.connections,
      submissions: { perSecond: one.perSecond, p50: one.p50, p99: one.p99 },
      pgbenchTpcb: baseline,
      ratio: one.perSecond / baseline,
      twoProcesses: { perSecond: two.perSecond, p50: two.p50, p99: two.p99, ratioToOne: two.perSecond / one.perSecond },
      memoryMb: memory,
      startToHealthySeconds: startToHealthy,
      storedApplications: stored,
      byProcesses,
      concurrency: sweep,
      chart,
      runs: { tpcb },
    };
    printTable(
      `Submissions over HTTP on PostgreSQL, ${options.connections} connections, median of ${options.rounds} × ${options.seconds} s`,
      ['measure', '1 process', '2 processes'],
      [
        ['submissions/s (signed, validated, stored with history, audit, deadline, jobs)', Math.round(one.perSecond), Math.round(two.perSecond)],
        ['p50 / p99 latency, ms', `${one.p50} / ${one.p99}`, `${two.p50} / ${two.p99}`],
        ['node CPU per submission, ms', one.cpuMsPerSubmission.toFixed(2), two.cpuMsPerSubmission.toFixed(2)],
        ['background jobs done per second: during the load / draining after it', `${Math.round(one.jobsPerSecondDuringLoad)} / ${Math.round(one.jobsPerSecondDraining)}`, `${Math.round(two.jobsPerSecondDuringLoad)} / ${Math.round(two.jobsPerSecondDraining)}`],
        ['pgbench TPC-B on the same database, tps (baseline)', Math.round(baseline), ''],
        ['ratio submissions / TPC-B', result.ratio.toFixed(2), (two.perSecond / baseline).toFixed(2)],
        ['resident memory at rest / peak under load, MB (all processes)', `${one.memoryMb.idle} / ${one.memoryMb.underLoad}`, `${two.memoryMb.idle} / ${two.memoryMb.underLoad}`],
        ['start (installed, migrated) to healthy, s', startToHealthy.toFixed(1), ''],
      ],
    );
    console.log(`chart: ${chart}`);
    return result;
  } finally {
    await stopProcesses();
    await db.drop().catch(() => {});
  }
}
