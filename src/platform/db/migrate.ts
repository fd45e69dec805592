import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from './index.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export function readMigrations(folder: string): Migration[] {
  return readdirSync(folder)
    .filter((f) => f.endsWith('.sql'))
    .map((file) => {
      const match = FILE.exec(file);
      if (!match) throw new Error(`${join(folder, file)}: a migration file is named NNNN_name.sql`);
      const text = readFileSync(join(folder, file), 'utf8');
      return {
        version: Number(match[1]),
        name: match[2],
        sql: text,
        checksum: createHash('sha256').update(text).digest('hex'),
      };
    })
    .sort((a, b) => a.version - b.version);
}

/**
 * Applies pending migrations in order, each in its own transaction with its bookkeeping row. An advisory lock
 * makes concurrent starters (several node processes) wait for one another instead of racing. A migration that
 * was applied and then edited stops the start: history is never rewritten silently.
 */
export async function migrate(database: Database, folder: string): Promise<Migration[]> {
  const migrations = readMigrations(folder);
  return database.withSession(async (query) => {
    await query(`SELECT pg_advisory_lock(7283001)`);
    try {
      await query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL)`);
      const applied = new Map(
        ((await query(`SELECT version, checksum FROM schema_migrations`)) as { version: number; checksum: string }[]).map(
          (r) => [Number(r.version), r.checksum],
        ),
      );
      const done: Migration[] = [];
      for (const m of migrations) {
        const checksum = applied.get(m.version);
        if (checksum !== undefined) {
          if (checksum !== m.checksum) {
            throw new Error(`migration ${m.version}_${m.name} was changed after it was applied; add a new migration instead`);
          }
          continue;
        }
        await query(
          `BEGIN;\n${m.sql}\n;INSERT INTO schema_migrations (version, name, checksum, applied_at) ` +
            `VALUES (${m.version}, '${m.name}', '${m.checksum}', now());\nCOMMIT;`,
        ).catch(async (error: Error) => {
          await query('ROLLBACK').catch(() => {});
          throw new Error(`migration ${m.version}_${m.name} failed: ${error.message}`);
        });
        done.push(m);
      }
      return done;
    } finally {
      await query(`SELECT pg_advisory_unlock(7283001)`);
    }
  });
}
