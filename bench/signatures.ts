// npm run bench -- signatures: sign-in and submission signed with a citizen's own CMS e-signature (RSA 2048, and GOST
// R 34.10-2012 512-bit with Streebog-512, by openssl with Debian's GOST engine) beside the node's own JWS ES256, as
// ratios to it in the same run. The CMS certificates chain to a test Kazakh RSA root and a GOST root installed in the
// trust list (ORTAK_TRUST_DIR); their status comes from an `openssl ocsp` responder per root, asked once before the
// measured rounds, so that every measured signature's status is answered from the node's OCSP cache. Every signature
// is made before a timed loop (openssl takes milliseconds to start): the loop times the HTTP requests only. Each row
// is timed one request at a time (latency) and with a few requests at once (throughput, node CPU per operation).
import { randomUUID } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompactSign, importJWK, type JWK } from 'jose';
import { parse } from 'yaml';
import { canonicalJson } from '../src/platform/canonical-json.js';
import { BenchPki, GOST_512, RSA_2048 } from './pki.js';
import { drainJobs } from './submissions.js';
import { cpuSeconds, createDatabase, dist, freePort, median, printTable, processTree, query, repoRoot, startProcess, stopProcesses, waitFor } from './support.js';

export interface SignatureBenchOptions {
  /** operations per row and round: half timed one at a time, half `concurrency` at once */
  operations: number;
  concurrency: number;
  rounds: number;
}

const SERVICE = 'kz-criminal-record-certificate';
const EKU_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const EKU_EMAIL = '1.3.6.1.5.5.7.3.4';
type Kind = 'jws' | 'rsa' | 'gost';
const KINDS: { kind: Kind; label: string }[] = [
  { kind: 'jws', label: 'JWS ES256, node CA (baseline)' },
  { kind: 'rsa', label: 'CMS RSA 2048 / SHA-256' },
  { kind: 'gost', label: 'CMS GOST 2012-512 / Streebog-512' },
];

interface Request {
  path: string;
  headers: Record<string, string>;
  body: string;
}
interface Timing {
  p50: number;
  p99: number;
  perSecond: number;
  cpuMsPerOp: number;
}

/** `limit` promises at a time over `items`. */
async function pool<T, R>(items: T[], limit: number, work: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i], i);
      }
    }),
  );
  return out;
}

async function send(base: string, r: Request, expected: number): Promise<void> {
  const res = await fetch(base + r.path, { method: 'POST', headers: { 'content-type': 'application/json', ...r.headers }, body: r.body });
  const text = await res.text();
  if (res.status !== expected) throw new Error(`${r.path} was answered ${res.status}: ${text.slice(0, 300)}`);
}

/** The requests one at a time (latency of each), then `more` of them `concurrency` at once (throughput, node CPU). */
async function time(base: string, pids: number[], one: Request[], more: Request[], concurrency: number, expected: number): Promise<Timing> {
  const latencies: number[] = [];
  for (const r of one) {
    const t0 = performance.now();
    await send(base, r, expected);
    latencies.push(performance.now() - t0);
  }
  const cpu = () => pids.reduce((n, pid) => n + cpuSeconds(pid), 0);
  const cpuBefore = cpu();
  const t0 = performance.now();
  await pool(more, concurrency, (r) => send(base, r, expected));
  const seconds = (performance.now() - t0) / 1000;
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50: median(latencies), p99: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))], perSecond: more.length / seconds, cpuMsPerOp: (1000 * (cpu() - cpuBefore)) / more.length };
}

export async function benchSignatures(options: SignatureBenchOptions): Promise<Record<string, unknown>> {
  const db = await createDatabase(`ortak_bench_signatures_${process.pid}`);
  const rsa = new BenchPki().root('root', '/C=KZ/O=Bench NCA/CN=Bench NCA Root (RSA)', RSA_2048);
  const gost = new BenchPki({ gost: true }).root('root', '/C=KZ/O=Bench NCA/CN=Bench NCA Root (GOST)', GOST_512);
  try {
    // the node's shipped trust profiles, with both roots installed in Kazakhstan's folder
    const trustDir = join(rsa.dir, 'trust');
    cpSync(join(repoRoot, 'trust'), trustDir, { recursive: true });
    writeFileSync(join(trustDir, 'KZ', 'bench-rsa-root.pem'), readFileSync(join(rsa.dir, 'root.pem')));
    writeFileSync(join(trustDir, 'KZ', 'bench-gost-root.pem'), readFileSync(join(gost.dir, 'root.pem')));

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const node = startProcess(dist('src/main.js'), [], {
      PORT: String(port),
      ORTAK_CLIENT_PORT: String(await freePort()),
      HOST: '127.0.0.1',
      DATABASE_URL: db.url,
      ORTAK_STATES: 'KZ',
      ORTAK_PROCESSES: '1',
      ORTAK_DEMO_HISTORY: '0',
      ORTAK_TRUST_DIR: trustDir,
      // one client address signs in thousands of times a minute here
      ORTAK_SIGNIN_RATE_LIMIT: '1000000',
      LOG_LEVEL: 'warn',
    });
    await waitFor(`${base}/health`, 120);
    const pids = processTree(node.pid!);

    // Ерлан, the Russian-speaking demo citizen (as in the submissions suite: his certificate waits for an officer, so
    // the background work a submission leaves is the evidence job, not a PDF): his key file for JWS, and certificates
    // with his IIN from both roots for CMS, an authentication one and a signing one each.
    const personas = (await (await fetch(`${base}/api/v1/auth/demo-personas`)).json()) as { qualifiedIdentifier: string; identifier: string; role: string; state: string; language: string; keyFile: JWK & { x5c: string[] } }[];
    const persona = personas.find((p) => p.role === 'citizen' && p.state === 'KZ' && p.language === 'ru');
    if (!persona) throw new Error('no Russian-speaking KZ demo citizen');
    const subject = `/C=KZ/CN=ЖАҚСЫБЕКОВ ЕРЛАН/serialNumber=IIN${persona.identifier}`;
    const [rsaOcsp, gostOcsp] = [await freePort(), await freePort()];
    const aia = (p: number) => `authorityInfoAccess=OCSP;URI:http://127.0.0.1:${p}\n`;
    const AUTH = `keyUsage=critical,digitalSignature\nextendedKeyUsage=${EKU_CLIENT_AUTH}\n`;
    const SIGN = `keyUsage=critical,nonRepudiation,digitalSignature\nextendedKeyUsage=${EKU_EMAIL}\n`;
    rsa.person('auth', 'root', RSA_2048, subject, AUTH + aia(rsaOcsp)).person('sign', 'root', RSA_2048, subject, SIGN + aia(rsaOcsp));
    gost.person('auth', 'root', GOST_512, subject, AUTH + aia(gostOcsp)).person('sign', 'root', GOST_512, subject, SIGN + aia(gostOcsp));
    await rsa.ocspResponder('root', rsaOcsp, 'sha256');
    await gost.ocspResponder('root', gostOcsp, 'md_gost12_512');

    const key = await importJWK(persona.keyFile, 'ES256');
    const jws = (content: string) => new CompactSign(new TextEncoder().encode(content)).setProtectedHeader({ alg: 'ES256', x5c: persona.keyFile.x5c }).sign(key);
    const cms = async (kind: 'rsa' | 'gost', content: string, signer: 'auth' | 'sign', ...extra: string[]) =>
      (kind === 'rsa' ? await rsa.sign(content, signer, '-md', 'sha256', ...extra) : await gost.sign(content, signer, '-md', 'md_gost12_512', ...extra)).toString('base64');

    // Sign-ins: a fresh challenge each, signed beforehand (the CMS carries the nonce: a detached GOST one would make
    // the node look for it by Streebog digest among the open challenges, hundreds of them here).
    const signIns = async (kind: Kind, n: number): Promise<Request[]> => {
      const nonces = await pool(Array.from({ length: n }), 8, async () => ((await (await fetch(`${base}/api/v1/auth/challenge`, { method: 'POST' })).json()) as { nonce: string }).nonce);
      return pool(nonces, 4, async (nonce) => ({
        path: '/api/v1/auth/signin',
        headers: {},
        body: JSON.stringify(kind === 'jws' ? { signature: await jws(JSON.stringify({ nonce })) } : { cms: await cms(kind, nonce, 'auth', '-nodetach') }),
      }));
    };
    // Submissions: the form signed once per kind (as the submissions suite does), a new Idempotency-Key each time.
    const login = (await (await fetch(`${base}/api/v1/auth/demo-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identifier: persona.qualifiedIdentifier, role: 'citizen' }) })).json()) as { token: string };
    const data = (parse(readFileSync(join(repoRoot, 'services', 'KZ', `${SERVICE}.yaml`), 'utf8')) as { form: { example: Record<string, unknown> } }).form.example;
    const payload = canonicalJson({ service: SERVICE, data });
    const signedForm: Record<Kind, string> = {
      jws: JSON.stringify({ service: SERVICE, data, signature: await jws(payload) }),
      rsa: JSON.stringify({ service: SERVICE, data, cms: await cms('rsa', payload, 'sign') }),
      gost: JSON.stringify({ service: SERVICE, data, cms: await cms('gost', payload, 'sign') }),
    };
    const submissions = (kind: Kind, n: number): Request[] =>
      Array.from({ length: n }, () => ({ path: '/api/v1/applications', headers: { authorization: `Bearer ${login.token}`, 'idempotency-key': randomUUID() }, body: signedForm[kind] }));

    // Warm-up, not counted: the first CMS of each kind asks its responder (the answer is kept until its nextUpdate,
    // two hours on), and the JIT compiler and the pool get going.
    const warm = Math.max(10, Math.round(options.operations / 10));
    for (const { kind } of KINDS) {
      await time(base, pids, await signIns(kind, 1), await signIns(kind, warm), options.concurrency, 200);
      await time(base, pids, submissions(kind, 1), submissions(kind, warm), options.concurrency, 201);
    }
    await drainJobs(db.url);

    const n = options.operations;
    const half = Math.max(1, Math.round(n / 2));
    const runs: Record<'signin' | 'submission', Record<Kind, Timing[]>> = { signin: { jws: [], rsa: [], gost: [] }, submission: { jws: [], rsa: [], gost: [] } };
    for (let round = 1; round <= options.rounds; round++) {
      for (const { kind } of KINDS) {
        const [one, more] = [await signIns(kind, half), await signIns(kind, n - half || 1)];
        const s = await time(base, pids, one, more, options.concurrency, 200);
        runs.signin[kind].push(s);
        const a = await time(base, pids, submissions(kind, half), submissions(kind, n - half || 1), options.concurrency, 201);
        runs.submission[kind].push(a);
        const drained = await drainJobs(db.url);
        console.log(
          `  round ${round}, ${kind}: sign-in p50 ${s.p50.toFixed(2)} ms, ${Math.round(s.perSecond)}/s, CPU ${s.cpuMsPerOp.toFixed(2)} ms; submission p50 ${a.p50.toFixed(2)} ms, ${Math.round(a.perSecond)}/s, CPU ${a.cpuMsPerOp.toFixed(2)} ms; ${drained.jobs} jobs drained in ${drained.seconds.toFixed(1)} s`,
        );
      }
    }

    // the cache at work: every CMS sign-in's audit entry has the status as the one answer its certificate got
    const answers = await query<{ certificate: string; signins: number; answers: number }>(
      db.url,
      `SELECT details->>'signerCertificate' AS certificate, count(*)::int AS signins, count(DISTINCT details->'certificateStatus'->>'thisUpdate')::int AS answers
         FROM audit_events WHERE action = 'signin' AND details->>'method' = 'cms' GROUP BY 1`,
    );
    console.log(`  OCSP answers behind the CMS sign-ins: ${answers.map((a) => `${a.answers} for ${a.signins} sign-ins`).join(', ')}`);
    const summary = (ts: Timing[]) => ({ p50: median(ts.map((t) => t.p50)), p99: median(ts.map((t) => t.p99)), perSecond: median(ts.map((t) => t.perSecond)), cpuMsPerOp: median(ts.map((t) => t.cpuMsPerOp)) });
    const result = {
      operations: n,
      concurrency: options.concurrency,
      rounds: options.rounds,
      persona: persona.qualifiedIdentifier,
      ocspAnswersPerCertificate: answers,
      ocsp: 'answered from the node cache: each certificate status was fetched once from openssl ocsp before the measured rounds',
      signin: Object.fromEntries(KINDS.map(({ kind }) => [kind, summary(runs.signin[kind])])) as Record<Kind, ReturnType<typeof summary>>,
      submission: Object.fromEntries(KINDS.map(({ kind }) => [kind, summary(runs.submission[kind])])) as Record<Kind, ReturnType<typeof summary>>,
      runs,
    };
    const rows: (string | number)[][] = [];
    for (const op of ['signin', 'submission'] as const) {
      const baseline = result[op].jws;
      for (const { kind, label } of KINDS) {
        const r = result[op][kind];
        rows.push([
          `${op === 'signin' ? 'sign-in' : 'submission'}: ${label}`,
          r.p50.toFixed(2),
          r.p99.toFixed(2),
          (r.p50 / baseline.p50).toFixed(2),
          Math.round(r.perSecond),
          (r.perSecond / baseline.perSecond).toFixed(2),
          r.cpuMsPerOp.toFixed(2),
        ]);
      }
    }
    printTable(
      `Sign-in and submission by signature kind, one node process on PostgreSQL; CMS certificate status (OCSP) answered from the node's cache; median of ${options.rounds} rounds of ${n} operations a row, ${half} one at a time (latency) and ${n - half || 1} ${options.concurrency} at once (throughput, node CPU)`,
      ['operation: signature', 'p50 ms', 'p99 ms', 'p50 ratio to JWS', 'ops/s', 'ops/s ratio to JWS', 'node CPU ms/op'],
      rows,
    );
    return result;
  } finally {
    await stopProcesses();
    rsa.remove();
    gost.remove();
    await db.drop().catch(() => {});
  }
}
