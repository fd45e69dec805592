// npm run bench -- queries [--rows 10000000]: the reads that must stay fast however many applications a node holds
// — the officer's queue, the citizen's list, the public statistics — at ten million applications loaded with COPY,
// over HTTP through the node, p50/p99 each, with the node's /health (one database round trip) as the baseline
// measured in the same run.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createDatabase, dist, freePort, load, median, printTable, query, repoRoot, runCli, startProcess, stopProcesses, waitFor } from './support.js';

export interface QueryBenchOptions {
  rows: number;
  seconds: number;
  rounds: number;
  connections: number;
}

interface Service {
  code: string;
  version: number;
  state: string;
  agency: { code: string };
  deadline: { days: number };
}

const DAY = 86_400_000;
const TARGET_P99_MS = 50;

export async function benchQueries(options: QueryBenchOptions): Promise<Record<string, unknown>> {
  const db = await createDatabase(`ortak_bench_queries_${process.pid}`);
  try {
    const env = { DATABASE_URL: db.url, ORTAK_DEMO_HISTORY: '0', LOG_LEVEL: 'warn' };
    // The demo data (personas, agencies, officers), and residents to apply: one for every 20 applications.
    const residents = Math.max(1000, Math.round(options.rows / 20));
    let t = performance.now();
    runCli('src/cli/seed.js', ['--persons', String(residents)], env);
    await query(db.url, `INSERT INTO accounts (id, person_id, role, permissions, active, created_at)
      SELECT gen_random_uuid(), p.id, 'citizen', '{}', true, now() FROM persons p WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = p.id)`);
    const seedSeconds = (performance.now() - t) / 1000;
    console.log(`  ${residents.toLocaleString('en')} residents with accounts in ${seedSeconds.toFixed(0)} s`);

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    startProcess(dist('src/main.js'), [], { ...env, PORT: String(port), ORTAK_CLIENT_PORT: String(await freePort()), HOST: '127.0.0.1' });
    await waitFor(`${base}/health`, 120);
    const services = ((await (await fetch(`${base}/api/v1/services?limit=100`)).json()) as { items: Service[] }).items;
    const personas = (await (await fetch(`${base}/api/v1/auth/demo-personas`)).json()) as { qualifiedIdentifier: string; role: string; state: string; language: string; agency: string | null; permissions: string[]; accountId: string }[];
    const erlan = personas.find((p) => p.role === 'citizen' && p.state === 'KZ' && p.language === 'ru')!;
    const busiest = services.find((s) => s.code === 'kz-criminal-record-certificate') ?? services[0];
    const officer = personas.find((p) => p.role === 'officer' && p.agency === busiest.agency.code && !p.permissions.includes('head'))!;
    const applicants = await query<{ person_id: string; account_id: string; state: string; language: string }>(
      db.url,
      `SELECT a.person_id, a.id AS account_id, p.state, p.language FROM accounts a JOIN persons p ON p.id = a.person_id WHERE a.role = 'citizen'`,
    );
    const erlanAccount = (await query<{ person_id: string }>(db.url, 'SELECT person_id FROM accounts WHERE id = $1', [erlan.accountId]))[0];
    const byState = new Map<string, typeof applicants>();
    for (const a of applicants) {
      if (!byState.has(a.state)) byState.set(a.state, []);
      byState.get(a.state)!.push(a);
    }

    // COPY the applications, with the table's secondary indexes (those not behind a constraint) dropped and built again after (as a bulk load is
    // done), then the statistics counted by the migration's own statement, then ANALYZE.
    t = performance.now();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const indexes = (await client.query<{ indexname: string; indexdef: string }>(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'applications' AND indexname NOT IN (SELECT conname FROM pg_constraint)`)).rows;
    for (const i of indexes) await client.query(`DROP INDEX ${i.indexname}`);
    const now = Date.now();
    const seq = Number((await client.query<{ n: string }>(`SELECT nextval('application_number_seq') AS n`)).rows[0].n);
    let open = 0;
    function* rows(): Generator<string> {
      let batch: string[] = [];
      for (let i = 0; i < options.rows; i++) {
        // one in 40 is still open (the queues); Ерлан has one in every 250 000 (his list); the rest decided
        const service = i % 7 === 0 ? busiest : services[i % services.length];
        const pool = byState.get(service.state) ?? applicants;
        const applicant = i % 250_000 === 17 ? { person_id: erlanAccount.person_id, account_id: erlan.accountId, language: 'ru' } : pool[(i * 7919) % pool.length];
        const isOpen = i % 40 === 0;
        const submitted = isOpen ? now - ((i * 15_485_863) % (30 * DAY)) : now - 40 * DAY - ((i * 104_729) % (3 * 365 * DAY));
        const deadline = new Date(submitted + service.deadline.days * 1.4 * DAY).toISOString().slice(0, 10);
        const closed = isOpen ? '' : new Date(submitted + ((i % 10) + 1) * 0.8 * DAY).toISOString();
        const status = isOpen ? (i % 3 ? 'in_review' : 'submitted') : i % 9 ? 'approved' : 'rejected';
        const number = `${service.state}-${new Date(submitted).getUTCFullYear()}-${String(seq + i).padStart(8, '0')}`;
        if (isOpen) open++;
        batch.push(
          [randomUUID(), number, service.code, service.version, service.state, service.agency.code, applicant.person_id, applicant.account_id, status, '"{""bench"":true}"', 'bench', applicant.language, new Date(submitted).toISOString(), deadline, closed || new Date(submitted).toISOString(), isOpen ? 'review' : '', isOpen && deadline < new Date(now).toISOString().slice(0, 10) ? 't' : 'f', closed].join(',') + '\n',
        );
        if (batch.length === 5000) {
          yield batch.join('');
          batch = [];
        }
      }
      if (batch.length) yield batch.join('');
    }
    await pipeline(
      Readable.from(rows()),
      client.query(copyFrom(`COPY applications (id, number, service_code, service_version, state, agency_code, applicant_person_id, applicant_account_id, status, data, signature, language, submitted_at, deadline, updated_at, current_step, overdue, closed_at) FROM STDIN WITH (FORMAT csv)`)),
    );
    const copySeconds = (performance.now() - t) / 1000;
    console.log(`  ${options.rows.toLocaleString('en')} applications copied in ${copySeconds.toFixed(0)} s (${open.toLocaleString('en')} open)`);
    t = performance.now();
    for (const i of indexes) await client.query(i.indexdef);
    const indexSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    const migration = readFileSync(join(repoRoot, 'migrations', '0010_stats.sql'), 'utf8');
    await client.query('TRUNCATE stats_decisions');
    await client.query(migration.slice(migration.indexOf('INSERT INTO stats_decisions')));
    await client.query('ANALYZE applications');
    await client.query('ANALYZE stats_decisions');
    const statsSeconds = (performance.now() - t) / 1000;
    const size = (await client.query<{ s: string }>(`SELECT pg_size_pretty(pg_total_relation_size('applications')) AS s`)).rows[0].s;
    await client.end();
    console.log(`  indexes built in ${indexSeconds.toFixed(0)} s; statistics counted and tables analyzed in ${statsSeconds.toFixed(0)} s; applications: ${size}`);

    const signIn = async (identifier: string, role: string) =>
      `Bearer ${((await (await fetch(`${base}/api/v1/auth/demo-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identifier, role }) })).json()) as { token: string }).token}`;
    const officerAuth = await signIn(officer.qualifiedIdentifier, 'officer');
    const citizenAuth = await signIn(erlan.qualifiedIdentifier, 'citizen');
    const reads: { name: string; path: string; authorization?: string }[] = [
      { name: "baseline: /health (one database round trip)", path: '/health' },
      { name: "officer's queue, first page (50 by deadline)", path: '/api/v1/officer/queue?limit=50', authorization: officerAuth },
      { name: "officer's queue, overdue only", path: '/api/v1/officer/queue?limit=50&overdue=true', authorization: officerAuth },
      { name: "citizen's applications, first page", path: '/api/v1/applications?limit=20', authorization: citizenAuth },
      { name: 'public statistics, last 12 months', path: '/api/v1/stats' },
      { name: 'public statistics, one state, 3 years', path: `/api/v1/stats?state=KZ&from=${new Date(now - 3 * 365 * DAY).toISOString().slice(0, 7)}` },
    ];
    const results = [];
    for (const r of reads) {
      const sample = await fetch(`${base}${r.path}`, { headers: r.authorization ? { authorization: r.authorization } : {} });
      if (!sample.ok) throw new Error(`${r.path}: ${sample.status} ${await sample.text()}`);
      const body = (await sample.json()) as { items?: unknown[]; totals?: { provided: number } };
      const runs = [];
      for (let round = 0; round < options.rounds; round++) {
        runs.push(await load({ url: base, connections: options.connections, seconds: options.seconds, headers: r.authorization ? { authorization: r.authorization } : {}, request: () => ({ path: r.path }) }));
      }
      const row = {
        name: r.name,
        path: r.path,
        answered: body.items ? `${body.items.length} items` : body.totals ? `${body.totals.provided.toLocaleString('en')} decisions` : 'ok',
        perSecond: median(runs.map((x) => x.requestsPerSecond)),
        p50: median(runs.map((x) => x.p50)),
        p99: median(runs.map((x) => x.p99)),
        failed: runs.reduce((n, x) => n + x.errors + x.non2xx, 0),
      };
      console.log(`  ${row.name}: ${Math.round(row.perSecond)}/s, p50 ${row.p50} ms, p99 ${row.p99} ms (${row.answered})`);
      results.push(row);
    }
    const baseline = results[0];
    printTable(
      `Reads at ${options.rows.toLocaleString('en')} applications (${size}), ${options.connections} connections, median of ${options.rounds} × ${options.seconds} s; target p99 ≤ ${TARGET_P99_MS} ms`,
      ['read', 'answered', 'requests/s', 'p50 ms', 'p99 ms', 'p99 / baseline'],
      results.map((r) => [r.name, r.answered, Math.round(r.perSecond), r.p50, r.p99, (r.p99 / Math.max(1, baseline.p99)).toFixed(1)]),
    );
    return { rows: options.rows, open, residents, tableSize: size, loadSeconds: { seed: seedSeconds, copy: copySeconds, indexes: indexSeconds, statistics: statsSeconds }, connections: options.connections, targetP99Ms: TARGET_P99_MS, reads: results };
  } finally {
    await stopProcesses();
    await db.drop().catch(() => {});
  }
}
