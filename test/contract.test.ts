import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractOf } from './support/contract.js';
import { createTestNode, type TestNode } from './support/node.js';

// The contract check (support/contract.ts) runs on every answer of the integration suite; here, that it would catch
// each kind of lie, on answers made up for the purpose, so a suite that passes means the description tells the truth.

interface Doc {
  paths: Record<
    string,
    Record<string, { parameters?: { in: string; name: string; required?: boolean; schema?: object }[]; security?: unknown; responses: Record<string, { content?: object }> }>
  >;
}

let t: TestNode;
let doc: Doc;
let check: (res: LightMyRequestResponse) => string | undefined;

beforeAll(async () => {
  t = await createTestNode();
  doc = t.app.swagger() as unknown as Doc;
  const contract = contractOf(doc);
  check = (res) => contract.check(res);
});
afterAll(() => t.close());

const problem = (status: number, code: string) => JSON.stringify({ type: `urn:ortak:problem:${code}`, title: 't', status, detail: 'd', code });

/** An answer as light-my-request gives it, to a request with these headers. */
function answer(method: string, url: string, status: number, contentType: string | undefined, body: string, headers: Record<string, string> = {}) {
  return {
    raw: { req: { method, url, headers } },
    statusCode: status,
    headers: contentType ? { 'content-type': contentType } : {},
    body,
    rawPayload: Buffer.from(body),
  } as unknown as LightMyRequestResponse;
}

const bearer = { authorization: 'Bearer x' };

describe('the OpenAPI description', () => {
  it('describes every error as problem+json, and what any operation can answer', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(Object.keys(op.responses), `${method} ${path}`).toEqual(expect.arrayContaining(['400', '500', '503', ...(method === 'get' ? [] : ['413', '415'])]));
        for (const [status, response] of Object.entries(op.responses)) {
          // (the health check's 503 is its own report, degraded)
          if (Number(status) >= 400 && !(path === '/health' && status === '503')) expect(Object.keys(response.content ?? {}), `${method} ${path} ${status}`).toContain('application/problem+json');
        }
      }
    }
  });

  it("gives each operation the security its handler asks for, and the Idempotency-Key where it is required", () => {
    const signedIn = [{ bearer: [] }, { cookie: [] }];
    expect(doc.paths['/api/v1/services'].get.security).toEqual([]);
    expect(doc.paths['/api/v1/auth/signin'].post.security).toEqual([]);
    expect(doc.paths['/api/v1/me'].get.security).toEqual(signedIn);
    expect(doc.paths['/api/v1/sms/inbound'].post.security).toEqual([{ smsProvider: [] }]);
    expect(doc.paths['/api/v1/applications'].post.parameters).toContainEqual(
      expect.objectContaining({ in: 'header', name: 'idempotency-key', required: true, schema: expect.objectContaining({ pattern: '^[\\x21-\\x7e]{1,255}$' }) }),
    );
  });
});

describe('the OpenAPI contract check', () => {
  it('finds the operation of every path of the description', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      const url = path.replace(/\{[^}]+\}/g, '0b7c6a2e-5d7f-4a3e-9c1b-2f4e6d8a0c1e');
      for (const method of Object.keys(ops)) {
        expect(check(answer(method.toUpperCase(), `${url}?x=1`, 299, 'application/json', '{}', bearer))).toContain(`${method.toUpperCase()} ${path} `);
      }
    }
  });

  it('accepts an answer the description gives', () => {
    expect(check(answer('GET', '/api/v1/services?state=KZ', 200, 'application/json; charset=utf-8', '{"items":[],"total":0}'))).toBeUndefined();
    expect(check(answer('GET', '/api/v1/services/nope', 404, 'application/problem+json; charset=utf-8', problem(404, 'service_not_found')))).toBeUndefined();
    expect(check(answer('POST', '/api/v1/auth/signout', 204, undefined, '', bearer))).toBeUndefined();
    expect(check(answer('GET', '/docs/', 200, 'text/html', '<html>'))).toBeUndefined(); // not part of the description
  });

  it('refuses an undocumented status, media type, body or empty answer', () => {
    expect(check(answer('GET', '/api/v1/services', 418, 'application/json', '{}'))).toMatch(/status not documented/);
    expect(check(answer('GET', '/api/v1/services/nope', 404, 'application/json', problem(404, 'service_not_found')))).toMatch(/media type application\/json not documented/);
    expect(check(answer('GET', '/api/v1/services', 200, 'text/html', '<html>'))).toMatch(/media type text\/html not documented/);
    expect(check(answer('GET', '/api/v1/services', 200, 'application/json', '{"items":[]}'))).toMatch(/must have required property 'total'/);
    expect(check(answer('GET', '/api/v1/services', 200, 'application/json', 'nope'))).toMatch(/not JSON/);
    expect(check(answer('POST', '/api/v1/auth/signout', 204, 'application/json', '{}', bearer))).toMatch(/without a body/);
  });

  it('refuses an answer at odds with the security of the operation', () => {
    expect(check(answer('GET', '/api/v1/notifications', 200, 'application/json', '{"items":[]}'))).toMatch(/succeeded without credentials/);
    expect(check(answer('GET', '/api/v1/services', 401, 'application/problem+json', problem(401, 'unauthenticated')))).toMatch(/status not documented/);
    expect(check(answer('POST', '/api/v1/auth/signin', 401, 'application/problem+json', problem(401, 'unauthenticated')))).toMatch(/described as public/);
  });

  it('refuses a refusal for want of an Idempotency-Key the description does not require', () => {
    const missing = answer('POST', '/api/v1/applications', 400, 'application/problem+json', problem(400, 'idempotency_key_missing'), bearer);
    expect(check(missing)).toBeUndefined();
    const optional = structuredClone(doc);
    for (const p of optional.paths['/api/v1/applications'].post.parameters ?? []) p.required = false;
    expect(contractOf(optional).check(missing)).toMatch(/requires an Idempotency-Key/);
  });
});
