import { randomUUID } from 'node:crypto';
import type { Clock } from './clock.js';
import { withTimeout } from './timeout.js';
import { type Db, type Tx, sql, transaction } from './db/index.js';

export interface JobOptions {
  /** when the job becomes due, on the node's clock; now when absent */
  runAt?: Date;
  /** at most one job ever with this key: a second enqueue is ignored (timers that must fire once) */
  uniqueKey?: string;
  maxAttempts?: number;
}

export interface Job {
  id: number;
  queue: string;
  payload: Record<string, unknown>;
  attempts: number;
  runAt: Date;
}

/** A handler's work runs in the transaction that marks the job done, so its effect happens once. */
export type JobHandler = (tx: Tx, job: Job, now: Date) => Promise<void>;

/**
 * A handler that talks to the outside world (SMTP, an SMS provider, a webhook) runs outside any transaction, so no
 * database connection waits on the network; its effect is at-least-once, as every outside delivery is.
 */
export type OutsideHandler = (db: Db, job: Job, now: Date) => Promise<void>;

/**
 * Enqueues a job in the caller's transaction: it exists only if the change that needs it commits.
 * Returns false when a job with the same unique key already exists.
 */
export async function enqueue(tx: Tx | Db, queue: string, payload: Record<string, unknown>, now: Date, options: JobOptions = {}): Promise<boolean> {
  const result = await jobInsert(tx, queue, payload, now, options).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** The insert that enqueues a job, to run together with other writes (writeTogether); as enqueue otherwise. */
export function jobInsert(tx: Tx | Db, queue: string, payload: Record<string, unknown>, now: Date, options: JobOptions = {}) {
  return jobsInsert(tx, [{ queue, payload, options }], now);
}

/** One insert of several jobs, enqueued in the order given (their ids follow it). */
export function jobsInsert(tx: Tx | Db, jobs: { queue: string; payload: Record<string, unknown>; options?: JobOptions }[], now: Date) {
  return tx
    .insertInto('jobs')
    .values(
      jobs.map(({ queue, payload, options = {} }) => ({
        queue,
        payload: JSON.stringify(payload),
        run_at: options.runAt ?? now,
        unique_key: options.uniqueKey ?? null,
        max_attempts: options.maxAttempts ?? 10,
        created_at: now,
      })),
    )
    .onConflict((oc) => oc.column('unique_key').where('unique_key', 'is not', null).doNothing());
}

/** Cancels pending jobs whose unique key starts with `prefix` (e.g. the timers of a deadline that moved). */
export async function cancelJobs(tx: Tx, prefix: string, now: Date): Promise<number> {
  const result = await tx
    .updateTable('jobs')
    .set({ cancelled_at: now })
    .where('unique_key', 'like', `${prefix.replace(/[%_\\]/g, '\\$&')}%`)
    .where('done_at', 'is', null)
    .where('failed_at', 'is', null)
    .where('cancelled_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export interface WorkerOptions {
  /**
   * how long a claim lasts unless renewed (default 15 s): a running batch renews its claims every third of it, so a
   * live runner keeps its jobs however long they take, and those of a runner that died are taken over within it
   */
  leaseMs?: number;
  batchSize?: number;
  pollMs?: number;
  /**
   * how many jobs of a batch run at once (default 1). A job mostly waits on the database or another node, so on
   * PostgreSQL several side by side go several times faster than one after another; on the embedded database, which
   * is one connection, they would only queue.
   */
  concurrency?: number;
  /** how long one job may run before the runner gives up on it and retries it later (default 30 s) */
  jobTimeoutMs?: number;
  log?: (message: string, error?: unknown) => void;
}

/**
 * Runs due jobs on the node's clock. Several processes may run workers over one database: a job is claimed with
 * FOR UPDATE SKIP LOCKED and a lease, and its effect commits together with done_at only while the lease is still
 * ours, so a job that a crashed process had claimed is taken over after the lease and still takes effect once.
 * A failing job is retried with exponential backoff, then marked failed.
 */
export class JobRunner {
  private readonly handlers = new Map<string, { run: JobHandler | OutsideHandler; outside: boolean }>();
  private readonly id = randomUUID();
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private stopped = true;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly options: WorkerOptions = {},
  ) {}

  handle(queue: string, handler: JobHandler): this {
    this.handlers.set(queue, { run: handler, outside: false });
    return this;
  }

  handleOutside(queue: string, handler: OutsideHandler): this {
    this.handlers.set(queue, { run: handler, outside: true });
    return this;
  }

  /** Runs every job that is due now, until none is left; returns how many ran (tests call this directly). */
  runDue(): Promise<number> {
    return this.runWhile(() => true);
  }

  // Batch after batch while `go` holds and jobs are due. The running node's loop stops with the node: a stopping node
  // finishes the batch in hand and leaves the rest of a backlog to the next start (or to the other processes).
  private async runWhile(go: () => boolean): Promise<number> {
    let total = 0;
    while (go()) {
      const ran = await this.runBatch();
      total += ran;
      if (ran === 0) break;
    }
    return total;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = async () => {
      if (this.stopped) return;
      this.running = this.releaseAfterOutage()
        .then(() => this.runWhile(() => !this.stopped))
        .catch((error) => {
          // The database went away mid-batch: the jobs this runner had claimed keep their lease. Release them as
          // soon as it is back, so they run then rather than when the lease runs out.
          this.releasePending = true;
          this.options.log?.('job runner failed to poll', error);
          return 0;
        });
      await this.running;
      if (!this.stopped) this.timer = setTimeout(tick, this.options.pollMs ?? 1000);
    };
    void tick();
  }

  private releasePending = false;

  /**
   * A job that does not settle in time fails (and is retried after its backoff) rather than holding the runner: one
   * stuck call must not stop every other job of the node. If the stuck work finishes later, its transaction finds
   * the job no longer its own and rolls back (LeaseLost), or — for work outside a transaction — it simply ran twice,
   * which such handlers allow.
   */
  private async withinTimeLimit(job: Job, work: () => Promise<void>): Promise<void> {
    const ms = this.options.jobTimeoutMs ?? 30_000;
    await withTimeout(work(), ms, () => new JobTimedOut(`job ${job.queue}#${job.id} did not finish within ${ms} ms`));
  }

  /** After a failed batch: hands back this runner's claims (none of its jobs is running between batches). */
  private async releaseAfterOutage(): Promise<void> {
    if (!this.releasePending) return;
    await this.db.updateTable('jobs').set({ locked_until: null }).where('locked_by', '=', this.id).where('done_at', 'is', null).execute();
    this.releasePending = false;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private async runBatch(): Promise<number> {
    const now = this.clock.now();
    const leaseMs = this.options.leaseMs ?? 15_000;
    const lease = new Date(now.getTime() + leaseMs);
    const queues = [...this.handlers.keys()];
    if (queues.length === 0) return 0;
    const claimed = await sql<ClaimedRow>`
      UPDATE jobs SET locked_until = ${lease}, locked_by = ${this.id}, attempts = attempts + 1
      WHERE id IN (
        SELECT id FROM jobs
        WHERE done_at IS NULL AND failed_at IS NULL AND cancelled_at IS NULL
          AND run_at <= ${now} AND (locked_until IS NULL OR locked_until < ${now})
          AND queue = ANY(${queues}::text[])
        ORDER BY run_at, id
        LIMIT ${this.options.batchSize ?? 20}
        FOR UPDATE SKIP LOCKED)
      RETURNING id, queue, payload, attempts, run_at, max_attempts`.execute(this.db);
    if (claimed.rows.length === 0) return 0;

    // Jobs are independent (those touching one application are serialized by its row lock): a few at a time.
    let next = 0;
    const worker = async () => {
      while (next < claimed.rows.length) await this.runOne(claimed.rows[next++], now);
    };
    // Every worker finishes before the batch counts as done, even when one fails (the database went away): the claims
    // of a failed batch are released afterwards, and must not be while a job still runs.
    const stopRenewing = this.renewClaims(claimed.rows.map((r) => Number(r.id)), leaseMs);
    const results = await Promise.allSettled(Array.from({ length: Math.min(this.options.concurrency ?? 1, claimed.rows.length) }, worker)).finally(stopRenewing);
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
    return claimed.rows.length;
  }

  /**
   * Extends this runner's claims on a batch's unfinished jobs every third of the lease until stopped. A job that is
   * done (done_at) or has been handed back for a retry (locked_until cleared) is left alone. While renewals fail (the
   * database went away) the claims may run out, and another runner take the jobs over as it would a dead runner's:
   * their effect still commits once (LeaseLost).
   */
  private renewClaims(ids: number[], leaseMs: number): () => void {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const renew = async () => {
      const until = new Date(this.clock.now().getTime() + leaseMs);
      await sql`
        UPDATE jobs SET locked_until = ${until}
        WHERE id = ANY(${ids}::bigint[]) AND locked_by = ${this.id} AND done_at IS NULL AND locked_until IS NOT NULL`
        .execute(this.db)
        .catch((error) => this.options.log?.('job runner could not renew its claims', error));
      if (!stopped) timer = setTimeout(renew, leaseMs / 3);
    };
    timer = setTimeout(renew, leaseMs / 3);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }

  private async runOne(row: ClaimedRow, now: Date): Promise<void> {
    const job: Job = { id: Number(row.id), queue: row.queue, payload: row.payload, attempts: row.attempts, runAt: row.run_at };
    const handler = this.handlers.get(job.queue)!;
    try {
      await this.withinTimeLimit(job, async () => {
        if (handler.outside) await (handler.run as OutsideHandler)(this.db, job, now);
        await transaction(this.db, async (tx) => {
          if (!handler.outside) await (handler.run as JobHandler)(tx, job, now);
          const done = await tx
            .updateTable('jobs')
            .set({ done_at: this.clock.now(), locked_until: null })
            .where('id', '=', job.id)
            .where('locked_by', '=', this.id)
            .where('done_at', 'is', null)
            .executeTakeFirst();
          // Another process took the job over after our lease ran out: undo our work, theirs counts.
          if (Number(done.numUpdatedRows) !== 1 && !handler.outside) throw new LeaseLost();
        });
      });
    } catch (error) {
      if (error instanceof LeaseLost) return;
      this.options.log?.(`job ${job.queue}#${job.id} failed (attempt ${job.attempts})`, error);
      const failedForGood = job.attempts >= row.max_attempts;
      const backoffMs = Math.min(2 ** job.attempts * 1000, 3600_000);
      await this.db
        .updateTable('jobs')
        .set({
          locked_until: null,
          last_error: String((error as Error)?.message ?? error).slice(0, 2000),
          run_at: new Date(this.clock.now().getTime() + backoffMs),
          failed_at: failedForGood ? this.clock.now() : null,
        })
        .where('id', '=', job.id)
        .where('locked_by', '=', this.id)
        .execute();
    }
  }
}

interface ClaimedRow {
  id: number;
  queue: string;
  payload: Record<string, unknown>;
  attempts: number;
  run_at: Date;
  max_attempts: number;
}

class LeaseLost extends Error {}

class JobTimedOut extends Error {}

export interface QueueHealth {
  queue: string;
  /** timers and retries waiting for their time */
  scheduled: number;
  /** waiting to run now */
  due: number;
  /** claimed by a runner, lease not run out */
  running: number;
  failed: number;
  doneLastHour: number;
  /** how long the oldest due job has waited */
  oldestDueSeconds: number | null;
}

/** Each queue's jobs by state, for the node's operator: a growing `due` or any `failed` needs a look. */
export async function queueHealth(db: Db, now: Date): Promise<QueueHealth[]> {
  const hourAgo = new Date(now.getTime() - 3_600_000);
  const rows = await db
    .selectFrom('jobs')
    .select('queue')
    .select(() => [
      sql<string>`count(*) FILTER (WHERE done_at IS NULL AND failed_at IS NULL AND cancelled_at IS NULL AND run_at > ${now})`.as('scheduled'),
      sql<string>`count(*) FILTER (WHERE done_at IS NULL AND failed_at IS NULL AND cancelled_at IS NULL AND run_at <= ${now} AND (locked_until IS NULL OR locked_until < ${now}))`.as('due'),
      sql<string>`count(*) FILTER (WHERE done_at IS NULL AND failed_at IS NULL AND cancelled_at IS NULL AND locked_until >= ${now})`.as('running'),
      sql<string>`count(*) FILTER (WHERE failed_at IS NOT NULL)`.as('failed'),
      sql<string>`count(*) FILTER (WHERE done_at >= ${hourAgo})`.as('done_last_hour'),
      sql<Date | null>`min(run_at) FILTER (WHERE done_at IS NULL AND failed_at IS NULL AND cancelled_at IS NULL AND run_at <= ${now} AND (locked_until IS NULL OR locked_until < ${now}))`.as('oldest_due'),
    ])
    .groupBy('queue')
    .orderBy('queue')
    .execute();
  return rows.map((r) => ({
    queue: r.queue,
    scheduled: Number(r.scheduled),
    due: Number(r.due),
    running: Number(r.running),
    failed: Number(r.failed),
    doneLastHour: Number(r.done_last_hour),
    oldestDueSeconds: r.oldest_due ? Math.max(0, Math.round((now.getTime() - new Date(r.oldest_due).getTime()) / 1000)) : null,
  }));
}
