import type { LockedApplication } from '../applications/lifecycle.js';
import { appendAudit, wasAudited } from '../audit/index.js';
import type { ServiceDefinition } from '../catalog/index.js';
import type { Actor } from '../identity/index.js';
import { notify } from '../notifications/index.js';
import { DomainError } from '../platform/errors.js';
import { type Db, transaction } from '../platform/db/index.js';
import { agencyHeads } from './engine.js';

/**
 * Conflicts of interest: no officer works on an application they are a party to — its applicant, or a person the
 * form names (a director, a spouse, the other parent, an owner: the fields the service checks in a register, and any
 * field that holds a person's identifier). The node knows no register of family relations yet, so relatives are not
 * detected; where one is connected, its answer belongs here.
 */
export interface Conflict {
  /** 'applicant', or the form field that names the officer */
  as: string;
}

/** An officer's action refused for a conflict of interest (403); the caller reports it once its transaction is over. */
export class ConflictOfInterest extends DomainError {
  constructor(
    readonly app: LockedApplication,
    readonly conflict: Conflict,
    readonly action: string,
  ) {
    super('forbidden', 'errors.conflict_of_interest', { number: app.number });
  }
}

/** The form's fields that name persons: evidence subjects, and fields marked `x-identifier` of type person. */
export function partyFields(def: ServiceDefinition): string[] {
  const fields = new Set(def.evidence.filter((e) => e.subject?.startsWith('field:')).map((e) => e.subject!.slice('field:'.length)));
  const properties = (def.form.schema.properties ?? {}) as Record<string, { 'x-identifier'?: { type?: string } }>;
  for (const [name, schema] of Object.entries(properties)) if (schema['x-identifier']?.type === 'person') fields.add(name);
  return [...fields];
}

/** An officer, as a person: whose identifier the form may hold. */
export interface OfficerPerson {
  personId: string;
  state: string;
  nationalId: string;
}

export function conflictOf(officer: OfficerPerson, app: LockedApplication, def: ServiceDefinition): Conflict | undefined {
  if (app.applicantPersonId === officer.personId) return { as: 'applicant' };
  if (officer.state !== app.state) return undefined;
  const field = partyFields(def).find((f) => app.data[f] === officer.nationalId);
  return field ? { as: field } : undefined;
}

/**
 * The refusal is recorded for the agency's heads: an audit entry and a message to each, once per officer and
 * application (a second try adds nothing), in a transaction of its own, since the refused action writes nothing.
 */
export async function reportConflict(db: Db, officer: Actor, app: LockedApplication, def: ServiceDefinition, conflict: Conflict, action: string, now: Date): Promise<void> {
  await transaction(db, async (tx) => {
    if (await wasAudited(tx, { action: 'application.conflict_of_interest', subjectId: app.id, actorAccountId: officer.accountId })) return;
    const heads = (await agencyHeads(tx, app.agencyCode)).filter((id) => id !== officer.accountId);
    for (const head of heads) {
      await notify(tx, { recipientAccountId: head, template: 'conflict_of_interest', applicationId: app.id, params: { number: app.number, service: def.title, officer: officer.name, action } }, now);
    }
    await appendAudit(tx, {
      at: now,
      actorAccountId: officer.accountId,
      action: 'application.conflict_of_interest',
      subjectType: 'application',
      subjectId: app.id,
      personId: app.applicantPersonId,
      details: { number: app.number, attempted: action, as: conflict.as, headsTold: heads.length },
    });
  });
}
