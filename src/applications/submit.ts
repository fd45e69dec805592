import { randomUUID } from 'node:crypto';
import { auditInsert } from '../audit/index.js';
import type { Catalog, ServiceDefinition } from '../catalog/index.js';
import { type Actor, verifyApplicantCms, verifyPersonSignature } from '../identity/index.js';
import { notificationWrites } from '../notifications/index.js';
import { invoiceWrites } from '../payments/payments.js';
import type { NodeCa } from '../pki/index.js';
import type { RevocationChecker } from '../pki/revocation.js';
import type { TrustList } from '../pki/trust.js';
import type { Clock } from '../platform/clock.js';
import { type Db, type Tx, type Write, writeTogether } from '../platform/db/index.js';
import { forbidden, invalid } from '../platform/errors.js';
import { onceTogether, requestHash, type StoredAnswer } from '../platform/idempotency.js';
import { jobInsert } from '../platform/jobs.js';
import type { WorkingCalendar } from '../workflow/calendar.js';
import { deadlineTimerWrites } from '../workflow/engine.js';
import { EVIDENCE_QUEUE } from '../workflow/queues.js';
import type { ApplicationSummary } from './model.js';
import { formatApplicationNumber, nextApplicationNumber } from './numbers.js';
import { signedPayload } from './payload.js';
import { consentParties, consentRequestWrites } from './consents.js';

export { signedPayload };

export interface ApplicationsDeps {
  db: Db;
  catalog: Catalog;
  calendars: Map<string, WorkingCalendar>;
  ca: NodeCa;
  /** the member states' CAs, for applications signed with a citizen's own e-signature (CMS) */
  trust: TrustList;
  /** asks the states' OCSP responders and CRLs whether a signer's certificate still stands */
  revocation: RevocationChecker;
  clock: Clock;
}

export interface SubmitInput {
  service: string;
  data: Record<string, unknown>;
  /** exactly one: the node's own (a JWS by a key file it issued), or the citizen's state's (base64 DER CMS) */
  signature?: string;
  cms?: string;
}


/**
 * Takes a signed application: checks the service, the form data against its schema and the applicant's signature,
 * then stores it with its first history action and audit entry in one transaction, under the Idempotency-Key.
 */
export async function submitApplication(
  deps: ApplicationsDeps,
  actor: Actor,
  input: SubmitInput,
  idempotencyKey: string,
  language: string,
): Promise<StoredAnswer<ApplicationSummary>> {
  if (actor.role !== 'citizen') throw forbidden('errors.only_citizens_apply');
  const { db, catalog, clock } = deps;
  const now = clock.now();
  // ECDSA signatures differ each time they are made: a retry is the same request when {service, data} is.
  const hash = requestHash('POST /api/v1/applications', { service: input.service, data: input.data });

  return onceTogether(db, actor.accountId, idempotencyKey, hash, now, async () => {
    const service = catalog.get(input.service);
    if (!service) throw invalid('errors.invalid_application', [{ field: '/service', code: 'errors.unknown_service', params: { service: input.service } }]);
    if (!service.applicants.includes('person')) {
      throw invalid('errors.invalid_application', [{ field: '/service', code: 'errors.service_not_for_persons' }]);
    }
    const fieldErrors = catalog.validateForm(service.code, input.data);
    if (fieldErrors.length) throw invalid('errors.invalid_application', fieldErrors);

    const payload = signedPayload(input.service, input.data);
    let signed: { signature: string; certificate: string | undefined; issuer?: string; certificateStatus?: Record<string, unknown> };
    if (input.cms !== undefined) {
      const checked = await verifyApplicantCms(deps.trust, deps.revocation, input.cms, payload, actor, now);
      if (!checked.ok) throw invalid('errors.invalid_application', [{ field: '/cms', code: `errors.${checked.problem}` }]);
      // the status as the CA's responder signed it (or the CRL's number) stays with the application, to show later
      signed = { signature: input.cms.replace(/\s+/g, ''), certificate: checked.serial, issuer: checked.issuer, certificateStatus: { ...checked.status } };
    } else {
      const signer = await verifyPersonSignature(db, deps.ca, input.signature ?? '', payload, now, actor.personId);
      if (signer.problem) {
        throw invalid('errors.invalid_application', [{ field: '/signature', code: `errors.signature_${signer.problem}` }]);
      }
      signed = { signature: input.signature!, certificate: signer.certificateSerial };
    }

    const { body, writes } = await applicationWrites(db, deps, {
      service,
      applicant: { personId: actor.personId, accountId: actor.accountId, role: actor.role, language: actor.language },
      data: input.data,
      signature: signed.signature,
      language,
      action: { type: 'submit', idempotencyKey, payload: { certificate: signed.certificate, ...(signed.issuer ? { issuer: signed.issuer, format: 'cms', certificateStatus: signed.certificateStatus } : {}), serviceVersion: service.version } },
    }, now);
    return { status: 201, body, writes };
  });
}

/**
 * Stores a valid application with its first history action, audit entry, invoice or workflow jobs and timers, and
 * the applicant's first message, in the caller's transaction. Used for applications a citizen consented to in a
 * proactive offer; a signed submission runs the same writes in one statement with its Idempotency-Key.
 */
export async function storeApplication(tx: Tx, deps: Pick<ApplicationsDeps, 'calendars'>, application: NewApplication, now: Date): Promise<ApplicationSummary> {
  const { body, writes } = await applicationWrites(tx, deps, application, now);
  await writeTogether(tx, writes);
  return body;
}

/** A valid application about to be stored: what was applied for, by whom, and the history action that starts it. */
export interface NewApplication {
  service: ServiceDefinition;
  /** `language` is the applicant's own, for the messages they receive */
  applicant: { personId: string; accountId: string; role: Actor['role']; language: string };
  data: Record<string, unknown>;
  signature: string;
  /** the language the application was made in */
  language: string;
  action: { type: string; idempotencyKey: string | null; payload: Record<string, unknown> };
}

/**
 * A new application's writes — the application, its first history action, the invoice or the evidence job and the
 * deadline's timers, the applicant's message, the audit entry — built to run as one statement, and the summary the
 * applicant gets. Only the application's number may be read first (a new block of numbers), as it appears in the
 * message.
 */
async function applicationWrites(
  db: Db | Tx,
  deps: Pick<ApplicationsDeps, 'calendars'>,
  { service, applicant, data, signature, language, action }: NewApplication,
  now: Date,
): Promise<{ body: ApplicationSummary; writes: Write[] }> {
  const calendar = deps.calendars.get(service.state);
  if (!calendar) throw new Error(`no working-day calendar for ${service.state}`);
  const deadline = calendar.deadline(now, service.deadline.days, service.deadline.type);
  const year = calendar.localDate(now).slice(0, 4);
  const id = randomUUID();
  const number = formatApplicationNumber(service.state, year, await nextApplicationNumber(db));
  // Others the application names sign it first: until they have, nothing is fetched, paid or decided.
  const parties = await consentParties(db, service, data, applicant.personId);
  const status = parties.length ? 'awaiting_consent' : service.fee.amount > 0 ? 'awaiting_payment' : 'submitted';

  const writes: Write[] = [
    db.insertInto('applications').values({
      id,
      number,
      service_code: service.code,
      service_version: service.version,
      state: service.state,
      agency_code: service.agency,
      applicant_person_id: applicant.personId,
      applicant_account_id: applicant.accountId,
      status,
      data: JSON.stringify(data),
      signature,
      language,
      submitted_at: now,
      deadline,
      updated_at: now,
    }),
    db.insertInto('application_actions').values({
      application_id: id,
      seq: 1,
      type: action.type,
      status_after: status,
      actor_account_id: applicant.accountId,
      actor_role: applicant.role,
      at: now,
      idempotency_key: action.idempotencyKey,
      payload: JSON.stringify(action.payload),
    }),
  ];
  let payment: ApplicationSummary['payment'];
  if (parties.length) {
    const person = await db.selectFrom('persons').select(['given_name', 'family_name']).where('id', '=', applicant.personId).executeTakeFirstOrThrow();
    writes.push(
      ...consentRequestWrites(db, { id, number, state: service.state, applicantName: `${person.given_name} ${person.family_name}` }, service, parties, now),
      ...notificationWrites(db, { recipientAccountId: applicant.accountId, template: 'consent_awaited', applicationId: id, params: { number, service: service.title } }, applicant.language, now).writes,
    );
  }
  if (service.fee.amount > 0) {
    // The fee first: the legal term and the workflow start when the payment arrives (told once the others consent).
    const { invoice, writes: invoicing } = invoiceWrites(db, { id, number, personId: applicant.personId, accountId: applicant.accountId, language: applicant.language }, service, now, { tell: !parties.length });
    payment = { invoiceId: invoice.id, amount: invoice.amount, currency: invoice.currency, status: invoice.status };
    writes.push(...invoicing);
  } else if (!parties.length) {
    // Evidence is gathered and the automatic steps run as jobs; the deadline's timers are set now, with them.
    writes.push(
      jobInsert(db, EVIDENCE_QUEUE, { applicationId: id }, now, { uniqueKey: `evidence:${id}` }),
      ...deadlineTimerWrites(db, deps, { id, state: service.state, deadline }, now),
      ...notificationWrites(db, { recipientAccountId: applicant.accountId, template: 'application_submitted', applicationId: id, params: { number, service: service.title, deadline } }, applicant.language, now).writes,
    );
  }
  writes.push(
    auditInsert(db, {
      at: now,
      actorAccountId: applicant.accountId,
      action: 'application.submit',
      subjectType: 'application',
      subjectId: id,
      personId: applicant.personId,
      details: { service: service.code, number },
    }),
  );

  const body: ApplicationSummary = {
    id,
    number,
    service: service.code,
    serviceVersion: service.version,
    state: service.state,
    agency: service.agency,
    status,
    submittedAt: now.toISOString(),
    deadline,
    ...(payment ? { payment } : {}),
  };
  return { body, writes };
}
