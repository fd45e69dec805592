import type { ColumnType, Generated } from 'kysely';

/** jsonb columns: written as JSON text, read back as values. */
export type Json<T = unknown> = ColumnType<T, string, string>;
/** date columns travel as 'YYYY-MM-DD' strings on both drivers (no time zone shifts). */
export type DateOnly = string;

export interface AgenciesTable {
  code: string;
  state: string;
  name: Json<Record<string, string>>;
  member: string;
  updated_at: Date;
}

export interface PersonsTable {
  id: string;
  state: string;
  national_id: string;
  given_name: string;
  family_name: string;
  patronymic: string | null;
  birth_date: DateOnly | null;
  sex: 'male' | 'female' | null;
  language: string;
  phone: string | null;
  email: string | null;
  created_at: Date;
}

export interface OrganizationsTable {
  id: string;
  state: string;
  business_id: string;
  name: string;
  kind: 'legal_entity' | 'individual_entrepreneur' | 'government';
  head_person_id: string | null;
  created_at: Date;
}

export type Role = 'citizen' | 'officer' | 'operator';

export interface OrganizationMandatesTable {
  account_id: string;
  organization_state: string;
  organization_id: string;
  capacity: 'head' | 'employee' | null;
  certificate_serial: string;
  certificate_issuer: string;
  certificate_valid_until: Date;
  first_seen_at: Date;
  last_seen_at: Date;
}

export interface AccountsTable {
  id: string;
  person_id: string;
  role: Role;
  agency_code: string | null;
  permissions: ColumnType<string[], string[] | undefined, string[]>;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Date;
}

export interface PkiKeysTable {
  name: string;
  private_jwk: Json<Record<string, unknown>>;
  certificate_pem: string;
  created_at: Date;
}

export interface PersonCertificatesTable {
  serial: string;
  person_id: string;
  thumbprint: string;
  not_before: Date;
  not_after: Date;
  revoked_at: Date | null;
  pem: string;
}

export interface DemoKeyFilesTable {
  person_id: string;
  jwk: Json<Record<string, unknown>>;
}

export interface AuthChallengesTable {
  id: string;
  nonce: string;
  expires_at: Date;
  used_at: Date | null;
}

export interface SessionsTable {
  token_hash: string;
  account_id: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  /** the certificate whose signature opened it (none for demo sign-in): its revocation ends the session */
  certificate_serial: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ApplicationsTable {
  id: string;
  number: string;
  service_code: string;
  service_version: number;
  state: string;
  agency_code: string;
  applicant_person_id: string;
  applicant_account_id: string;
  status: string;
  data: Json<Record<string, unknown>>;
  signature: string;
  language: string;
  submitted_at: Date;
  deadline: DateOnly;
  updated_at: Date;
  current_step: string | null;
  assigned_to: string | null;
  overdue: ColumnType<boolean, boolean | undefined, boolean>;
  paused_at: Date | null;
  paused_days_left: number | null;
  closed_at: Date | null;
}

export interface ApplicationActionsTable {
  application_id: string;
  seq: number;
  type: string;
  status_after: string;
  actor_account_id: string | null;
  actor_role: Role | 'system';
  at: Date;
  idempotency_key: string | null;
  payload: Json<Record<string, unknown>>;
}

export interface IdempotencyKeysTable {
  account_id: string;
  key: string;
  request_hash: string;
  status_code: number;
  response: Json<unknown>;
  created_at: Date;
}

export interface AuditEventsTable {
  id: Generated<number>;
  at: Date;
  actor_account_id: string | null;
  action: string;
  subject_type: string;
  subject_id: string;
  person_id: string | null;
  details: Json<Record<string, unknown>>;
  prev_hash: string | null;
  hash: string | null;
  /** the row's place in the hash chain, given when the sealer links it; null until then */
  chain_seq: ColumnType<string | number | null, number | null | undefined, number | null>;
}

export interface JobsTable {
  id: Generated<number>;
  queue: string;
  payload: Json<Record<string, unknown>>;
  run_at: Date;
  unique_key: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  max_attempts: ColumnType<number, number | undefined, number>;
  locked_until: Date | null;
  locked_by: string | null;
  last_error: string | null;
  done_at: Date | null;
  failed_at: Date | null;
  cancelled_at: Date | null;
  created_at: Date;
}

export interface NotificationsTable {
  id: string;
  recipient_account_id: string;
  template: string;
  params: Json<Record<string, unknown>>;
  language: string;
  subject: string;
  body: string;
  application_id: string | null;
  created_at: Date;
  delivered_at: Date | null;
  channel: string | null;
  read_at: Date | null;
}

export interface DocumentsTable {
  id: string;
  /** the short number printed on it (KZ-CRC-2026-000123) */
  number: string;
  application_id: string;
  agency_code: string;
  holder_person_id: string;
  kind: string;
  title: Json<Record<string, string>>;
  language: string;
  issued_at: Date;
  valid_until: DateOnly | null;
  sha256: string;
  signature: string;
  pdf: Uint8Array;
  /** what the document certifies, as data (documents/certified.ts) */
  certified: Json<unknown[]>;
  revoked_at: Date | null;
  revoked_by: string | null;
  revocation_reason: string | null;
}

export interface InvoicesTable {
  id: string;
  application_id: string;
  payer_person_id: string;
  amount: number;
  currency: string;
  status: 'open' | 'paid' | 'refunded' | 'cancelled';
  created_at: Date;
  paid_at: Date | null;
  refunded_at: Date | null;
}

export interface PaymentAttemptsTable {
  id: string;
  invoice_id: string;
  provider: string;
  status: 'pending' | 'succeeded' | 'failed' | 'cancelled' | 'refunded';
  provider_ref: string | null;
  failure_reason: string | null;
  created_at: Date;
  completed_at: Date | null;
}

export interface LedgerEntriesTable {
  id: Generated<number>;
  invoice_id: string;
  kind: 'charge' | 'payment' | 'refund';
  amount: number;
  currency: string;
  provider: string | null;
  provider_ref: string | null;
  at: Date;
}

export interface AccessRightsTable {
  service_id: string;
  subject_type: Generated<'SUBSYSTEM' | 'LOCALGROUP' | 'GLOBALGROUP'>;
  subject_id: string;
  method: Generated<string>;
  path: Generated<string>;
  granted_at: Date;
  granted_by: string | null;
}

export interface ExchangeClientsTable {
  client_id: string;
  connection_type: 'HTTP' | 'HTTPS_NO_AUTH' | 'HTTPS';
  allowed_addresses: Generated<string[]>;
  rate_per_minute: number | null;
  registered_at: Date;
  registered_by: string | null;
}

export interface ExchangeClientCertificatesTable {
  client_id: string;
  fingerprint: string;
  certificate: string;
  not_after: Date;
  added_at: Date;
}

export interface ExchangeServicesTable {
  service_id: string;
  url: string;
  timeout_ms: number;
  tls_verify: Generated<boolean>;
  tls_ca: string | null;
  openapi: Json<Record<string, unknown>> | null;
  registered_at: Date;
  registered_by: string | null;
}

export interface MessageLogTimestampsTable {
  id: Generated<number>;
  at: Date;
  last_id: number;
  heads: Json<{ chain: string | null; id: number; hash: string }[]>;
  digest: string;
  token: Uint8Array;
  tsa: string;
}

export interface ExchangeLocalGroupsTable {
  owner: string;
  code: string;
  description: Generated<string>;
  created_at: Date;
}

export interface ExchangeLocalGroupMembersTable {
  owner: string;
  code: string;
  client_id: string;
  added_at: Date;
}

export interface MessageLogTable {
  id: Generated<number>;
  at: Date;
  side: 'client' | 'provider';
  direction: 'request' | 'response';
  x_road_id: string;
  request_id: string;
  client_id: string;
  service_id: string;
  user_id: string | null;
  issue: string | null;
  method: string;
  path: string;
  status: number | null;
  error_type: string | null;
  request_hash: string | null;
  signature: string | null;
  body_sha512: string | null;
  body: Uint8Array | null;
  /** the body is kept in message_log_bodies (it was spooled), not in `body` */
  body_in_parts: Generated<boolean>;
  /** X-Road-Represented-Party, when the client named one */
  represented_party: string | null;
  /** the gateway process's chain (NULL: rows from before chains had names) */
  chain: string | null;
  prev_hash: string | null;
  hash: string;
}

export interface MessageLogArchivesTable {
  id: Generated<number>;
  after_id: number;
  last_id: number;
  rows: number;
  stamps: number;
  file: string;
  sha256: string;
  at: Date;
}

export interface MessageLogBodiesTable {
  sha512: string;
  part: number;
  bytes: Uint8Array;
}

export interface DataAccessLogTable {
  id: Generated<number>;
  person_state: string;
  person_id: string;
  role: 'user' | 'subject';
  at: Date;
  client_id: string;
  service_id: string;
  user_id: string | null;
  issue: string | null;
  request_id: string;
}

export interface CriminalRecordsTable {
  id: string;
  person_id: string;
  article: string;
  court: string;
  sentenced_on: DateOnly;
  expunged_on: DateOnly | null;
}

export interface AddressesTable {
  state: string;
  code: string;
  region: string;
  locality: string;
  street: string;
  building: string;
  flat: string | null;
  postcode: string | null;
}

export interface ResidenceRegistrationsTable {
  state: string;
  national_id: string;
  address_code: string;
  registered_on: DateOnly;
  ended_on: DateOnly | null;
}

export interface ApplicationConsentsTable {
  application_id: string;
  field: string;
  party_state: string;
  party_national_id: string;
  status: 'pending' | 'given' | 'declined' | 'lapsed' | 'cancelled';
  requested_at: Date;
  due_at: Date;
  decided_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  decided_by: ColumnType<string | null, string | null | undefined, string | null>;
  signature: ColumnType<string | null, string | null | undefined, string | null>;
  reason: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ApplicationEvidenceTable {
  application_id: string;
  key: string;
  registry: string;
  service_id: string | null;
  subject: string | null;
  status: 'received' | 'not_found' | 'unavailable';
  data: Json<unknown> | null;
  request_id: string | null;
  fetched_at: Date;
}

export interface ProactiveOffersTable {
  id: string;
  kind: 'birth';
  state: string;
  person_id: string;
  event: Json<Record<string, unknown>>;
  status: 'offered' | 'accepted';
  created_at: Date;
  accepted_at: Date | null;
  accepted_via: string | null;
  applications: ColumnType<string[], string | undefined, string>;
}

export interface StatsDecisionsTable {
  /** the first day of the month of the decision, in the state's time */
  month: DateOnly;
  state: string;
  agency_code: string;
  service_code: string;
  approved: number;
  rejected: number;
  on_time: number;
  decision_seconds: ColumnType<string | number, number, number>;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  checksum: string;
  applied_at: Date;
}

export interface Tables {
  agencies: AgenciesTable;
  persons: PersonsTable;
  organizations: OrganizationsTable;
  accounts: AccountsTable;
  organization_mandates: OrganizationMandatesTable;
  pki_keys: PkiKeysTable;
  person_certificates: PersonCertificatesTable;
  demo_key_files: DemoKeyFilesTable;
  auth_challenges: AuthChallengesTable;
  sessions: SessionsTable;
  applications: ApplicationsTable;
  application_actions: ApplicationActionsTable;
  idempotency_keys: IdempotencyKeysTable;
  audit_events: AuditEventsTable;
  jobs: JobsTable;
  notifications: NotificationsTable;
  documents: DocumentsTable;
  invoices: InvoicesTable;
  payment_attempts: PaymentAttemptsTable;
  ledger_entries: LedgerEntriesTable;
  access_rights: AccessRightsTable;
  exchange_clients: ExchangeClientsTable;
  exchange_client_certificates: ExchangeClientCertificatesTable;
  exchange_local_groups: ExchangeLocalGroupsTable;
  exchange_services: ExchangeServicesTable;
  message_log_timestamps: MessageLogTimestampsTable;
  exchange_local_group_members: ExchangeLocalGroupMembersTable;
  message_log: MessageLogTable;
  message_log_bodies: MessageLogBodiesTable;
  message_log_archives: MessageLogArchivesTable;
  data_access_log: DataAccessLogTable;
  criminal_records: CriminalRecordsTable;
  addresses: AddressesTable;
  residence_registrations: ResidenceRegistrationsTable;
  application_evidence: ApplicationEvidenceTable;
  application_consents: ApplicationConsentsTable;
  proactive_offers: ProactiveOffersTable;
  stats_decisions: StatsDecisionsTable;
  schema_migrations: SchemaMigrationsTable;
}
