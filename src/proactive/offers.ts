import { appendAudit } from '../audit/index.js';
import { storeApplication } from '../applications/submit.js';
import type { Catalog } from '../catalog/index.js';
import { notify } from '../notifications/index.js';
import type { Clock } from '../platform/clock.js';
import { type Db, type Tx, transaction } from '../platform/db/index.js';
import { once, requestHash, type StoredAnswer } from '../platform/idempotency.js';
import type { Actor } from '../identity/index.js';
import { conflict, invalid, notFound } from '../platform/errors.js';
import type { WorkingCalendar } from '../workflow/calendar.js';
import type { BirthEvent } from './births.js';

export interface ProactiveDeps {
  db: Db;
  catalog: Catalog;
  calendars: Map<string, WorkingCalendar>;
  clock: Clock;
}

export interface OfferView {
  id: string;
  kind: string;
  status: string;
  createdAt: string;
  event: { childBirthDate: string; childSex: string; hospital: string };
  applications: string[];
}

export async function listOffers(db: Db, personId: string): Promise<OfferView[]> {
  const rows = await db.selectFrom('proactive_offers').selectAll().where('person_id', '=', personId).orderBy('created_at', 'desc').execute();
  return rows.map((r) => {
    const e = r.event as unknown as BirthEvent;
    return { id: r.id, kind: r.kind, status: r.status, createdAt: r.created_at.toISOString(), event: { childBirthDate: e.child.birthDate, childSex: e.child.sex, hospital: e.hospital }, applications: r.applications };
  });
}

export interface Consent {
  childGivenName: string;
  iban: string;
  via: 'portal' | 'sms';
}

const BIRTH = (state: string) => `${state.toLowerCase()}-birth-registration`;
const BENEFIT = (state: string) => `${state.toLowerCase()}-child-birth-allowance`;

/**
 * The mother's consent to a birth offer creates both applications — the birth registration and the birth benefit —
 * from what the hospital reported and what the registers know, with no form: only the child's name (hers to
 * choose) and the account to pay the benefit to. The consent is the applications' first history action.
 */
export function acceptOffer(deps: ProactiveDeps, personId: string, offerId: string, consent: Consent): Promise<OfferAccepted> {
  const now = deps.clock.now();
  return transaction(deps.db, (tx) => acceptInTransaction(tx, deps, personId, offerId, consent, now));
}

export interface OfferAccepted {
  offerId: string;
  applications: { id: string; number: string; service: string; status: string }[];
}

/**
 * A citizen's consent from the portal, under their Idempotency-Key: a repeat (a retry after a lost answer) gets the
 * first answer back, not a conflict with the offer it accepted.
 */
export function acceptOfferOnce(deps: ProactiveDeps, actor: Actor, offerId: string, consent: Omit<Consent, 'via'>, key: string): Promise<StoredAnswer<OfferAccepted>> {
  const now = deps.clock.now();
  const hash = requestHash(`POST /api/v1/me/offers/${offerId}/accept`, { childGivenName: consent.childGivenName, iban: consent.iban });
  return once(deps.db, actor.accountId, key, hash, now, async (tx) => ({
    status: 201,
    body: await acceptInTransaction(tx, deps, actor.personId, offerId, { ...consent, via: 'portal' }, now),
  }));
}

async function acceptInTransaction(tx: Tx, deps: ProactiveDeps, personId: string, offerId: string, consent: Consent, now: Date): Promise<OfferAccepted> {
  const offer = /^[0-9a-f-]{36}$/i.test(offerId) ? await tx.selectFrom('proactive_offers').selectAll().where('id', '=', offerId).forUpdate().executeTakeFirst() : undefined;
  if (!offer || offer.person_id !== personId) throw notFound('errors.offer_not_found');
  if (offer.status !== 'offered') throw conflict('errors.offer_not_open');
  const mother = await tx
    .selectFrom('persons as p')
    .innerJoin('accounts as a', 'a.person_id', 'p.id')
    .select(['p.family_name', 'p.language', 'a.id as account_id'])
    .where('p.id', '=', personId)
    .where('a.role', '=', 'citizen')
    .executeTakeFirstOrThrow();
  const event = offer.event as unknown as BirthEvent;
  const forms = [
    {
      service: BIRTH(offer.state),
      data: {
        childSurname: mother.family_name,
        childGivenName: consent.childGivenName,
        applicantRole: 'mother',
        marriageRegisteredAbroad: false,
        certificateLanguage: mother.language === 'kk' ? 'kk' : 'ru',
        registryOffice: event.registryOffice,
      },
    },
    { service: BENEFIT(offer.state), data: { childIdentifier: event.child.identifier, iban: consent.iban.replace(/\s+/g, '').toUpperCase() } },
  ];
  const made = [];
  for (const form of forms) {
    const service = deps.catalog.get(form.service);
    if (!service) throw new Error(`the catalog has no ${form.service} for a proactive birth offer`);
    const errors = deps.catalog.validateForm(service.code, form.data);
    if (errors.length) throw invalid('errors.invalid_application', errors);
    const summary = await storeApplication(tx, deps, {
      service,
      applicant: { personId, accountId: mother.account_id, role: 'citizen', language: mother.language },
      data: form.data,
      signature: `consent:${offer.id}`,
      language: mother.language,
      action: { type: 'submit_on_consent', idempotencyKey: `offer:${offer.id}:${service.code}`, payload: { offer: offer.id, via: consent.via, hospital: event.hospital } },
    }, now);
    made.push({ id: summary.id, number: summary.number, service: summary.service, status: summary.status });
  }
  await tx
    .updateTable('proactive_offers')
    .set({ status: 'accepted', accepted_at: now, accepted_via: consent.via, applications: JSON.stringify(made.map((m) => m.id)) })
    .where('id', '=', offer.id)
    .execute();
  await notify(tx, { recipientAccountId: mother.account_id, template: 'proactive_accepted', params: { registration: made[0].number, benefit: made[1].number } }, now);
  await appendAudit(tx, { at: now, actorAccountId: mother.account_id, action: 'proactive.accept', subjectType: 'offer', subjectId: offer.id, personId, details: { via: consent.via, applications: made.map((m) => m.number) } });
  return { offerId: offer.id, applications: made };
}

const YES = /^(иә|ия|да|yes|evet|bəli|beli|ооба|ha)$/iu;

/** "ИӘ Әлихан KZ86125KZT5004100100": consent, the child's name, the IBAN. */
export function parseSmsConsent(text: string): { childGivenName: string; iban: string } | undefined {
  const words = text.trim().split(/\s+/);
  // Dotted capital İ (Turkish, Azerbaijani keyboards) lower-cases to i only in those locales: fold it first.
  if (words.length < 3 || !YES.test(words[0].replace(/\u0130/g, 'i'))) return undefined;
  const iban = words.at(-1)!.toUpperCase();
  const name = words.slice(1, -1).join(' ');
  if (!/^[A-Z]{2}[0-9]{2}[0-9A-Z]{10,30}$/.test(iban) || !name) return undefined;
  return { childGivenName: name, iban };
}

/** An SMS reply from a phone number: the newest open offer of the person with that number is accepted. */
export async function acceptBySms(deps: ProactiveDeps, from: string, text: string) {
  const consent = parseSmsConsent(text);
  const phone = from.replace(/[\s()-]/g, '');
  const offer = await deps.db
    .selectFrom('proactive_offers as o')
    .innerJoin('persons as p', 'p.id', 'o.person_id')
    .select(['o.id', 'o.person_id'])
    .where('p.phone', '=', phone)
    .where('o.status', '=', 'offered')
    .orderBy('o.created_at', 'desc')
    .executeTakeFirst();
  if (!offer) throw notFound('errors.offer_not_found');
  if (!consent) throw invalid('errors.sms_not_understood', [{ field: '/text', code: 'errors.sms_not_understood' }]);
  return acceptOffer(deps, offer.person_id, offer.id, { ...consent, via: 'sms' });
}

