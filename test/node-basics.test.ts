import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNode, type TestNode } from './support/node.js';

let t: TestNode;
beforeAll(async () => {
  t = await createTestNode();
});
afterAll(() => t.close());

describe('a node', () => {
  it('reports its health with the database state', async () => {
    const res = await t.app.inject('/health');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('ok');
    expect(body.database.status).toBe('up');
    expect(body.database.kind).toBe(process.env.ORTAK_TEST_DB === 'postgres' ? 'postgres' : 'pglite');
    expect(body.catalog.services).toBeGreaterThanOrEqual(8);
  });

  it('describes its API as OpenAPI 3.1 with every operation and serves interactive docs', async () => {
    const spec = (await t.app.inject('/openapi.json')).json();
    expect(spec.openapi).toBe('3.1.0');
    for (const path of [
      '/health', '/api/v1/identifiers/validate', '/api/v1/auth/challenge', '/api/v1/auth/signin', '/api/v1/services',
      '/api/v1/services/{code}', '/api/v1/applications', '/api/v1/applications/{id}', '/api/v1/applications/{id}/withdraw',
    ]) expect(Object.keys(spec.paths)).toContain(path);
    expect(spec.paths['/api/v1/applications'].post.responses['422']).toBeDefined();
    const docs = await t.app.inject('/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });

  it('answers an unknown route with a problem+json 404 in the caller\'s language', async () => {
    const res = await t.app.inject({ url: '/api/v1/nothing-here', headers: { 'accept-language': 'ru-RU,ru;q=0.9,en;q=0.5' } });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const body = res.json();
    expect(body).toMatchObject({ status: 404, code: 'route_not_found', type: 'urn:ortak:problem:route_not_found' });
    expect(body.detail).toMatch(/[а-яА-Я]/);
  });

  it('refuses malformed JSON, a wrong media type and an oversize body with 4xx problems', async () => {
    const malformed = await t.app.inject({ method: 'POST', url: '/api/v1/identifiers/validate', headers: { 'content-type': 'application/json' }, payload: '{"state": "KZ",' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('malformed_json');

    const text = await t.app.inject({ method: 'POST', url: '/api/v1/identifiers/validate', headers: { 'content-type': 'text/plain' }, payload: 'hello' });
    expect(text.statusCode).toBe(415);

    const huge = await t.app.inject({
      method: 'POST',
      url: '/api/v1/identifiers/validate',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ state: 'KZ', type: 'person', value: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().code).toBe('body_too_large');
  });
});

describe('POST /api/v1/identifiers/validate', () => {
  const validate = (payload: unknown, lang = 'en') =>
    t.app.inject({ method: 'POST', url: `/api/v1/identifiers/validate?lang=${lang}`, payload: payload as object });

  it('accepts a valid IIN and reads the birth date and sex from it', async () => {
    const res = await validate({ state: 'KZ', type: 'person', value: '870412300416' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ valid: true, birthDate: '1987-04-12', sex: 'male', qualified: 'KZ870412300416' });
  });

  it('accepts a valid T.C. Kimlik No, which holds no birth date', async () => {
    expect((await validate({ state: 'TR', type: 'person', value: '10000000146' })).json()).toEqual({ valid: true, qualified: 'TR10000000146' });
  });

  it('says why a number is invalid, in the caller\'s language', async () => {
    const en = (await validate({ state: 'KZ', type: 'person', value: '870412300415' })).json();
    expect(en).toMatchObject({ valid: false, reasonCode: 'checksum' });
    const ru = (await validate({ state: 'KZ', type: 'person', value: '870412300415' }, 'ru')).json();
    expect(ru.reason).not.toBe(en.reason);
    expect(ru.reason).toMatch(/[а-яА-Я]/);
    expect((await validate({ state: 'UZ', type: 'person', value: '123' })).json()).toMatchObject({ valid: false, reasonCode: 'length' });
  });

  it('refuses an unknown state or a missing field with a 400 that names the field', async () => {
    const res = await validate({ state: 'XX', type: 'person', value: '1' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { field: string }) => e.field)).toContain('/state');
    const missing = await validate({ state: 'KZ', type: 'person' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors).toEqual([expect.objectContaining({ field: '/value', code: 'required' })]);
  });
});
