import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/index.js';
import type { Catalog, ServiceDefinition } from '../catalog/index.js';
import { type Actor, verifyPersonSignature } from '../identity/index.js';
import { notify } from '../notifications/index.js';
import { createInvoice } from '../payments/payments.js';
import type { NodeCa } from '../pki/index.js';
import { canonicalJson } from '../platform/canonical-json.js';
import type { Clock } from '../platform/clock.js';
import { type Db, sql, type Tx } from '../platform/db/index.js';
import { forbidden, invalid } from '../platform/errors.js';
import { once, requestHash, type StoredAnswer } from '../platform/idempotency.js';
import { enqueue } from '../platform/jobs.js';
import type { WorkingCalendar } from '../workflow/calendar.js';
import { scheduleDeadlineTimers } from '../workflow/engine.js';
import { EVIDENCE_QUEUE } from '../workflow/queues.js';
import type { ApplicationSummary } from './model.js';

export interface ApplicationsDeps {
  db: Db;
  catalog: Catalog;
  calendars: Map<string, WorkingCalendar>;
  ca: NodeCa;
  clock: Clock;
}

export interface SubmitInput {
  service: string;
  data: Record<string, unknown>;
  signature: string;
}

/** The exact bytes an applicant signs: the RFC 8785 canonical JSON of {service, data}. */
export function signedPayload(service: string, data: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson({ service, data }));
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

  return once(db, actor.accountId, idempotencyKey, hash, now, async (tx) => {
    const service = catalog.get(input.service);
    if (!service) throw invalid('errors.invalid_application', [{ field: '/service', code: 'errors.unknown_service', params: { service: input.service } }]);
    if (!service.applicants.includes('person')) {
      throw invalid('errors.invalid_application', [{ field: '/service', code: 'errors.service_not_for_persons' }]);
    }
    const fieldErrors = catalog.validateForm(service.code, input.data);
    if (fieldErrors.length) throw invalid('errors.invalid_application', fieldErrors);

    const signer = await verifyPersonSignature(tx, deps.ca, input.signature, signedPayload(input.service, input.data), now, actor.personId);
    if (signer.problem) {
      throw invalid('errors.invalid_application', [{ field: '/signature', code: `errors.signature_${signer.problem}` }]);
    }

    const body = await storeApplication(tx, deps, service, { personId: actor.personId, accountId: actor.accountId, role: actor.role }, input.data, input.signature, language, now, {
      type: 'submit',
      idempotencyKey,
      payload: { certificate: signer.certificateSerial, serviceVersion: service.version },
    });
    return { status: 201, body };
  });
}

/**
 * Stores a valid application with its first history action, audit entry, invoice or workflow jobs and timers, and
 * the applicant's first message, in the caller's transaction. Used for signed submissions and for applications
 * a citizen consented to in a proactive offer.
 */
export async function storeApplication(
  tx: Tx,
  deps: Pick<ApplicationsDeps, 'calendars'>,
  service: ServiceDefinition,
  applicant: { personId: string; accountId: string; role: Actor['role'] },
  data: Record<string, unknown>,
  signature: string,
  language: string,
  now: Date,
  action: { type: string; idempotencyKey: string | null; payload: Record<string, unknown> },
): Promise<ApplicationSummary> {
  const calendar = deps.calendars.get(service.state);
  if (!calendar) throw new Error(`no working-day calendar for ${service.state}`);
  const deadline = calendar.deadline(now, service.deadline.days, service.deadline.type);
  const year = calendar.localDate(now).slice(0, 4);
  const id = randomUUID();

  const inserted = await tx
    .insertInto('applications')
    .values({
      id,
      number: sql<string>`${`${service.state}-${year}-`} || lpad(nextval('application_number_seq')::text, 8, '0')`,
      service_code: service.code,
      service_version: service.version,
      state: service.state,
      agency_code: service.agency,
      applicant_person_id: applicant.personId,
      applicant_account_id: applicant.accountId,
      status: service.fee.amount > 0 ? 'awaiting_payment' : 'submitted',
      data: JSON.stringify(data),
      signature,
      language,
      submitted_at: now,
      deadline,
      updated_at: now,
    })
    .returning(['number'])
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('application_actions')
    .values({
      application_id: id,
      seq: 1,
      type: action.type,
      status_after: service.fee.amount > 0 ? 'awaiting_payment' : 'submitted',
      actor_account_id: applicant.accountId,
      actor_role: applicant.role,
      at: now,
      idempotency_key: action.idempotencyKey,
      payload: JSON.stringify(action.payload),
    })
    .execute();
  let payment: ApplicationSummary['payment'];
  if (service.fee.amount > 0) {
    // The fee first: the legal term and the workflow start when the payment arrives.
    const invoice = await createInvoice(tx, { id, number: inserted.number, personId: applicant.personId, accountId: applicant.accountId }, service, now);
    payment = { invoiceId: invoice.id, amount: invoice.amount, currency: invoice.currency, status: invoice.status };
  } else {
    // Evidence is gathered and the automatic steps run as jobs; the deadline's timers are set now, with them.
    await enqueue(tx, EVIDENCE_QUEUE, { applicationId: id }, now, { uniqueKey: `evidence:${id}` });
    await scheduleDeadlineTimers(tx, deps, { id, state: service.state, deadline }, now);
    await notify(tx, { recipientAccountId: applicant.accountId, template: 'application_submitted', applicationId: id, params: { number: inserted.number, service: service.title, deadline } }, now);
  }
  await appendAudit(tx, {
    at: now,
    actorAccountId: applicant.accountId,
    action: 'application.submit',
    subjectType: 'application',
    subjectId: id,
    personId: applicant.personId,
    details: { service: service.code, number: inserted.number },
  });

  const body: ApplicationSummary = {
    id,
    number: inserted.number,
    service: service.code,
    serviceVersion: service.version,
    state: service.state,
    agency: service.agency,
    status: payment ? 'awaiting_payment' : 'submitted',
    submittedAt: now.toISOString(),
    deadline,
    ...(payment ? { payment } : {}),
  };
  return body;
}
