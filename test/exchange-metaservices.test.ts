import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNode, type TestNode } from './support/node.js';

// X-Road's metaservices as PR-MREST and PR-META define them: listMethods, allowedMethods and getOpenAPI on a provider
// subsystem (no access right needed, a registered client still), and listClients beside /r1.
let t: TestNode;
beforeAll(async () => {
  t = await createTestNode({ env: { ORTAK_STATES: 'KZ,KG' } });
});
afterAll(() => t.close());

const call = (url: string, client = 'KZ/GOV/LEGALSTAT/CASES', headers: Record<string, string> = {}) => t.exchange({ url, headers: { 'x-road-client': client, ...headers } });
const services = (res: { json(): { service: { service_code: string }[] } }) => res.json().service.map((s) => s.service_code);

describe('the REST metaservices', () => {
  it('listMethods: the provider subsystem\'s REST services with their endpoints, in X-Road\'s JSON', async () => {
    const res = await call('/r1/KZ/GOV/MVD/REGISTRIES/listMethods');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.json()).toEqual({
      service: [
        {
          xroad_instance: 'KZ', member_class: 'GOV', member_code: 'MVD', subsystem_code: 'REGISTRIES', object_type: 'SERVICE',
          service_code: 'population', service_type: 'OPENAPI', endpoint_list: [{ method: 'GET', path: '/persons/*' }],
        },
      ],
    });
    expect(res.headers['x-road-request-hash']).toMatch(/^[A-Za-z0-9+/]{86}==$/);
  });

  it('allowedMethods: only what this client may call, by its own rights', async () => {
    expect(services(await call('/r1/KZ/GOV/MVD/REGISTRIES/allowedMethods'))).toEqual(['population']);
    // the hospital's system may only report births
    expect(services(await call('/r1/KZ/GOV/MVD/REGISTRIES/allowedMethods', 'KZ/GOV/PERINATAL-ALMATY/HIS'))).toEqual([]);
    const births = (await call('/r1/KZ/GOV/CIVILREG/EVENTS/allowedMethods', 'KZ/GOV/PERINATAL-ALMATY/HIS')).json().service;
    expect(births).toEqual([expect.objectContaining({ service_code: 'births', endpoint_list: [{ method: 'POST', path: '/' }] })]);
  });

  it('getOpenAPI: a service\'s description; X-Road\'s errors without or with an unknown serviceCode', async () => {
    const res = await call('/r1/KZ/GOV/LEGALSTAT/REGISTRIES/getOpenAPI?serviceCode=criminal-records');
    expect(res.json()).toMatchObject({ openapi: '3.0.3', paths: { '/records/{id}': { get: expect.any(Object) } } });
    const missing = await call('/r1/KZ/GOV/LEGALSTAT/REGISTRIES/getOpenAPI');
    expect([missing.statusCode, missing.headers['x-road-error']]).toEqual([500, 'Server.ServerProxy.InvalidRequest']);
    expect((await call('/r1/KZ/GOV/LEGALSTAT/REGISTRIES/getOpenAPI?serviceCode=nothing')).headers['x-road-error']).toBe('Server.ServerProxy.InternalError');
  });

  it('are for registered systems only, like every service, and are logged', async () => {
    expect((await call('/r1/KZ/GOV/MVD/REGISTRIES/listMethods', 'KZ/GOV/KGD/NOBODY')).headers['x-road-error']).toBe('Server.ClientProxy.UnknownMember');
    const logged = await t.node.database.db.selectFrom('message_log').select('service_id').where('service_id', '=', 'KZ/GOV/MVD/REGISTRIES/listMethods').execute();
    expect(logged.length).toBeGreaterThanOrEqual(4);
  });
});

describe('listClients', () => {
  it('lists the members and subsystems in X-Road\'s XML by default', async () => {
    const res = await t.exchange({ url: '/listClients' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(res.body).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?><ns2:clientList xmlns:ns1="http:\/\/x-road\.eu\/xsd\/identifiers" xmlns:ns2="http:\/\/x-road\.eu\/xsd\/xroad\.xsd">/);
    expect(res.body).toContain(
      '<ns2:member><ns2:id ns1:objectType="SUBSYSTEM"><ns1:xRoadInstance>KZ</ns1:xRoadInstance><ns1:memberClass>GOV</ns1:memberClass><ns1:memberCode>MVD</ns1:memberCode><ns1:subsystemCode>REGISTRIES</ns1:subsystemCode></ns2:id>',
    );
    expect(res.body).toMatch(/<ns2:id ns1:objectType="MEMBER"><ns1:xRoadInstance>KG<\/ns1:xRoadInstance>/);
  });

  it('in JSON when asked, and of one instance with ?xRoadInstance=', async () => {
    const res = await t.exchange({ url: '/listClients?xRoadInstance=KZ', headers: { accept: 'application/json' } });
    const members = res.json().member as { id: { xroad_instance: string; object_type: string; member_code: string; subsystem_code?: string }; name: string }[];
    expect(members.length).toBeGreaterThan(5);
    expect(members.every((m) => m.id.xroad_instance === 'KZ')).toBe(true);
    expect(members).toContainEqual({ id: { member_class: 'GOV', member_code: 'LEGALSTAT', subsystem_code: 'CASES', object_type: 'SUBSYSTEM', xroad_instance: 'KZ' }, name: expect.any(String) });
    expect(members.find((m) => m.id.member_code === 'LEGALSTAT' && m.id.object_type === 'MEMBER')?.name).toMatch(/[А-Яа-яӘәҚқ]/);
  });
});
