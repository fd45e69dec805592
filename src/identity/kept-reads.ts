import type { Database, Db } from '../platform/db/index.js';
import type { Actor } from './accounts.js';

/** Where the database announces changes to sessions, accounts, persons and certificates (migration 0014). */
const IDENTITY_CHANNEL = 'ortak_identity';
// A safety net only: every change is announced; an entry is read again after this long all the same.
const KEEP_MS = 60_000;
// Each kind at most this many entries (some 10–20 MB), the oldest dropped first.
const MAX_ENTRIES = 20_000;

export interface KeptSession {
  actor: Actor;
  expiresAt: Date;
}

export interface KeptCertificate {
  serial: string;
  person_id: string;
  revoked_at: Date | null;
  pem: string;
}

/**
 * Reads of sessions and signing certificates kept in this process, so that a signed-in request costs no query for
 * its session and a signature none for its certificate. Each is kept only while the process hears the database's
 * change notices (LISTEN ortak_identity): a notice drops what it names; a lost listening connection drops everything
 * and keeps nothing until it listens again; a read that a notice overtook is not kept. A change is thus seen by every
 * process once its notice arrives, a few milliseconds after it commits.
 */
export class IdentityReads {
  private listening = false;
  private generation = 0;
  private readonly sessions = new Map<string, { value: KeptSession; until: number }>();
  private readonly certificates = new Map<string, { value: KeptCertificate[]; until: number }>();

  session(tokenHash: string, load: () => Promise<KeptSession | undefined>): Promise<KeptSession | undefined> {
    return this.read(this.sessions, tokenHash, load);
  }

  certificate(thumbprint: string, load: () => Promise<KeptCertificate[]>): Promise<KeptCertificate[]> {
    return this.read(this.certificates, thumbprint, async () => {
      const rows = await load();
      return rows.length ? rows : undefined;
    }).then((rows) => rows ?? []);
  }

  /** Drops a session this process changed itself, before its notice comes back. */
  forgetSession(tokenHash: string): void {
    this.sessions.delete(tokenHash);
  }

  /** A change notice: '<kind>:<key>,…' or '<kind>:*'. */
  heard(payload: string): void {
    this.generation++;
    const colon = payload.indexOf(':');
    const kind = payload.slice(0, colon);
    const rest = payload.slice(colon + 1);
    const keys = rest === '*' ? undefined : new Set(rest.split(','));
    // Entries named by their own key, or found by what they hold; a '*' notice drops the whole kind.
    const dropKeys = (map: Map<string, unknown>) => (keys ? keys.forEach((key) => map.delete(key)) : map.clear());
    const dropWhere = <V>(map: Map<string, { value: V }>, holds: (value: V) => boolean) => {
      if (!keys) return map.clear();
      for (const [key, entry] of map) if (holds(entry.value)) map.delete(key);
    };
    switch (kind) {
      case 'session':
        dropKeys(this.sessions);
        break;
      case 'account':
        dropWhere(this.sessions, (s) => keys!.has(s.actor.accountId));
        break;
      case 'person':
        dropWhere(this.sessions, (s) => keys!.has(s.actor.personId));
        dropWhere(this.certificates, (rows) => rows.some((r) => keys!.has(r.person_id)));
        break;
      case 'certificate':
        dropKeys(this.certificates);
        break;
      default:
        this.forgetAll();
    }
  }

  /** Whether notices are being heard; while they are not, nothing is kept. */
  listeningChanged(listening: boolean): void {
    this.generation++;
    this.listening = listening;
    this.forgetAll();
  }

  private forgetAll(): void {
    this.sessions.clear();
    this.certificates.clear();
  }

  private async read<V>(map: Map<string, { value: V; until: number }>, key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const now = performance.now();
    const kept = map.get(key);
    if (kept && kept.until > now) return kept.value;
    const generation = this.generation;
    const value = await load();
    // Kept only if no notice came while it was read: the notice may be about this very row.
    if (value !== undefined && this.listening && this.generation === generation) {
      map.delete(key);
      if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value!);
      map.set(key, { value, until: now + KEEP_MS });
    }
    return value;
  }
}

const byDatabase = new WeakMap<Db, IdentityReads>();

/** The kept reads of a database's running node, if it keeps them (a transaction never does: it reads its own snapshot). */
export function identityReadsOf(db: Db): IdentityReads | undefined {
  return byDatabase.get(db);
}

/** Starts keeping identity reads for the node on `database`: listens to its change notices until it is closed. */
export async function keepIdentityReads(database: Database): Promise<IdentityReads> {
  let reads = byDatabase.get(database.db);
  if (!reads) {
    const kept = (reads = new IdentityReads());
    byDatabase.set(database.db, kept);
    await database.listen(IDENTITY_CHANNEL, { notify: (payload) => kept.heard(payload), live: (listening) => kept.listeningChanged(listening) });
  }
  return reads;
}
