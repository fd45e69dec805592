import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoPersona } from '../src/demo/seed.js';
import { generateIdentifier } from '../src/identity/index.js';
import { seededRandom } from '../src/demo/names.js';
import { createTestNode, type TestNode } from './support/node.js';

// The proactive birth service as Kazakhstan runs it: the maternity hospital's system reports the birth through the
// exchange; the mother is offered, in her language, to have the birth registered and the benefit applied for; she
// consents by replying to the SMS (or in the portal), and both applications are made with no form.
let t: TestNode;
let mother: DemoPersona;
let token: string;
const rng = seededRandom(42);

beforeAll(async () => {
  t = await createTestNode({ start: '2026-03-02T06:00:00Z' });
  mother = t.persona({ role: 'citizen', state: 'KZ', language: 'kk' });
  token = await t.signIn(mother);
});
afterAll(() => t.close());

const reportBirth = (body: unknown) =>
  t.exchange({ method: 'POST', url: '/r1/KZ/GOV/CIVILREG/EVENTS/births', headers: { 'x-road-client': 'KZ/GOV/PERINATAL-ALMATY/HIS', 'content-type': 'application/json' }, payload: JSON.stringify(body) });
const birth = () => ({
  mother: mother.identifier,
  child: { identifier: generateIdentifier('KZ', 'person', rng, { birthDate: '2026-03-01', sex: 'male' }), birthDate: '2026-03-01', sex: 'male' },
  hospital: 'Алматы қалалық перинаталдық орталығы',
  registryOffice: 'Алматы қаласы Алмалы ауданының АХАТ бөлімі',
});
const sms = (text: string, auth = 'Bearer demo-sms-inbound') => t.app.inject({ method: 'POST', url: '/api/v1/sms/inbound', headers: { authorization: auth }, payload: { from: phone, text } });
let phone = '';

describe('a birth reported by the maternity hospital', () => {
  it('becomes an offer to the mother, in her language', async () => {
    phone = (await t.node.database.db.selectFrom('persons').select('phone').where('national_id', '=', mother.identifier).executeTakeFirstOrThrow()).phone!;
    const res = await reportBirth(birth());
    expect(res.statusCode).toBe(201);
    expect(res.headers['x-road-error']).toBeUndefined();
    const offers = (await t.app.inject({ url: '/api/v1/me/offers', headers: { authorization: `Bearer ${token}` } })).json().items;
    expect(offers).toEqual([expect.objectContaining({ id: res.json().offerId, kind: 'birth', status: 'offered' })]);
    const message = (await t.app.inject({ url: '/api/v1/notifications', headers: { authorization: `Bearer ${token}` } })).json().items.find((m: { template: string }) => m.template === 'proactive_birth_offer');
    expect(message.body).toContain('ИӘ');
    expect(message.subject).toMatch(/[әғқңөұүһі]/i);
  });

  it('is refused when the event is malformed or comes from a system without the right', async () => {
    expect((await reportBirth({ ...birth(), mother: '123' })).statusCode).toBe(422);
    // the event's schema: nothing beyond its fields, every text bounded
    const extra = await reportBirth({ ...birth(), father: '871103379671' });
    expect([extra.statusCode, extra.json().message]).toEqual([422, expect.stringContaining('(father)')]);
    expect((await reportBirth({ ...birth(), child: { ...birth().child, weight: 3400 } })).statusCode).toBe(422);
    expect((await reportBirth({ ...birth(), hospital: 'x'.repeat(201) })).statusCode).toBe(422);
    expect((await reportBirth({ ...birth(), registryOffice: 'x'.repeat(5000) })).json().message).toContain('larger than');
    const other = await t.exchange({ method: 'POST', url: '/r1/KZ/GOV/CIVILREG/EVENTS/births', headers: { 'x-road-client': 'KZ/COM/SOMECLINIC/APP' }, payload: JSON.stringify(birth()) });
    expect(other.headers['x-road-error']).toBe('Server.ClientProxy.UnknownMember');
    // a registered system without the right, and one with it naming a whole member
    const registered = await t.exchange({ method: 'POST', url: '/r1/KZ/GOV/CIVILREG/EVENTS/births', headers: { 'x-road-client': 'KZ/GOV/LEGALSTAT/CASES' }, payload: JSON.stringify(birth()) });
    expect(registered.headers['x-road-error']).toBe('Server.ServerProxy.AccessDenied');
    const member = await t.exchange({ method: 'POST', url: '/r1/KZ/GOV/CIVILREG/EVENTS/births', headers: { 'x-road-client': 'KZ/GOV/PERINATAL-ALMATY' }, payload: JSON.stringify(birth()) });
    expect(member.headers['x-road-error']).toBe('Server.ClientProxy.UnknownMember');
  });
});

describe('the mother\'s consent by SMS reply', () => {
  it('is refused without the provider\'s token, or when the reply is not understood', async () => {
    expect((await sms('ИӘ Әлихан KZ86125KZT5004100100', 'Bearer wrong')).statusCode).toBe(401);
    const unclear = await sms('рахмет');
    expect(unclear.statusCode).toBe(422);
    expect(unclear.json().code).toBe('sms_not_understood');
  });

  it('makes the birth registration and the birth benefit applications, with no form', async () => {
    const res = await sms('ИӘ Әлихан KZ86125KZT5004100100');
    expect(res.statusCode).toBe(201);
    const { applications } = res.json();
    expect(applications.map((a: { service: string }) => a.service)).toEqual(['kz-birth-registration', 'kz-child-birth-allowance']);
    await t.runJobs();
    for (const a of applications) {
      const detail = (await t.app.inject({ url: `/api/v1/applications/${a.id}`, headers: { authorization: `Bearer ${token}` } })).json();
      expect(detail.history[0]).toMatchObject({ type: 'submit_on_consent', details: { via: 'sms' } });
      expect(['submitted', 'in_review', 'approved']).toContain(detail.status);
    }
    const registration = (await t.app.inject({ url: `/api/v1/applications/${applications[0].id}`, headers: { authorization: `Bearer ${token}` } })).json();
    expect(registration.data).toMatchObject({ childGivenName: 'Әлихан', childSurname: 'Сейітова', applicantRole: 'mother', certificateLanguage: 'kk' });
    const messages = (await t.app.inject({ url: '/api/v1/notifications', headers: { authorization: `Bearer ${token}` } })).json().items;
    expect(messages.some((m: { template: string; subject: string }) => m.template === 'proactive_accepted' && m.subject.includes(applications[0].number))).toBe(true);
    // the offer is used up: a second reply finds nothing open
    expect((await sms('ИӘ Әлихан KZ86125KZT5004100100')).statusCode).toBe(404);
  });
});

describe('consent in the portal', () => {
  it('accepts an offer once; a retry with the same Idempotency-Key gets the first answer, another attempt a conflict', async () => {
    const { offerId } = (await reportBirth(birth())).json();
    const accept = (body: object, key: string | null = randomUUID()) =>
      t.app.inject({ method: 'POST', url: `/api/v1/me/offers/${offerId}/accept`, headers: { authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) }, payload: body });
    expect((await accept({ childGivenName: 'Айару', iban: 'KZ86125KZT5004100100' }, null)).statusCode).toBe(400);
    expect((await accept({ childGivenName: 'Айару', iban: 'not-an-iban-at-all' })).statusCode).toBe(422);
    const key = randomUUID();
    const res = await accept({ childGivenName: 'Айару', iban: 'KZ86125KZT5004100100' }, key);
    expect(res.statusCode).toBe(201);
    expect(res.json().applications).toHaveLength(2);
    const retried = await accept({ childGivenName: 'Айару', iban: 'KZ86125KZT5004100100' }, key);
    expect(retried.statusCode).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.json()).toEqual(res.json());
    const made = await t.node.database.db.selectFrom('applications').select('id').where('id', 'in', res.json().applications.map((a: { id: string }) => a.id)).execute();
    expect(made).toHaveLength(2);
    expect((await accept({ childGivenName: 'Айару', iban: 'KZ86125KZT5004100100' })).statusCode).toBe(409);
    const other = await t.signIn(t.persona({ role: 'citizen', state: 'KZ', language: 'ru' }));
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/me/offers/${offerId}/accept`, headers: { authorization: `Bearer ${other}`, 'idempotency-key': randomUUID() }, payload: { childGivenName: 'X', iban: 'KZ86125KZT5004100100' } })).statusCode).toBe(404);
  });
});
