import { createInternalTlsCertificate } from '../src/exchange/federation-admin.js';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNode, type TestNode } from './support/node.js';

// The authorization matrix: every operation of the API, called by every kind of caller with a request that is
// otherwise well formed, so that only who is asking decides. A refusal is 401 (nobody signed in), 403 (a role that
// may never do this) or 404 (a resource that is not yours, or not your agency's: its existence is not revealed).
// "ok" means the caller got past authorization (whatever the operation then answered). Every operation in
// /openapi.json must be in the table.
type Role = 'anonymous' | 'erlan' | 'aigerim' | 'officer' | 'foreignOfficer' | 'operator';
type Outcome = 'ok' | 401 | 403 | 404;
const ROLES: Role[] = ['anonymous', 'erlan', 'aigerim', 'officer', 'foreignOfficer', 'operator'];

let t: TestNode;
const tokens: Partial<Record<Role, string>> = {};
// Ерлан's application (in review at the legal statistics agency, whose officer is `officer`), and Айгерім's issued
// certificate (a document only she may download).
let application = '';
let erlanIdentifier = '';
let document = '';

beforeAll(async () => {
  t = await createTestNode();
  const erlan = t.persona({ role: 'citizen', state: 'KZ', language: 'ru' });
  const aigerim = t.persona({ role: 'citizen', state: 'KZ', language: 'kk' });
  erlanIdentifier = erlan.qualifiedIdentifier;
  tokens.erlan = await t.signIn(erlan);
  tokens.aigerim = await t.signIn(aigerim);
  tokens.officer = await t.signIn(t.persona({ role: 'officer', state: 'KZ', agency: 'kz-legal-statistics' }));
  tokens.foreignOfficer = await t.signIn(t.persona({ role: 'officer', state: 'KZ', agency: 'kz-civil-registry' }));
  tokens.operator = await t.signIn(t.persona({ role: 'operator' }));
  const data = { usage: 'domestic', paperCopy: false };
  application = (await t.submit(tokens.erlan, erlan, 'kz-criminal-record-certificate', data)).json().id;
  await t.submit(tokens.aigerim, aigerim, 'kz-criminal-record-certificate', data);
  await t.runJobs();
  document = (await t.app.inject({ url: '/api/v1/documents', headers: { authorization: `Bearer ${tokens.aigerim}` } })).json().items[0].id;
}, 60_000);
afterAll(() => t.close());

interface Case {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** the OpenAPI path it covers */
  route: string;
  url: () => string;
  body?: () => unknown;
  expect: Record<Role, Outcome>;
}

const all = (outcome: Outcome, overrides: Partial<Record<Role, Outcome>> = {}): Record<Role, Outcome> =>
  ({ ...Object.fromEntries(ROLES.map((r) => [r, outcome])), ...overrides }) as Record<Role, Outcome>;
const signedIn = (overrides: Partial<Record<Role, Outcome>> = {}) => all('ok', { anonymous: 401, ...overrides });
const citizensOnly = (overrides: Partial<Record<Role, Outcome>> = {}) => signedIn({ officer: 403, foreignOfficer: 403, operator: 403, ...overrides });
const operatorOnly = (overrides: Partial<Record<Role, Outcome>> = {}) => all(403, { anonymous: 401, operator: 'ok', ...overrides });
// an information system's certificate, to pin
const systemCertificate = (await createInternalTlsCertificate(['is.example'], new Date())).certPem;
const ACTION_BODIES: Record<string, unknown> = {
  assign: {},
  unassign: {},
  approve: { note: 'matrix' },
  reject: { reason: 'matrix', legalBasis: 'matrix' },
  'request-info': { message: 'matrix' },
  'answer-info': { message: 'matrix' },
  withdraw: { reason: 'matrix' },
};
// An officer action on Ерлан's application: the agency's officer gets through; Ерлан sees his application but may not
// decide on it (403); Айгерім, another agency's officer and the operator do not see it at all (404).
const officerAction = (action: string): Case => ({
  method: 'POST',
  route: `/api/v1/applications/{id}/${action}`,
  url: () => `/api/v1/applications/${application}/${action}`,
  body: () => ACTION_BODIES[action],
  expect: { anonymous: 401, erlan: 403, aigerim: 404, officer: 'ok', foreignOfficer: 404, operator: 404 },
});

const CASES: Case[] = [
  { method: 'GET', route: '/health', url: () => '/health', expect: all('ok') },
  { method: 'POST', route: '/api/v1/identifiers/validate', url: () => '/api/v1/identifiers/validate', body: () => ({ state: 'KZ', kind: 'person', value: '900412300416' }), expect: all('ok') },
  { method: 'POST', route: '/api/v1/auth/challenge', url: () => '/api/v1/auth/challenge', expect: all('ok') },
  { method: 'POST', route: '/api/v1/auth/signin', url: () => '/api/v1/auth/signin', body: () => ({ challenge: randomUUID(), signature: 'a.b.c' }), expect: all('ok') },
  { method: 'GET', route: '/api/v1/me', url: () => '/api/v1/me', expect: signedIn() },
  { method: 'GET', route: '/api/v1/auth/session', url: () => '/api/v1/auth/session', expect: all('ok') },
  { method: 'GET', route: '/api/v1/auth/demo-personas', url: () => '/api/v1/auth/demo-personas', expect: all('ok') },
  { method: 'POST', route: '/api/v1/auth/demo-login', url: () => '/api/v1/auth/demo-login', body: () => ({ identifier: erlanIdentifier, role: 'citizen' }), expect: all('ok') },
  { method: 'GET', route: '/api/v1/services', url: () => '/api/v1/services', expect: all('ok') },
  { method: 'GET', route: '/api/v1/services/{code}', url: () => '/api/v1/services/kz-criminal-record-certificate', expect: all('ok') },
  { method: 'GET', route: '/api/v1/services/{code}/prefill', url: () => '/api/v1/services/kz-marriage-registration/prefill', expect: citizensOnly() },
  { method: 'POST', route: '/api/v1/applications', url: () => '/api/v1/applications', body: () => ({ service: 'kz-criminal-record-certificate', data: {}, signature: 'a.b.c' }), expect: citizensOnly() },
  { method: 'GET', route: '/api/v1/applications', url: () => '/api/v1/applications', expect: citizensOnly() },
  // the application: its applicant and the agency's officers see it; nobody else learns it exists
  { method: 'GET', route: '/api/v1/applications/{id}', url: () => `/api/v1/applications/${application}`, expect: { anonymous: 401, erlan: 'ok', aigerim: 404, officer: 'ok', foreignOfficer: 404, operator: 404 } },
  officerAction('assign'),
  officerAction('unassign'),
  officerAction('approve'),
  officerAction('reject'),
  officerAction('request-info'),
  // the applicant's own actions: the agency's officer sees the application but may not act for the applicant (403)
  ...['answer-info', 'withdraw'].map(
    (action): Case => ({
      method: 'POST',
      route: `/api/v1/applications/{id}/${action}`,
      url: () => `/api/v1/applications/${application}/${action}`,
      body: () => ACTION_BODIES[action],
      expect: { anonymous: 401, erlan: 'ok', aigerim: 404, officer: 403, foreignOfficer: 404, operator: 404 },
    }),
  ),
  { method: 'GET', route: '/api/v1/officer/queue', url: () => '/api/v1/officer/queue', expect: all(403, { anonymous: 401, officer: 'ok', foreignOfficer: 'ok' }) },
  { method: 'GET', route: '/api/v1/notifications', url: () => '/api/v1/notifications', expect: signedIn() },
  { method: 'POST', route: '/api/v1/notifications/read', url: () => '/api/v1/notifications/read', body: () => ({ ids: [randomUUID()] }), expect: signedIn() },
  { method: 'GET', route: '/verify/{id}', url: () => `/verify/${document}`, expect: all('ok') },
  { method: 'POST', route: '/api/v1/documents/verify', url: () => '/api/v1/documents/verify', expect: all('ok') },
  { method: 'POST', route: '/tsa', url: () => '/tsa', expect: all('ok') },
  { method: 'GET', route: '/api/v1/documents', url: () => '/api/v1/documents', expect: citizensOnly() },
  // the document: its holder downloads it; the issuing agency's officers may (audited); others do not see it; only
  // the issuing agency revokes (to anyone else the document's management does not exist)
  { method: 'GET', route: '/api/v1/documents/{id}/pdf', url: () => `/api/v1/documents/${document}/pdf`, expect: { anonymous: 401, erlan: 404, aigerim: 'ok', officer: 'ok', foreignOfficer: 404, operator: 404 } },
  { method: 'POST', route: '/api/v1/documents/{id}/revoke', url: () => `/api/v1/documents/${document}/revoke`, body: () => ({ reason: 'matrix' }), expect: { anonymous: 401, erlan: 404, aigerim: 404, officer: 'ok', foreignOfficer: 404, operator: 404 } },
  { method: 'GET', route: '/api/v1/me/consents', url: () => '/api/v1/me/consents', expect: citizensOnly() },
  // only a person the application names may answer for themselves; to anyone else it does not exist
  { method: 'POST', route: '/api/v1/applications/{id}/consent', url: () => `/api/v1/applications/${application}/consent`, body: () => ({ signature: 'x' }), expect: citizensOnly({ erlan: 404, aigerim: 404 }) },
  { method: 'POST', route: '/api/v1/applications/{id}/decline-consent', url: () => `/api/v1/applications/${application}/decline-consent`, body: () => ({}), expect: citizensOnly({ erlan: 404, aigerim: 404 }) },
  { method: 'GET', route: '/api/v1/invoices', url: () => '/api/v1/invoices', expect: citizensOnly() },
  { method: 'POST', route: '/api/v1/invoices/{id}/pay', url: () => `/api/v1/invoices/${randomUUID()}/pay`, body: () => ({}), expect: citizensOnly({ erlan: 404, aigerim: 404 }) },
  { method: 'POST', route: '/api/v1/payments/demo/checkout/{attemptId}', url: () => `/api/v1/payments/demo/checkout/${randomUUID()}`, body: () => ({ cardNumber: '4242424242424242' }), expect: all(404) },
  { method: 'POST', route: '/api/v1/payments/webhooks/demo', url: () => '/api/v1/payments/webhooks/demo', body: () => ({}), expect: all('ok') },
  { method: 'GET', route: '/api/v1/payments/ledger', url: () => '/api/v1/payments/ledger', expect: operatorOnly() },
  { method: 'GET', route: '/api/v1/exchange/services', url: () => '/api/v1/exchange/services', expect: all('ok') },
  { method: 'GET', route: '/api/v1/exchange/access-rights', url: () => '/api/v1/exchange/access-rights', expect: operatorOnly() },
  { method: 'POST', route: '/api/v1/exchange/access-rights', url: () => '/api/v1/exchange/access-rights', body: () => ({ service: 'KZ/GOV/MVD/REGISTRIES/population', client: 'KG/GOV/MVD/X' }), expect: operatorOnly() },
  { method: 'DELETE', route: '/api/v1/exchange/access-rights', url: () => '/api/v1/exchange/access-rights', body: () => ({ service: 'KZ/GOV/MVD/REGISTRIES/population', client: 'KG/GOV/MVD/X' }), expect: operatorOnly() },
  { method: 'GET', route: '/api/v1/exchange/clients', url: () => '/api/v1/exchange/clients', expect: operatorOnly() },
  { method: 'POST', route: '/api/v1/exchange/clients', url: () => '/api/v1/exchange/clients', body: () => ({ client: 'KZ/GOV/MVD/AUTHZ', connectionType: 'HTTP' }), expect: operatorOnly() },
  { method: 'DELETE', route: '/api/v1/exchange/clients', url: () => '/api/v1/exchange/clients', body: () => ({ client: 'KZ/GOV/MVD/AUTHZ' }), expect: operatorOnly() },
  { method: 'POST', route: '/api/v1/exchange/clients/certificates', url: () => '/api/v1/exchange/clients/certificates', body: () => ({ client: 'KZ/GOV/MVD/NOSUCH', certificate: systemCertificate }), expect: operatorOnly({ operator: 404 }) },
  { method: 'DELETE', route: '/api/v1/exchange/clients/certificates', url: () => '/api/v1/exchange/clients/certificates', body: () => ({ client: 'KZ/GOV/MVD/NOSUCH', fingerprint: '0'.repeat(64) }), expect: operatorOnly() },
  { method: 'GET', route: '/api/v1/exchange/client-interface', url: () => '/api/v1/exchange/client-interface', expect: operatorOnly() },
  { method: 'GET', route: '/api/v1/exchange/local-groups', url: () => '/api/v1/exchange/local-groups', expect: operatorOnly() },
  { method: 'PUT', route: '/api/v1/exchange/local-groups', url: () => '/api/v1/exchange/local-groups', body: () => ({ owner: 'KZ/GOV/MVD/REGISTRIES', code: 'authz', members: [] }), expect: operatorOnly() },
  { method: 'DELETE', route: '/api/v1/exchange/local-groups', url: () => '/api/v1/exchange/local-groups', body: () => ({ owner: 'KZ/GOV/MVD/REGISTRIES', code: 'authz' }), expect: operatorOnly() },
  { method: 'GET', route: '/api/v1/exchange/external-services', url: () => '/api/v1/exchange/external-services', expect: operatorOnly() },
  { method: 'POST', route: '/api/v1/exchange/external-services', url: () => '/api/v1/exchange/external-services', body: () => ({ service: 'KZ/GOV/MVD/AUTHZ/echo', url: 'http://127.0.0.1:9/x' }), expect: operatorOnly() },
  { method: 'DELETE', route: '/api/v1/exchange/external-services', url: () => '/api/v1/exchange/external-services', body: () => ({ service: 'KZ/GOV/MVD/AUTHZ/echo' }), expect: operatorOnly() },
  { method: 'GET', route: '/api/v1/exchange/message-log', url: () => '/api/v1/exchange/message-log', expect: operatorOnly() },
  { method: 'GET', route: '/api/v1/me/data-access', url: () => '/api/v1/me/data-access', expect: signedIn() },
  { method: 'GET', route: '/api/v1/me/offers', url: () => '/api/v1/me/offers', expect: citizensOnly() },
  { method: 'POST', route: '/api/v1/me/offers/{id}/accept', url: () => `/api/v1/me/offers/${randomUUID()}/accept`, body: () => ({ childGivenName: 'Айару', iban: 'KZ86125KZT5004100100' }), expect: citizensOnly({ erlan: 404, aigerim: 404 }) },
  // what the node's operator watches
  { method: 'GET', route: '/api/v1/operator/catalog', url: () => '/api/v1/operator/catalog', expect: operatorOnly() },
  { method: 'GET', route: '/api/v1/operator/agencies', url: () => '/api/v1/operator/agencies', expect: operatorOnly() },
  { method: 'GET', route: '/api/v1/operator/health', url: () => '/api/v1/operator/health', expect: operatorOnly() },
  // public statistics and their open data
  { method: 'GET', route: '/api/v1/stats', url: () => '/api/v1/stats', expect: all('ok') },
  { method: 'GET', route: '/api/v1/stats/open-data.json', url: () => '/api/v1/stats/open-data.json', expect: all('ok') },
  { method: 'GET', route: '/api/v1/stats/open-data.csv', url: () => '/api/v1/stats/open-data.csv', expect: all('ok') },
  // the SMS provider's webhook authenticates with its own bearer token, not a person's session
  { method: 'POST', route: '/api/v1/sms/inbound', url: () => '/api/v1/sms/inbound', body: () => ({ from: '+77010000000', text: 'ИӘ' }), expect: all(401) },
  // signing out last, per caller: it ends that caller's session
  { method: 'POST', route: '/api/v1/auth/signout', url: () => '/api/v1/auth/signout', expect: signedIn() },
];

describe('the authorization matrix', () => {
  it('covers every operation of the API', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const covered = new Set(CASES.map((c) => `${c.method} ${c.route}`));
    expect(operations.filter((o) => !covered.has(o))).toEqual([]);
  });

  it('refuses every caller that may not, with the status that says why', async () => {
    const wrong: string[] = [];
    for (const c of CASES) {
      for (const role of ROLES) {
        const token = tokens[role];
        const res = await t.app.inject({
          method: c.method,
          url: c.url(),
          headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'idempotency-key': randomUUID() },
          ...(c.body ? { payload: c.body() as object } : {}),
        });
        const expected = c.expect[role];
        const refused = [401, 403, 404].includes(res.statusCode);
        const ok = expected === 'ok' ? !refused : res.statusCode === expected;
        if (!ok) wrong.push(`${c.method} ${c.route} as ${role}: ${res.statusCode}, expected ${expected} (${res.body.slice(0, 120)})`);
        if (expected !== 'ok' && refused) expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    }
    expect(wrong).toEqual([]);
  });
});
