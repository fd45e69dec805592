import { mkdirSync } from 'node:fs';
import { CompiledQuery, Kysely, type OperationNodeSource, PostgresDialect, type QueryCreator, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { type ChangeListener, listenPglite, listenPostgres, type Unlisten } from './listen.js';
import { PgliteDialect } from './pglite-dialect.js';
import { lockDataFolder } from './data-lock.js';
export { DataFolderInUse } from './data-lock.js';
import type { Tables } from './tables.js';

export type { Tables } from './tables.js';
export type { ChangeListener, Unlisten } from './listen.js';
export { sql };
export type Db = Kysely<Tables>;
export type Tx = Transaction<Tables>;

/** Runs statements on one connection (one session), as migrations and advisory locks need. */
export type SessionRunner = <T>(work: (query: (text: string) => Promise<unknown[]>) => Promise<T>) => Promise<T>;

/** Raw SQL with positional parameters ($1…), for libraries that bring their own SQL (the job queue). */
export async function executeSql(db: Db | Tx, text: string, values: unknown[] = []): Promise<{ rows: unknown[]; rowCount: number }> {
  const result = await db.executeQuery(CompiledQuery.raw(text, values));
  return { rows: result.rows as unknown[], rowCount: Number(result.numAffectedRows ?? result.rows.length) };
}

/**
 * The one database interface every module uses: a Kysely instance over PostgreSQL (pg pool) or over embedded
 * PGlite. Both speak the same SQL, so modules never know which one they run on.
 */
export interface Database {
  kind: 'postgres' | 'pglite';
  db: Db;
  withSession: SessionRunner;
  /** hears NOTIFY on `channel` (PostgreSQL's, delivered after the notifying transaction commits) until unlistened or closed */
  listen(channel: string, listener: ChangeListener): Promise<Unlisten>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… ; when absent, embedded PGlite is used */
  url?: string;
  /** PGlite's folder; `memory://` keeps it in memory (tests) */
  dataDir?: string;
  poolSize?: number;
}

// Dates stay 'YYYY-MM-DD' strings; bigint counts become numbers (row counts here never pass 2^53).
const DATE_OID = 1082;
const INT8_OID = 20;
const NUMERIC_OID = 1700;
const BYTEA_OID = 17;
pg.types.setTypeParser(DATE_OID, (v: string) => v);
pg.types.setTypeParser(INT8_OID, (v: string) => Number(v));
pg.types.setTypeParser(NUMERIC_OID, (v: string) => Number(v));

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) return openPostgres(options.url, options.poolSize ?? 10);
  return openPglite(options.dataDir ?? 'memory://');
}

function openPostgres(url: string, poolSize: number): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000 });
  // A client losing its server (a restart) must not crash the process: idle ones are reported on the pool, and one
  // that is checked out (pg-pool removes its listener then) gets a listener of its own; the query in flight fails
  // with the error, and the pool drops the broken client when it is released.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', () => {});
    prepareRepeatedStatements(client);
  });
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  return databaseOver('postgres', db, (channel, listener) => listenPostgres(url, channel, listener));
}

// The node sends a few hundred distinct statements, each thousands of times: named, each is parsed and planned once
// per connection instead of on every run (that was about a third of PostgreSQL's CPU under a submission load).
// Texts beyond the cap (SQL built with a varying shape) run unnamed, so neither side's cache grows without bound.
const MAX_NAMED_STATEMENTS = 500;
const statementNames = new Map<string, string>();
let namesGiven = 0;
const NAMEABLE = /^\s*(select|insert|update|delete|with)\b/i;

const newStatementName = () => `ortak_${++namesGiven}`;

function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_NAMED_STATEMENTS && NAMEABLE.test(text)) {
    name = newStatementName();
    statementNames.set(text, name);
  }
  return name;
}

/**
 * PostgreSQL plans a named statement again after a schema change, but refuses to run one whose result columns the
 * change altered (a migration that adds a column to a table read with `SELECT *`), on every connection that
 * prepared it before — as when a new version migrates while processes of the old one still serve.
 */
function isStalePlan(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  return e?.code === '0A000' && /cached plan must not change result type/.test(e.message ?? '');
}

function prepareRepeatedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((config: unknown, values?: unknown, callback?: unknown) => {
    if (typeof config !== 'string' || !Array.isArray(values) || callback !== undefined) return query(config, values, callback);
    const name = statementName(config);
    if (!name) return query(config, values);
    return (query({ name, text: config, values }) as Promise<unknown>).catch((error: unknown) => {
      if (!isStalePlan(error)) throw error;
      // The text gets a new name, so that every connection prepares it afresh (the old one stays on the server
      // until its connection closes). Outside a transaction the statement simply runs again; inside one, the
      // transaction has failed and the caller is told to try again (isDatabaseUnavailable).
      if (statementNames.get(config) === name) statementNames.set(config, newStatementName());
      // (pg's last ReadyForQuery status: 'I' is no transaction open; a private field, checked by the tests)
      if ((client as unknown as { _txStatus?: string })._txStatus !== 'I') throw error;
      return query({ name: statementNames.get(config), text: config, values });
    });
  }) as typeof client.query;
}

async function openPglite(dataDir: string): Promise<Database> {
  let release = () => {};
  if (!dataDir.includes('://')) {
    mkdirSync(dataDir, { recursive: true });
    release = await lockDataFolder(dataDir);
  }
  try {
    const pglite = new PGlite(dataDir, {
      parsers: {
        [DATE_OID]: (v: string) => v,
        [INT8_OID]: (v: string) => Number(v),
        [NUMERIC_OID]: (v: string) => Number(v),
        // bytea in and out as hex with Node's own codec: PGlite's converts byte by byte in JavaScript, about ten times
        // slower (a message body of 10 MiB took 4.5 s to insert, 0.8 s to read; now 0.4 and 0.14 s)
        [BYTEA_OID]: (v: string) => Buffer.from(v.slice(2), 'hex'),
      },
      serializers: { [BYTEA_OID]: (v: Uint8Array) => `\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}` },
    });
    await pglite.waitReady;
    const db = new Kysely<Tables>({ dialect: new PgliteDialect(pglite) });
    // (the folder's lock is let go only once the database has written everything back and closed)
    return databaseOver('pglite', db, (channel, listener) => listenPglite(pglite, channel, listener), release);
  } catch (error) {
    release();
    throw error;
  }
}

/** The Database interface over a Kysely instance; its listeners stop when it closes. */
function databaseOver(kind: Database['kind'], db: Db, openListener: (channel: string, listener: ChangeListener) => Promise<Unlisten>, afterClose = () => {}): Database {
  const listening = new Set<Unlisten>();
  return {
    kind,
    db,
    withSession: (work) => db.connection().execute((connection) => work(async (text) => (await executeSql(connection, text)).rows)),
    listen: async (channel, listener) => {
      const unlisten = await openListener(channel, listener);
      const once: Unlisten = async () => {
        if (listening.delete(once)) await unlisten();
      };
      listening.add(once);
      return once;
    },
    close: async () => {
      await Promise.all([...listening].map((unlisten) => unlisten()));
      await db.destroy();
      afterClose();
    },
  };
}

// Errors that mean the database cannot be reached now (down, restarting, refusing connections), not that the
// request was wrong: the caller should try again later.
const UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '55000', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  if (!e) return false;
  // (a transaction that ran a statement prepared before a schema change: the next attempt prepares it again)
  if (isStalePlan(e)) return true;
  if (e.code && (UNAVAILABLE_CODES.has(e.code) || e.code.startsWith('08'))) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(e.message ?? '');
}

/** Runs `work` in a transaction; every state change and the rows that record it commit together or not at all. */
export function transaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(work);
}

/** A write built but not yet run (an insert, update or delete query builder). */
export type Write = OperationNodeSource;

/**
 * Runs writes as one statement (each a data-modifying CTE): they commit all together or not at all, even outside a
 * transaction, and cost one round trip to the server instead of one each. The writes must not depend on each
 * other's rows (PostgreSQL runs them on the same snapshot).
 */
export async function writeTogether(db: Db | Tx, writes: Write[]): Promise<void> {
  if (writes.length === 0) return;
  let creator = db as unknown as QueryCreator<Tables>;
  writes.forEach((write, i) => {
    creator = creator.with(`write_${i}`, () => write as never) as unknown as QueryCreator<Tables>;
  });
  await creator.selectNoFrom(sql<number>`1`.as('done')).execute();
}

/** Round-trip time to the database in milliseconds, or throws when it does not answer. */
export async function ping(db: Db): Promise<number> {
  const started = performance.now();
  await sql`select 1`.execute(db);
  return Math.round((performance.now() - started) * 100) / 100;
}
