import { appendAudit } from '../audit/index.js';
import type { ServiceDefinition } from '../catalog/index.js';
import { type Actor, verifyPersonSignature } from '../identity/index.js';
import { notificationWrites, notify } from '../notifications/index.js';
import { cancelOpenInvoice, invoiceNotice } from '../payments/payments.js';
import type { Db, Tx, Write } from '../platform/db/index.js';
import { conflict, invalid, notFound } from '../platform/errors.js';
import { once, requestHash, type StoredAnswer } from '../platform/idempotency.js';
import { enqueue, jobInsert } from '../platform/jobs.js';
import { calendarOf, scheduleDeadlineTimers } from '../workflow/engine.js';
import { EVIDENCE_QUEUE } from '../workflow/queues.js';
import { type ActionRecord, applyAction, lockApplication, type LockedApplication } from './lifecycle.js';
import type { ApplicationsDeps } from './submit.js';
import { signedPayload } from './payload.js';

/**
 * Another person an application names — a spouse, the other parent, a director, an owner (the definition's
 * `consents`) — signs the very application the applicant signed before anything is fetched about them, paid or
 * decided: the application waits in `awaiting_consent`. Once each has signed it goes on (to payment, or to its
 * workflow, whose legal term starts then); one who declines, or lets the term lapse, closes it as `declined`.
 */
export const CONSENT_DAYS = 10;
export const CONSENT_LAPSE_QUEUE = 'consent-lapse';

export interface Party {
  field: string;
  nationalId: string;
  /** their citizen account on this node, to be told; none when the node does not know them (they cannot sign here) */
  accountId: string | null;
  language: string;
}

/** The persons other than the applicant whose consent the application needs, from its data. */
export async function consentParties(db: Db | Tx, service: ServiceDefinition, data: Record<string, unknown>, applicantPersonId: string): Promise<Party[]> {
  const named = (service.consents ?? []).flatMap((field) => (typeof data[field] === 'string' && data[field] ? [{ field, nationalId: data[field] }] : []));
  if (!named.length) return [];
  const known = await db
    .selectFrom('persons as p')
    .leftJoin('accounts as a', (j) => j.onRef('a.person_id', '=', 'p.id').on('a.role', '=', 'citizen'))
    .select(['p.id', 'p.national_id', 'p.language', 'a.id as account_id'])
    .where('p.state', '=', service.state)
    .where('p.national_id', 'in', named.map((n) => n.nationalId))
    .execute();
  return named.flatMap(({ field, nationalId }) => {
    const person = known.find((k) => k.national_id === nationalId);
    // (naming oneself asks no one's consent)
    if (person?.id === applicantPersonId) return [];
    return [{ field, nationalId, accountId: person?.account_id ?? null, language: person?.language ?? 'en' }];
  });
}

/** The writes that ask each party to sign: their requests, the message to each, and the lapse of the term. */
export function consentRequestWrites(db: Db | Tx, app: { id: string; number: string; state: string; applicantName: string }, service: ServiceDefinition, parties: Party[], now: Date): Write[] {
  const due = new Date(now.getTime() + CONSENT_DAYS * 86_400_000);
  return [
    db.insertInto('application_consents').values(parties.map((p) => ({ application_id: app.id, field: p.field, party_state: app.state, party_national_id: p.nationalId, status: 'pending' as const, requested_at: now, due_at: due }))),
    ...parties.flatMap((p) =>
      p.accountId
        ? notificationWrites(db, { recipientAccountId: p.accountId, template: 'consent_requested', applicationId: app.id, params: { number: app.number, service: service.title, applicant: app.applicantName, due: due.toISOString().slice(0, 10) } }, p.language, now).writes
        : [],
    ),
    jobInsert(db, CONSENT_LAPSE_QUEUE, { applicationId: app.id }, now, { runAt: due, uniqueKey: `consent-lapse:${app.id}` }),
  ];
}

export interface ConsentRequest {
  applicationId: string;
  number: string;
  service: string;
  serviceVersion: number;
  applicant: string;
  /** the form field that names me */
  field: string;
  status: string;
  requestedAt: string;
  dueAt: string;
  /** what the applicant signed, which I sign too */
  data: Record<string, unknown>;
}

/** The requests naming me, newest first: what I am asked to sign, and what I did. */
export async function myConsentRequests(db: Db, actor: Actor): Promise<ConsentRequest[]> {
  const rows = await db
    .selectFrom('application_consents as c')
    .innerJoin('applications as a', 'a.id', 'c.application_id')
    .innerJoin('persons as p', 'p.id', 'a.applicant_person_id')
    .select(['a.id', 'a.number', 'a.service_code', 'a.service_version', 'a.data', 'p.given_name', 'p.family_name', 'c.field', 'c.status', 'c.requested_at', 'c.due_at'])
    .where('c.party_state', '=', actor.state)
    .where('c.party_national_id', '=', actor.nationalId)
    .orderBy('c.requested_at', 'desc')
    .limit(100)
    .execute();
  return rows.map((r) => ({
    applicationId: r.id,
    number: r.number,
    service: r.service_code,
    serviceVersion: r.service_version,
    applicant: `${r.given_name} ${r.family_name}`,
    field: r.field,
    status: r.status,
    requestedAt: r.requested_at.toISOString(),
    dueAt: r.due_at.toISOString(),
    data: r.data as Record<string, unknown>,
  }));
}

export type ConsentDecision = { decision: 'give'; signature: string } | { decision: 'decline'; reason?: string };

/**
 * The named person's answer. Giving consent is their own e-signature over the same payload the applicant signed;
 * declining needs no key. Only a party of the application, while it waits, may answer; anyone else finds nothing.
 */
export async function answerConsent(deps: ApplicationsDeps, actor: Actor, applicationId: string, answer: ConsentDecision, key: string): Promise<StoredAnswer<{ id: string; number: string; status: string }>> {
  const now = deps.clock.now();
  const hash = requestHash(`POST /api/v1/applications/${applicationId}/consent`, answer);
  return once(deps.db, actor.accountId, key, hash, now, async (tx) => {
    const app = actor.role === 'citizen' ? await lockApplication(tx, applicationId) : undefined;
    const mine = app && (await tx.selectFrom('application_consents').selectAll().where('application_id', '=', app.id).where('party_state', '=', actor.state).where('party_national_id', '=', actor.nationalId).forUpdate().execute());
    if (!app || !mine?.length) throw notFound('errors.application_not_found');
    if (app.status !== 'awaiting_consent' || mine.every((c) => c.status !== 'pending')) throw conflict('errors.consent_not_pending', { status: app.status });
    const service = deps.catalog.get(app.serviceCode)!;
    const who = { accountId: actor.accountId, role: actor.role };
    if (answer.decision === 'give') {
      const signer = await verifyPersonSignature(tx, deps.ca, answer.signature, signedPayload(app.serviceCode, app.data), now, actor.personId);
      if (signer.problem) throw invalid('errors.invalid_consent', [{ field: '/signature', code: `errors.signature_${signer.problem}` }]);
      await tx.updateTable('application_consents').set({ status: 'given', decided_at: now, decided_by: actor.accountId, signature: answer.signature }).where('application_id', '=', app.id).where('party_national_id', '=', actor.nationalId).where('status', '=', 'pending').execute();
      await applyAction(tx, app.id, now, {}, { type: 'consent', actor: who, idempotencyKey: key, payload: { fields: mine.map((c) => c.field), certificate: signer.certificateSerial } });
      const waiting = await tx.selectFrom('application_consents').select('field').where('application_id', '=', app.id).where('status', '=', 'pending').execute();
      if (!waiting.length) await proceed(tx, deps, app, service, now);
    } else {
      await tx.updateTable('application_consents').set({ status: 'declined', decided_at: now, decided_by: actor.accountId, reason: answer.reason ?? null }).where('application_id', '=', app.id).where('party_national_id', '=', actor.nationalId).where('status', '=', 'pending').execute();
      await close(tx, app, service, { type: 'consent_declined', actor: who, idempotencyKey: key, payload: { fields: mine.map((c) => c.field), ...(answer.reason ? { reason: answer.reason } : {}) } }, now);
    }
    await appendAudit(tx, { at: now, actorAccountId: actor.accountId, action: `application.consent_${answer.decision === 'give' ? 'given' : 'declined'}`, subjectType: 'application', subjectId: app.id, personId: actor.personId, details: { number: app.number, fields: mine.map((c) => c.field) } });
    const after = (await lockApplication(tx, app.id))!;
    return { status: 200, body: { id: app.id, number: app.number, status: after.status } };
  });
}

/** Every party has signed: on to the fee, or to the workflow, whose legal term runs from now. */
async function proceed(tx: Tx, deps: Pick<ApplicationsDeps, 'calendars'>, app: LockedApplication, service: ServiceDefinition, now: Date): Promise<void> {
  if (service.fee.amount > 0) {
    await applyAction(tx, app.id, now, { status: 'awaiting_payment' }, { type: 'consents_complete', actor: null });
    await invoiceNotice(tx, app, service, now);
    return;
  }
  const deadline = calendarOf(deps, app.state).deadline(now, service.deadline.days, service.deadline.type);
  await applyAction(tx, app.id, now, { status: 'submitted', deadline }, { type: 'consents_complete', actor: null, payload: { deadline } });
  await enqueue(tx, EVIDENCE_QUEUE, { applicationId: app.id }, now, { uniqueKey: `evidence:${app.id}` });
  await scheduleDeadlineTimers(tx, deps, { id: app.id, state: app.state, deadline }, now);
  await notify(tx, { recipientAccountId: app.applicantAccountId, template: 'application_submitted', applicationId: app.id, params: { number: app.number, service: service.title, deadline } }, now);
}

/** A party declined, or did not answer in time: the application is closed, its fee no longer owed, the applicant told. */
async function close(tx: Tx, app: LockedApplication, service: ServiceDefinition, action: ActionRecord, now: Date): Promise<void> {
  await tx.updateTable('application_consents').set({ status: 'cancelled' }).where('application_id', '=', app.id).where('status', '=', 'pending').execute();
  await applyAction(tx, app.id, now, { status: 'declined', closed_at: now }, action);
  await cancelOpenInvoice(tx, app.id, now);
  await notify(tx, { recipientAccountId: app.applicantAccountId, template: 'consent_declined', applicationId: app.id, params: { number: app.number, service: service.title } }, now);
}

/** The term for consent has passed with someone still silent: the application is closed as declined. */
export async function lapseConsents(tx: Tx, deps: Pick<ApplicationsDeps, 'catalog'>, applicationId: string, now: Date): Promise<void> {
  const app = await lockApplication(tx, applicationId);
  if (!app || app.status !== 'awaiting_consent') return;
  const lapsed = await tx.updateTable('application_consents').set({ status: 'lapsed', decided_at: now }).where('application_id', '=', app.id).where('status', '=', 'pending').where('due_at', '<=', now).returning('field').execute();
  if (!lapsed.length) return;
  const service = deps.catalog.get(app.serviceCode)!;
  await close(tx, app, service, { type: 'consent_lapsed', actor: null, payload: { fields: lapsed.map((c) => c.field) } }, now);
  await appendAudit(tx, { at: now, actorAccountId: null, action: 'application.consent_lapsed', subjectType: 'application', subjectId: app.id, personId: app.applicantPersonId, details: { number: app.number, fields: lapsed.map((c) => c.field) } });
}

/** Withdrawn while waiting: the requests are void. */
export async function cancelConsents(tx: Tx, applicationId: string): Promise<void> {
  await tx.updateTable('application_consents').set({ status: 'cancelled' }).where('application_id', '=', applicationId).where('status', '=', 'pending').execute();
}


/** The persons who signed an application as parties to it (a spouse, the other parent): each gets the result too. */
export async function consentingParties(tx: Tx, applicationId: string): Promise<{ personId: string; accountId: string }[]> {
  const rows = await tx
    .selectFrom('application_consents as c')
    .innerJoin('persons as p', (j) => j.onRef('p.state', '=', 'c.party_state').onRef('p.national_id', '=', 'c.party_national_id'))
    .select(['p.id as person_id', 'c.decided_by'])
    .where('c.application_id', '=', applicationId)
    .where('c.status', '=', 'given')
    .execute();
  return rows.filter((r) => r.decided_by).map((r) => ({ personId: r.person_id, accountId: r.decided_by! }));
}
