import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../platform/clock.js';
import { Periodic } from '../platform/periodic.js';
import type { Db } from '../platform/db/index.js';
import { archiveMessageLog } from './archive.js';
import type { GatewaySigner } from './signing.js';

export interface ArchiverOptions {
  /** the folder the archive files are written to */
  dir: string;
  intervalMs: number;
  /** at most about this many rows per file (a file ends at a time-stamp, so one stamp's rows are never split) */
  maxRows: number;
  log?: (message: string, error: unknown) => void;
}

export interface ArchivedFile {
  file: string;
  afterId: number;
  lastId: number;
  rows: number;
}

/**
 * Archives the message log on a schedule, as X-Road's Security Server does: every interval, the time-stamped rows
 * not yet archived go into signed ASiC-E files in the archive folder (`npm run exchange -- verify-archive` checks
 * one offline). Each file ends at a time-stamp, so that it verifies on its own, and holds about `maxRows` rows at
 * most (an archive is built in memory). A file is written whole and synced before it is recorded, with its range and
 * SHA-256, in message_log_archives; a range whose rows are not all stamped yet (a row committed after its stamp)
 * waits for the next run, so no row is ever skipped.
 */
export class MessageLogArchiver {
  lastError?: string;
  lastRunAt?: Date;

  constructor(
    private readonly db: Db,
    private readonly signer: GatewaySigner,
    private readonly tsaCertPem: () => Promise<string>,
    private readonly clock: Clock,
    private readonly options: ArchiverOptions,
  ) {}

  /** Archives what is stamped and not yet archived; answers the files written. */
  async runOnce(): Promise<ArchivedFile[]> {
    const written: ArchivedFile[] = [];
    try {
      for (;;) {
        const next = await this.archiveNext();
        if (!next) break;
        written.push(next);
      }
      this.lastError = undefined;
    } catch (error) {
      this.lastError = (error as Error).message;
      throw error;
    } finally {
      this.lastRunAt = this.clock.now();
    }
    return written;
  }

  /** The next range, up to the last time-stamp that keeps it within maxRows (or the first one past afterId). */
  private async archiveNext(): Promise<ArchivedFile | undefined> {
    const last = await this.db.selectFrom('message_log_archives').select('last_id').orderBy('last_id', 'desc').limit(1).executeTakeFirst();
    const afterId = last ? Number(last.last_id) : 0;
    const ends = (await this.db.selectFrom('message_log_timestamps').select('last_id').where('last_id', '>', afterId).orderBy('last_id').execute()).map((s) => Number(s.last_id));
    if (!ends.length) return undefined;
    const upToId = ends.findLast((end) => end - afterId <= this.options.maxRows) ?? ends[0];
    const now = this.clock.now();
    const archive = await archiveMessageLog(this.db, this.signer, await this.tsaCertPem(), now, afterId, upToId);
    if (archive.uncovered > 0 || archive.rows === 0) return undefined;

    mkdirSync(this.options.dir, { recursive: true });
    // Named by its range and its time, so that no two attempts share a file: the one recorded is the archive (after a
    // crash between writing and recording, a file no row names is left, and the range is archived again).
    const name = `message-log-${String(afterId + 1).padStart(12, '0')}-${String(upToId).padStart(12, '0')}-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}.asice`;
    const path = join(this.options.dir, name);
    const partial = `${path}.partial`;
    const handle = await open(partial, 'wx', 0o640);
    try {
      await handle.writeFile(archive.file);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(partial, path);
    const recorded = await this.db
      .insertInto('message_log_archives')
      .values({ after_id: afterId, last_id: upToId, rows: archive.rows, stamps: archive.stamps, file: name, sha256: createHash('sha256').update(archive.file).digest('hex'), at: now })
      // (another process archived this range first: its file is the archive)
      .onConflict((oc) => oc.column('after_id').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!recorded) return void (await unlink(path).catch(() => undefined));
    return { file: path, afterId, lastId: upToId, rows: archive.rows };
  }

  private schedule?: Periodic;

  start(): void {
    this.schedule = new Periodic(() => this.runOnce(), this.options.intervalMs, (error) => this.options.log?.('message log archiving failed', error));
    this.schedule.start();
  }

  async stop(): Promise<void> {
    await this.schedule?.stop();
  }
}

/** The archive files written so far, newest first (for the operator). */
export async function listArchives(db: Db, limit = 50) {
  return db.selectFrom('message_log_archives').selectAll().orderBy('last_id', 'desc').limit(limit).execute();
}
