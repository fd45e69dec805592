import type { Db } from '../platform/db/index.js';
import type { Role } from '../platform/db/tables.js';

export type { Role };

/** Who is calling: resolved from a session on every request and handed to the domain modules. */
export interface Actor {
  accountId: string;
  personId: string;
  role: Role;
  /** officers only */
  agencyCode: string | null;
  permissions: string[];
  state: string;
  nationalId: string;
  name: string;
  language: string;
}

// The account and person columns an Actor is made of (the query builder names them a. and p.).
export const ACTOR_COLUMNS = [
  'a.id', 'a.person_id', 'a.role', 'a.agency_code', 'a.permissions', 'a.active',
  'p.state', 'p.national_id', 'p.given_name', 'p.family_name', 'p.language',
] as const;

interface ActorRow {
  id: string;
  person_id: string;
  role: Role;
  agency_code: string | null;
  permissions: string[];
  active: boolean;
  state: string;
  national_id: string;
  given_name: string;
  family_name: string;
  language: string;
}

export function actorOf(row: ActorRow | undefined): Actor | undefined {
  if (!row || !row.active) return undefined;
  return {
    accountId: row.id,
    personId: row.person_id,
    role: row.role,
    agencyCode: row.agency_code,
    permissions: row.permissions,
    state: row.state,
    nationalId: row.national_id,
    name: `${row.given_name} ${row.family_name}`,
    language: row.language,
  };
}

export async function findActor(db: Db, accountId: string): Promise<Actor | undefined> {
  const row = await db
    .selectFrom('accounts as a')
    .innerJoin('persons as p', 'p.id', 'a.person_id')
    .select(ACTOR_COLUMNS)
    .where('a.id', '=', accountId)
    .executeTakeFirst();
  return actorOf(row);
}

/** The account a person signs in to: the role asked for, else their citizen account, else their only one. */
export async function pickAccount(db: Db, personId: string, role?: Role): Promise<string | undefined> {
  const accounts = await db
    .selectFrom('accounts')
    .select(['id', 'role'])
    .where('person_id', '=', personId)
    .where('active', '=', true)
    .execute();
  if (role) return accounts.find((a) => a.role === role)?.id;
  return (accounts.find((a) => a.role === 'citizen') ?? (accounts.length === 1 ? accounts[0] : undefined))?.id;
}

/** How to reach the person behind an account: their language and contacts (for the notifications module). */
export async function contactOf(db: Db, accountId: string): Promise<{ language: string; email: string | null; phone: string | null } | undefined> {
  return db
    .selectFrom('accounts as a')
    .innerJoin('persons as p', 'p.id', 'a.person_id')
    .select(['p.language', 'p.email', 'p.phone'])
    .where('a.id', '=', accountId)
    .executeTakeFirst();
}

export interface OfficerAccount {
  accountId: string;
  agencyCode: string;
  name: string;
  identifier: string;
  permissions: string[];
  active: boolean;
}

/** Every officer account of the node, by agency (for its operator). */
export async function listOfficers(db: Db): Promise<OfficerAccount[]> {
  const rows = await db
    .selectFrom('accounts as a')
    .innerJoin('persons as p', 'p.id', 'a.person_id')
    .select(['a.id', 'a.agency_code', 'a.permissions', 'a.active', 'p.state', 'p.national_id', 'p.given_name', 'p.family_name'])
    .where('a.role', '=', 'officer')
    .orderBy('a.agency_code')
    .orderBy('p.family_name')
    .execute();
  return rows.map((r) => ({
    accountId: r.id,
    agencyCode: r.agency_code ?? '',
    name: `${r.given_name} ${r.family_name}`,
    identifier: `${r.state}${r.national_id}`,
    permissions: r.permissions,
    active: r.active,
  }));
}
