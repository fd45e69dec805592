import type { Catalog, Evidence, ServiceDefinition } from '../catalog/index.js';
import { formatServiceId, handleGatewayRequest, type GatewayDeps, Payload } from '../exchange/index.js';
import { type Db, type Tx, transaction } from '../platform/db/index.js';
import { enqueue } from '../platform/jobs.js';
import { ADVANCE_QUEUE } from './queues.js';

export interface EvidenceDeps {
  db: Db;
  catalog: Catalog;
  gateway: GatewayDeps;
}

export interface FetchedEvidence {
  key: string;
  registry: string;
  serviceId: string | null;
  subject: string | null;
  status: 'received' | 'not_found' | 'unavailable';
  data: unknown;
  requestId: string | null;
}

export interface EvidenceQuery {
  /** the agency that asks, as an X-Road member (its SERVICES subsystem calls) */
  agencyMember: string;
  /** the person the query is for (X-Road-UserId), country code first */
  user: string;
  /** what it is for (X-Road-Issue): an application number, or the form being filled */
  issue: string;
  state: string;
  applicantId: string;
  data: Record<string, unknown>;
}

/** The exchange service of this node that answers for a register in a state, if it has one. */
function registerOf(services: GatewayDeps['services'], registry: string, state: string) {
  return services.find((s) => s.registry === registry && s.state === state);
}

/** The evidence a definition asks for that no register on this node gives: its rules send every application to an officer. */
export function unobtainableEvidence(def: ServiceDefinition, services: GatewayDeps['services']): { key: string; registry: string }[] {
  return def.evidence.filter((e) => !registerOf(services, e.registry, def.state)).map((e) => ({ key: e.key, registry: e.registry }));
}

/**
 * Asks the registers for one item of evidence, through the node's own exchange gateway like any other client:
 * access rights, message log and the person's data tracker apply. A register the federation does not offer, or a
 * refusal, leaves the item unavailable; an automatic rule then cannot pass on it.
 */
export async function fetchEvidenceItem(deps: EvidenceDeps, item: Evidence, q: EvidenceQuery): Promise<FetchedEvidence> {
  const subject = item.subject === 'applicant' ? q.applicantId : String(q.data[item.subject.slice('field:'.length)] ?? '');
  const service = registerOf(deps.gateway.services, item.registry, q.state);
  const base = { key: item.key, registry: item.registry, subject: subject || null };
  if (!service || !subject) return { ...base, serviceId: service ? formatServiceId(service.id) : null, status: 'unavailable', data: null, requestId: null };
  const serviceId = formatServiceId(service.id);
  const answer = await handleGatewayRequest(deps.gateway, {
    method: 'GET',
    url: `/r1/${serviceId}${service.pathFor(subject)}`,
    headers: { 'x-road-client': `${q.agencyMember}/SERVICES`, 'x-road-userid': q.user, 'x-road-issue': q.issue, accept: 'application/json' },
    body: Payload.EMPTY,
    // the node's own portal, asking for its agency: authenticated by being in-process; access rights still apply
    transport: { kind: 'internal' },
  });
  const requestId = answer.headers['x-road-request-id'] ?? null;
  // (a register's answer is JSON of a few kilobytes, held in memory)
  const body = await answer.body.bytes();
  await answer.body.dispose();
  if (answer.status === 404 && !answer.headers['x-road-error']) return { ...base, serviceId, status: 'not_found', data: { found: false }, requestId };
  if (answer.status !== 200) return { ...base, serviceId, status: 'unavailable', data: null, requestId };
  return { ...base, serviceId, status: 'received', data: JSON.parse(body.toString('utf8')), requestId };
}

/**
 * The job that gathers an application's evidence before its automatic steps run. It calls out (the gateway),
 * so it runs outside a transaction; what it found is stored, and the workflow started, in one transaction after.
 */
export async function gatherEvidence(deps: EvidenceDeps, applicationId: string, now: Date): Promise<void> {
  const app = await deps.db
    .selectFrom('applications as a')
    .innerJoin('persons as p', 'p.id', 'a.applicant_person_id')
    .innerJoin('agencies as g', 'g.code', 'a.agency_code')
    .select(['a.id', 'a.number', 'a.service_code', 'a.state', 'a.data', 'a.status', 'p.state as person_state', 'p.national_id', 'g.member'])
    .where('a.id', '=', applicationId)
    .executeTakeFirst();
  if (!app || app.status !== 'submitted') return;
  const def = deps.catalog.get(app.service_code);
  if (!def) return;
  const query: EvidenceQuery = {
    agencyMember: app.member,
    user: `${app.person_state}${app.national_id}`,
    issue: app.number,
    state: app.state,
    // The registers of the service's state know the applicant only if they are a resident there.
    applicantId: app.person_state === app.state ? app.national_id : '',
    data: app.data as Record<string, unknown>,
  };
  const fetched: FetchedEvidence[] = [];
  for (const item of def.evidence) fetched.push(await fetchEvidenceItem(deps, item, query));
  await transaction(deps.db, async (tx) => {
    for (const e of fetched) {
      await tx
        .insertInto('application_evidence')
        .values({
          application_id: app.id,
          key: e.key,
          registry: e.registry,
          service_id: e.serviceId,
          subject: e.subject,
          status: e.status,
          data: e.data === null ? null : JSON.stringify(e.data),
          request_id: e.requestId,
          fetched_at: now,
        })
        .onConflict((oc) => oc.columns(['application_id', 'key']).doNothing())
        .execute();
    }
    await enqueue(tx, ADVANCE_QUEUE, { applicationId: app.id }, now, { uniqueKey: `advance:${app.id}` });
  });
}

/** The evidence an application has, as rules see it: key → what the register answered. */
export async function evidenceFacts(tx: Tx | Db, applicationId: string): Promise<Record<string, unknown>> {
  const rows = await tx.selectFrom('application_evidence').select(['key', 'status', 'data']).where('application_id', '=', applicationId).execute();
  return Object.fromEntries(rows.filter((r) => r.status !== 'unavailable').map((r) => [r.key, r.data]));
}

/**
 * The evidence as the applicant sees it: what the registers said about them, in full; about anyone else the form
 * names, only whether the register found them (that person's data is for the officers who decide).
 */
export function evidenceForApplicant<E extends { key: string; status: string; data: unknown }>(items: E[], def: ServiceDefinition | undefined): E[] {
  const aboutOthers = new Set((def?.evidence ?? []).filter((e) => e.subject !== 'applicant').map((e) => e.key));
  return items.map((e) => (aboutOthers.has(e.key) ? answeredOnly(e) : e));
}

/** A register's answer about someone else, as a person reading the application may see it: whether it answered. */
const answeredOnly = <E extends { status: string; data: unknown }>(e: E): E => ({ ...e, data: e.status === 'unavailable' ? null : { found: e.status === 'received' } });

/** What a party an application names sees: what the registers said about them; about anyone else, whether they answered. */
export function evidenceForParty<E extends { key: string; status: string; data: unknown }>(items: E[], def: ServiceDefinition | undefined, field: string): E[] {
  const aboutThem = new Set((def?.evidence ?? []).filter((e) => e.subject === `field:${field}`).map((e) => e.key));
  return items.map((e) => (aboutThem.has(e.key) ? e : answeredOnly(e)));
}

export async function evidenceOf(db: Db | Tx, applicationId: string) {
  const rows = await db.selectFrom('application_evidence').selectAll().where('application_id', '=', applicationId).orderBy('key').execute();
  return rows.map((r) => ({ key: r.key, registry: r.registry, service: r.service_id, status: r.status, data: r.data, requestId: r.request_id, fetchedAt: r.fetched_at.toISOString() }));
}

export interface PrefilledField {
  value: unknown;
  /** the register it came from (X-Road service id) and the exchange request, for the portal to show */
  source: string;
  registry: string;
  requestId: string | null;
}

/**
 * Pre-fills a service's form for a citizen from the registers (once-only): each evidence item with a `prefill`
 * mapping about the applicant is asked through the exchange, with the citizen as the user and the form as the
 * purpose, so the query shows in their data tracker. Items the registers cannot answer are listed as unavailable.
 */
export async function prefillForm(
  deps: EvidenceDeps,
  service: ServiceDefinition,
  person: { state: string; nationalId: string },
): Promise<{ fields: Record<string, PrefilledField>; unavailable: string[] }> {
  const agency = deps.catalog.agency(service.agency);
  const fields: Record<string, PrefilledField> = {};
  const unavailable: string[] = [];
  for (const item of service.evidence.filter((e) => e.prefill && e.subject === 'applicant')) {
    const fetched = await fetchEvidenceItem(deps, item, {
      agencyMember: agency!.member,
      user: `${person.state}${person.nationalId}`,
      issue: `prefill:${service.code}`,
      state: service.state,
      applicantId: person.state === service.state ? person.nationalId : '',
      data: {},
    });
    if (fetched.status !== 'received') {
      unavailable.push(item.key);
      continue;
    }
    const data = fetched.data as Record<string, unknown>;
    for (const [field, registryField] of Object.entries(item.prefill!)) {
      if (data[registryField] === undefined || data[registryField] === null) continue;
      fields[field] = { value: data[registryField], source: fetched.serviceId!, registry: item.registry, requestId: fetched.requestId };
    }
  }
  return { fields, unavailable };
}
