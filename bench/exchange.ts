// npm run bench -- exchange: round trips through two gateways (the Kyrgyz node's client side, mutual TLS, the Kazakh
// node's provider side: access check, signing and verification both ways, both message logs, the data tracker)
// against the same chain of plain proxies over the same transport, calling the same register over the same
// database, measured in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { largeBodyRound, type LargeBodyResult } from './large-bodies.js';
import { cpuSeconds, createDatabase, dist, freePort, load, type LoadResult, median, printTable, query, runCli, startProcess, stopProcesses, waitFor } from './support.js';

export interface ExchangeBenchOptions {
  connections: number;
  seconds: number;
  rounds: number;
  persons: number;
}

const SERVICE = 'KZ/GOV/MVD/REGISTRIES/population';
const CLIENT = 'KG/GOV/MVD/WORKPERMITS';
const HEADERS = { 'x-road-client': CLIENT, 'x-road-userid': 'KG21204198812345', 'x-road-issue': 'work permit check' };
// the large-body rounds: a notary's own system behind the Kazakh node, sent and answering 10 MiB (the default limit)
const FILES = 'KZ/GOV/MINJUST/NOTARY/files';
const LARGE_BODY = 10 * 1024 * 1024;
const LARGE_CONNECTIONS = 4;

export async function benchExchange(options: ExchangeBenchOptions): Promise<Record<string, unknown>> {
  const work = mkdtempSync(join(tmpdir(), 'ortak-bench-exchange-'));
  const fed = join(work, 'federation');
  const kzDb = await createDatabase(`ortak_bench_kz_${process.pid}`);
  const kgDb = await createDatabase(`ortak_bench_kg_${process.pid}`);
  try {
    const [kzHttp, kzGw, kzClients, kgHttp, kgGw, kgClients, front, back, echo] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
    runCli('src/cli/federation.js', ['init', fed]);
    runCli('src/cli/federation.js', ['add-node', fed, 'KZ', `https://127.0.0.1:${kzGw}`, 'KZ']);
    runCli('src/cli/federation.js', ['add-node', fed, 'KG', `https://127.0.0.1:${kgGw}`, 'KG']);
    runCli('src/cli/federation.js', ['add-subsystem', fed, 'KZ', 'KZ/GOV/MINJUST/NOTARY']);
    runCli('src/cli/federation.js', ['publish', fed, '24']);
    const tls = (id: string) => [join(fed, 'nodes', `${id}.key.pem`), join(fed, 'nodes', `${id}.cert.pem`), join(fed, 'anchor.cert.pem')];

    console.log(`seeding ${options.persons.toLocaleString('en')} persons into the Kazakh node's database…`);
    runCli('src/cli/seed.js', ['--persons', String(options.persons)], { DATABASE_URL: kzDb.url, ORTAK_STATES: 'KZ', LOG_LEVEL: 'warn' });
    runCli('src/cli/exchange.js', ['access', 'grant', SERVICE, CLIENT], { DATABASE_URL: kzDb.url, ORTAK_STATES: 'KZ' });
    runCli('src/cli/exchange.js', ['services', 'add', FILES, `http://127.0.0.1:${echo}`], { DATABASE_URL: kzDb.url, ORTAK_STATES: 'KZ' });
    runCli('src/cli/exchange.js', ['access', 'grant', FILES, CLIENT], { DATABASE_URL: kzDb.url, ORTAK_STATES: 'KZ' });
    const ids = (await query<{ national_id: string }>(kzDb.url, `SELECT national_id FROM persons WHERE state = 'KZ' ORDER BY random() LIMIT 20000`)).map((r) => r.national_id);

    // (demo mode registers the Kyrgyz work-permit system on the Kyrgyz node's client interface; its rate limit is
    // lifted so that the limit itself is not what is measured)
    const node = (id: string, db: string, http: number, gw: number, clients: number) =>
      startProcess(dist('src/main.js'), [], {
        PORT: String(http), ORTAK_CLIENT_PORT: String(clients), ORTAK_CLIENT_RATE_LIMIT: '100000000', HOST: '127.0.0.1',
        // bodies are logged (the default) and the log time-stamped in batches every 2 s (60 s by default), so that
        // the rounds pay for the stamps as well
        ORTAK_TIMESTAMP_INTERVAL_SECONDS: '2', DATABASE_URL: db, ORTAK_STATES: id, ORTAK_NODE_ID: id, ORTAK_GATEWAY_PORT: String(gw),
        ORTAK_NODE_KEY: tls(id)[0], ORTAK_NODE_CERT: tls(id)[1], ORTAK_FEDERATION_ANCHOR: tls(id)[2], ORTAK_FEDERATION_CONFIG: join(fed, 'config.jws'), LOG_LEVEL: 'warn',
      });
    const processes = {
      gateways: [node('KG', kgDb.url, kgHttp, kgGw, kgClients), node('KZ', kzDb.url, kzHttp, kzGw, kzClients)],
      proxies: [
        startProcess(dist('bench/plain-proxy.js'), ['front', String(front), `https://127.0.0.1:${back}`, ...tls('KG')], {}),
        startProcess(dist('bench/plain-proxy.js'), ['back', String(back), ...tls('KZ'), kzDb.url, 'KZ'], {}),
      ],
    };
    startProcess(dist('bench/plain-proxy.js'), ['echo', String(echo)], {});
    await Promise.all([waitFor(`http://127.0.0.1:${kzHttp}/health`), waitFor(`http://127.0.0.1:${kgHttp}/health`)]);

    const chains = {
      gateways: `http://127.0.0.1:${kgClients}`,
      proxies: `http://127.0.0.1:${front}`,
    };
    const path = (i: number) => `/r1/${SERVICE}/persons/${ids[i % ids.length]}`;
    let next = 0;
    const request = () => ({ path: path(next++) });
    // Both chains must give the same answer before either is timed.
    for (const [name, base] of Object.entries(chains)) {
      for (let tries = 0; ; tries++) {
        const res = await fetch(`${base}${path(0)}`, { headers: HEADERS }).catch(() => undefined);
        if (res?.status === 200 && ((await res.json()) as { identifier?: string }).identifier === ids[0]) break;
        if (tries > 50) throw new Error(`the ${name} chain does not answer ${path(0)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }

    const runs: Record<keyof typeof chains, (LoadResult & { cpuMsPerRoundTrip: { client: number; provider: number } })[]> = { gateways: [], proxies: [] };
    for (const base of Object.values(chains)) await load({ url: base, connections: options.connections, seconds: 2, headers: HEADERS, request });
    for (let round = 1; round <= options.rounds; round++) {
      for (const [name, base] of Object.entries(chains) as [keyof typeof chains, string][]) {
        const before = processes[name].map((p) => cpuSeconds(p.pid!));
        const r = await load({ url: base, connections: options.connections, seconds: options.seconds, headers: HEADERS, request });
        // CPU milliseconds per round trip in the client-side and the provider-side process
        const cpu = processes[name].map((p, i) => (1000 * (cpuSeconds(p.pid!) - before[i])) / r.requests);
        runs[name].push({ ...r, cpuMsPerRoundTrip: { client: cpu[0], provider: cpu[1] } });
        console.log(`  round ${round} ${name.padEnd(8)} ${Math.round(r.requestsPerSecond)} rt/s, p50 ${r.p50} ms, p99 ${r.p99} ms, errors ${r.errors}, non-2xx ${r.non2xx}, CPU ms per round trip: client side ${cpu[0].toFixed(2)}, provider side ${cpu[1].toFixed(2)}`);
      }
    }
    const summary = (name: keyof typeof chains) => ({
      requestsPerSecond: median(runs[name].map((r) => r.requestsPerSecond)),
      p50: median(runs[name].map((r) => r.p50)),
      p99: median(runs[name].map((r) => r.p99)),
      failed: runs[name].reduce((n, r) => n + r.errors + r.non2xx, 0),
    });
    const gateways = summary('gateways');
    const proxies = summary('proxies');
    const ratio = gateways.requestsPerSecond / proxies.requestsPerSecond;

    // What the gateways wrote: two log rows per round trip on each side, and chains that verify.
    const logged = async (url: string) => (await query<{ n: number }>(url, 'SELECT count(*)::int AS n FROM message_log'))[0].n;
    const [kzLog, kgLog] = await Promise.all([logged(kzDb.url), logged(kgDb.url)]);
    const evidence = async (url: string) =>
      (await query<{ bodies: number; stamps: number }>(url, 'SELECT (SELECT count(*)::int FROM message_log WHERE body IS NOT NULL) AS bodies, (SELECT count(*)::int FROM message_log_timestamps) AS stamps'))[0];
    const [kzEvidence, kgEvidence] = await Promise.all([evidence(kzDb.url), evidence(kgDb.url)]);
    const verifyKz = runCli('src/cli/exchange.js', ['verify-log'], { DATABASE_URL: kzDb.url, ORTAK_STATES: 'KZ' }).trim();

    printTable(
      `Exchange round trips, ${options.connections} connections, median of ${options.rounds} × ${options.seconds} s`,
      ['chain', 'round trips/s', 'p50 ms', 'p99 ms', 'failed'],
      [
        ['two gateways (client interface, sign, verify, access check, log both sides with bodies, time-stamps)', Math.round(gateways.requestsPerSecond), gateways.p50, gateways.p99, gateways.failed],
        ['plain mTLS proxies (baseline)', Math.round(proxies.requestsPerSecond), proxies.p50, proxies.p99, proxies.failed],
        ['ratio gateways / proxies', ratio.toFixed(2), '', '', ''],
      ],
    );
    // Large bodies: the same two chains, 10 MiB each way per round trip; what each process's memory peaks at.
    const large: Record<keyof typeof chains, LargeBodyResult> = {} as never;
    for (const [name, base] of Object.entries(chains) as [keyof typeof chains, string][]) {
      large[name] = await largeBodyRound({ url: base, path: `/r1/${FILES}/deeds`, headers: HEADERS, connections: LARGE_CONNECTIONS, seconds: options.seconds, bytes: LARGE_BODY, pids: processes[name].map((p) => p.pid!) });
      console.log(`  large bodies ${name.padEnd(8)} ${large[name].roundTrips} round trips (${large[name].failed} failed${large[name].failed ? `: ${JSON.stringify(large[name].failures)}` : ''}), ${large[name].mibPerSecond.toFixed(1)} MiB/s, peak resident MiB ${large[name].peakMib.map((m) => m.toFixed(0)).join(' / ')} (from ${large[name].startMib.map((m) => m.toFixed(0)).join(' / ')})`);
    }
    const growth = (r: LargeBodyResult, i: number) => (r.peakMib[i] - r.startMib[i]).toFixed(0);
    printTable(
      `Large bodies, ${LARGE_CONNECTIONS} connections each sending and receiving 10 MiB, ${options.seconds} s`,
      ['chain', 'round trips', 'failed', 'MiB/s (both ways)', 'client side: peak MiB (growth)', 'provider side: peak MiB (growth)'],
      [
        ['two gateways (bodies spooled, signed by digest, logged in parts)', large.gateways.roundTrips, large.gateways.failed, large.gateways.mibPerSecond.toFixed(1), `${large.gateways.peakMib[0].toFixed(0)} (+${growth(large.gateways, 0)})`, `${large.gateways.peakMib[1].toFixed(0)} (+${growth(large.gateways, 1)})`],
        ['plain mTLS proxies, streaming (baseline)', large.proxies.roundTrips, large.proxies.failed, large.proxies.mibPerSecond.toFixed(1), `${large.proxies.peakMib[0].toFixed(0)} (+${growth(large.proxies, 0)})`, `${large.proxies.peakMib[1].toFixed(0)} (+${growth(large.proxies, 1)})`],
        ['ratio gateways / proxies (MiB/s)', (large.gateways.mibPerSecond / large.proxies.mibPerSecond).toFixed(2), '', '', '', ''],
      ],
    );
    console.log(`\nmessage log rows: provider side ${kzLog.toLocaleString('en')}, client side ${kgLog.toLocaleString('en')}; provider chain: ${verifyKz}`);
    console.log(`bodies logged: provider side ${kzEvidence.bodies.toLocaleString('en')}, client side ${kgEvidence.bodies.toLocaleString('en')}; batch time-stamps: provider side ${kzEvidence.stamps}, client side ${kgEvidence.stamps}`);
    return { connections: options.connections, seconds: options.seconds, rounds: options.rounds, gateways, proxies, ratio, large, messageLogRows: { provider: kzLog, client: kgLog }, evidence: { provider: kzEvidence, client: kgEvidence }, runs };
  } finally {
    await stopProcesses();
    await Promise.all([kzDb.drop(), kgDb.drop()]).catch(() => {});
    rmSync(work, { recursive: true, force: true });
  }
}
