import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../src/platform/db/index.js';
import { createTestNode, type TestNode } from './support/node.js';

// Hostile input, driven by the node's own OpenAPI description: every operation gets malformed path parameters,
// query strings, headers and bodies, under every kind of caller. No answer may be a 5xx, none may crash the node,
// and nothing may be written: the domain tables keep their row counts.
let t: TestNode;
let callers: Record<string, Record<string, string>>;
const REQUESTS_PER_OPERATION = 240;

// Tables a malformed request must never change (sign-in challenges and sessions are the anonymous API's own
// bookkeeping, and an ordinary, valid request may write them).
const GUARDED = [
  'applications', 'application_actions', 'idempotency_keys', 'audit_events', 'jobs', 'notifications', 'documents', 'invoices',
  'payment_attempts', 'ledger_entries', 'access_rights', 'message_log', 'data_access_log', 'application_evidence', 'proactive_offers', 'persons', 'accounts',
] as const;

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of GUARDED) out[table] = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(t.node.database.db)).rows[0].n);
  return out;
}

beforeAll(async () => {
  t = await createTestNode();
  callers = {
    anonymous: {},
    citizen: { authorization: `Bearer ${await t.signIn(t.persona({ role: 'citizen', state: 'KZ', language: 'kk' }))}` },
    officer: { authorization: `Bearer ${await t.signIn(t.persona({ role: 'officer', state: 'KZ', agency: 'kz-legal-statistics' }))}` },
    operator: { authorization: `Bearer ${await t.signIn(t.persona({ role: 'operator' }))}` },
    forged: { authorization: 'Bearer 0123456789abcdef', cookie: 'ortak_session=%00%ff; x=' },
  };
}, 60_000);
afterAll(() => t.close());

interface Operation {
  method: string;
  path: string;
  parameters: { in: string; name: string }[];
  body?: { required?: string[]; properties?: Record<string, { type?: string }> };
}

const hostileText = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('', ' ', '../../etc/passwd', "' OR 1=1--", '%00', '\u0000', '😀'.repeat(50), 'null', 'undefined', '-1', '1e309', 'NaN', '__proto__', '<script>alert(1)</script>', 'KZ/GOV//', '0'.repeat(300), '\ud800', 'a\udc00b', 'x\u0000') },
  { weight: 6, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 3000, maxLength: 5000 }) },
  { weight: 3, arbitrary: fc.uuid() },
  { weight: 2, arbitrary: fc.integer().map(String) },
);
const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 10, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 2, arbitrary: fc.constant({ __proto__: { admin: true }, constructor: { prototype: { role: 'operator' } } }) },
  { weight: 2, arbitrary: fc.constant(JSON.parse('{"__proto__": {"polluted": true}}')) },
  { weight: 2, arbitrary: fc.array(fc.constant(null), { minLength: 0, maxLength: 50 }) },
  // deeper than the node takes (64 levels), as arrays and as objects
  { weight: 1, arbitrary: fc.constant(JSON.parse(`${'['.repeat(1000)}${']'.repeat(1000)}`)) },
  { weight: 1, arbitrary: fc.constant(JSON.parse(`${'{"a":'.repeat(200)}1${'}'.repeat(200)}`)) },
  // larger than the body limit (413)
  { weight: 1, arbitrary: fc.constant('x'.repeat(1_100_000)) },
);

/** A request for the operation with at least one part that breaks its contract. */
function malformedRequest(op: Operation) {
  return fc.record({
    caller: fc.constantFrom(...Object.keys(callers)),
    pathValues: fc.array(hostileText, { minLength: op.parameters.length, maxLength: op.parameters.length }),
    queryValues: fc.array(fc.oneof(hostileText, fc.constant(['a', 'b'])), { minLength: 4, maxLength: 4 }),
    extraQuery: fc.boolean(),
    idempotencyKey: fc.option(fc.oneof(hostileText, fc.constant('x'.repeat(300)), fc.constant('a\tb')), { nil: undefined }),
    contentType: fc.constantFrom('application/json', 'text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', undefined),
    body: fc.oneof(
      // the declared body with one field of the wrong type, one required field missing, or an unknown one
      fc.record({ kind: fc.constant('typed' as const), wrongField: fc.nat(), value: hostileJson, drop: fc.boolean(), extra: fc.boolean() }),
      fc.record({ kind: fc.constant('json' as const), value: hostileJson }),
      fc.record({ kind: fc.constant('text' as const), value: fc.constantFrom('{', '{"a":', '[1,2', '\u0000\u0001', 'null', '"x"', '{"a":1}}', '{"a":' + '['.repeat(5000)) }),
      fc.constant({ kind: 'none' as const }),
    ),
    language: fc.constantFrom('kk', 'xx', '', 'ru;q=abc', 'tr-TR,*;q=0'),
  });
}

// A lone surrogate has no UTF-8 form: it is sent as the bytes a careless encoder makes of it (CESU-8), which the
// node must refuse as it refuses any URL that does not decode.
const cesu8 = (code: number) => [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
const encodePathValue = (v: string) => [...v].map((ch) => (ch.length === 1 && /[\ud800-\udfff]/.test(ch) ? cesu8(ch.charCodeAt(0)) : encodeURIComponent(ch))).join('');

type Sample = ReturnType<typeof malformedRequest> extends fc.Arbitrary<infer T> ? T : never;

function build(op: Operation, r: Sample) {
  let url = op.path;
  let i = 0;
  for (const p of op.parameters.filter((p) => p.in === 'path')) url = url.replace(`{${p.name}}`, encodePathValue(String(r.pathValues[i++] ?? '')) || '%20');
  const query = new URLSearchParams();
  op.parameters
    .filter((p) => p.in === 'query')
    .forEach((p, j) => {
      const v = r.queryValues[j % r.queryValues.length];
      for (const one of Array.isArray(v) ? v : [v]) query.append(p.name, String(one));
    });
  if (r.extraQuery) query.append('unexpected[0]', 'x');
  const headers: Record<string, string> = { ...callers[r.caller], 'accept-language': r.language };
  if (r.idempotencyKey !== undefined) headers['idempotency-key'] = String(r.idempotencyKey).replace(/[\r\n]/g, ' ');
  if (r.contentType) headers['content-type'] = r.contentType;
  let payload: string | undefined;
  if (r.body.kind === 'typed') {
    const properties = Object.keys(op.body?.properties ?? { field: {} });
    const data: Record<string, unknown> = Object.fromEntries(properties.map((k) => [k, 'x']));
    const wrong = properties[r.body.wrongField % properties.length];
    data[wrong] = r.body.value;
    if (r.body.drop) delete data[(op.body?.required ?? properties)[0]];
    if (r.body.extra) data.unexpected = { nested: [1, 2, 3] };
    payload = JSON.stringify(data);
  } else if (r.body.kind === 'json') payload = JSON.stringify(r.body.value) ?? 'null';
  else if (r.body.kind === 'text') payload = r.body.value;
  const qs = query.toString();
  return { method: op.method as 'GET', url: `${url}${qs ? `?${qs}` : ''}`, headers, payload };
}

interface PropertySchema {
  type?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: PropertySchema[];
  minLength?: number;
}

/** A value the property's schema accepts, so that a probe's one bad part is the only thing wrong with it. */
function exampleOf(schema: PropertySchema): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf) return exampleOf(schema.anyOf[0]);
  if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
  return { integer: 1, number: 1, boolean: true, object: {}, array: [], null: null }[schema.type ?? ''] ?? 'x'.repeat(Math.max(1, schema.minLength ?? 1));
}

/** Each class of bad input the node once answered with a 500, in every place of the operation that takes text. */
function classProbes(op: Operation): Sample[] {
  const base: Sample = { caller: 'anonymous', pathValues: op.parameters.map(() => 'x'), queryValues: ['1', '1', '1', '1'], extraQuery: false, idempotencyKey: undefined, contentType: 'application/json', body: { kind: 'none' }, language: 'kk' };
  const bad = ['not-a-uuid', '\u0000', '\ud800', 'a\udc00b'];
  // (as text: JSON.stringify itself cannot go that deep)
  const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
  const field = Object.keys(op.body?.properties ?? { field: {} })[0];
  const properties = (op.body?.properties ?? {}) as Record<string, PropertySchema>;
  const valid = Object.fromEntries(Object.entries(properties).map(([k, schema]) => [k, exampleOf(schema)]));
  const withValidBody = { ...base, body: { kind: 'json' as const, value: valid } };
  const strings = Object.keys(properties).filter((k) => typeof valid[k] === 'string');
  return [
    ...bad.map((v) => ({ ...withValidBody, pathValues: op.parameters.map(() => v) })),
    ...bad.map((v) => ({ ...withValidBody, queryValues: [v, v, v, v] })),
    ...bad.flatMap((v) => strings.map((k) => ({ ...base, body: { kind: 'json' as const, value: { ...valid, [k]: v } } }))),
    { ...base, body: { kind: 'text', value: `{${JSON.stringify(field)}:${deep}}` } },
    { ...base, body: { kind: 'text', value: deep } },
  ];
}

describe('hostile input from the OpenAPI description', () => {
  it('never answers 5xx to each class of bad input, on every operation, as every kind of caller', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { parameters?: Operation['parameters']; requestBody?: { content: Record<string, { schema: Operation['body'] }> } }>> };
    const before = await counts();
    const failures: string[] = [];
    let sent = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const operation: Operation = { method: method.toUpperCase(), path, parameters: (op.parameters ?? []).filter((p) => p.in === 'path' || p.in === 'query'), body: op.requestBody ? Object.values(op.requestBody.content)[0]?.schema : undefined };
        for (const caller of Object.keys(callers)) {
          for (const probe of classProbes(operation)) {
            const request = build(operation, { ...probe, caller, idempotencyKey: `fuzz-${sent}` });
            const res = await t.app.inject(request);
            sent += 1;
            if (res.statusCode >= 500) failures.push(`${caller} ${request.method} ${request.url.slice(0, 120)} → ${res.statusCode} ${res.body.slice(0, 200)}`);
          }
        }
      }
    }
    console.log(`fuzz: ${sent} class probes`);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(await counts()).toEqual(before);
  }, 600_000);


  it('never answers 5xx, never crashes, and writes nothing, over 10,000 malformed requests across every operation', async () => {
    const started = Date.now();
    const doc = (await t.app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { parameters?: Operation['parameters']; requestBody?: { content: Record<string, { schema: Operation['body'] }> } }>> };
    const operations: Operation[] = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        parameters: (op.parameters ?? []).filter((p) => p.in === 'path' || p.in === 'query'),
        body: op.requestBody ? Object.values(op.requestBody.content)[0]?.schema : undefined,
      })),
    );
    expect(operations.length).toBeGreaterThan(40);
    const before = await counts();
    let sent = 0;
    const failures: string[] = [];
    for (const op of operations) {
      const samples = fc.sample(malformedRequest(op), { numRuns: REQUESTS_PER_OPERATION, seed: 20261125 + sent });
      for (const r of samples) {
        const request = build(op, r);
        const res = await t.app.inject(request);
        sent += 1;
        if (res.statusCode >= 500) failures.push(`${request.method} ${request.url.slice(0, 120)} → ${res.statusCode} ${res.body.slice(0, 200)}`);
        else if (res.statusCode >= 400 && !String(res.headers['content-type']).startsWith('application/problem+json') && !request.url.startsWith('/verify/') && !(request.url.startsWith('/tsa') && res.headers['content-type'] === 'application/timestamp-reply')) {
          // (the time-stamping authority refuses a malformed DER query in its own protocol, an RFC 3161 rejection)
          failures.push(`${request.method} ${request.url.slice(0, 120)} → ${res.statusCode} as ${res.headers['content-type']}`);
        }
      }
    }
    console.log(`fuzz: ${sent} requests over ${operations.length} operations in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(sent).toBeGreaterThanOrEqual(10_000);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(await counts()).toEqual(before);
    // and the node still serves an ordinary request
    expect((await t.app.inject({ url: '/health' })).statusCode).toBe(200);
  }, 600_000);
});
