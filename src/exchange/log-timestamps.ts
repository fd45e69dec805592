import { createHash } from 'node:crypto';
import { canonicalJson } from '../platform/canonical-json.js';
import type { Clock } from '../platform/clock.js';
import { Periodic } from '../platform/periodic.js';
import type { Db } from '../platform/db/index.js';
import type { Stamper } from './timestamps.js';

/** The last row of a chain, as a time-stamp covers it: every earlier row of that chain leads to it. */
export interface ChainHead {
  chain: string | null;
  id: number;
  hash: string;
}

/** What a batch time-stamp is over: the SHA-256 of the heads' canonical JSON, in chain order. */
export const headsDigest = (heads: ChainHead[]) => createHash('sha256').update(canonicalJson(heads)).digest();

// Rows are looked for back to this long before the last stamp: a row committed late (its batch's transaction was
// slower than another's) is still found, and its chain's head with it.
const LATE_COMMIT_MS = 5 * 60_000;

/**
 * Time-stamps the message log in batches, as X-Road's Security Server does: every interval, the last row of each
 * chain written since the last stamp is stamped together (one RFC 3161 token over their digest), so one token covers
 * every row before them in their chains. When no stamp could be had for longer than `failureMs` while rows wait for
 * one, the gateway stops exchanging (refusing()), as X-Road stops messaging after its acceptable failure period.
 */
export class MessageLogTimestamper {
  /** since when rows have been waiting without a stamp being had (undefined: the last attempt succeeded) */
  private failingSince?: Date;
  lastError?: string;

  constructor(
    private readonly db: Db,
    private readonly stamp: Stamper,
    private readonly tsa: string,
    private readonly clock: Clock,
    private readonly options: { intervalMs: number; failureMs: number; log?: (message: string, error: unknown) => void },
  ) {}

  /** Stamps the chains' new heads, if any; answers how many heads were stamped. */
  async runOnce(): Promise<number> {
    const last = await this.db.selectFrom('message_log_timestamps').select(['at', 'heads']).orderBy('id', 'desc').limit(1).executeTakeFirst();
    const since = last ? new Date(last.at.getTime() - LATE_COMMIT_MS) : new Date(0);
    const rows = await this.db
      .selectFrom('message_log')
      .select(['chain', 'id', 'hash'])
      .distinctOn('chain')
      .where('at', '>', since)
      .orderBy('chain')
      .orderBy('id', 'desc')
      .execute();
    const stamped = new Set((last?.heads ?? []).map((h) => h.hash));
    const heads: ChainHead[] = rows.map((r) => ({ chain: r.chain, id: Number(r.id), hash: r.hash }));
    if (!heads.some((h) => !stamped.has(h.hash))) {
      this.failingSince = undefined;
      return 0;
    }
    try {
      const token = await this.stamp(headsDigest(heads));
      await this.db
        .insertInto('message_log_timestamps')
        .values({ at: token.genTime, last_id: Math.max(...heads.map((h) => h.id)), heads: JSON.stringify(heads), digest: headsDigest(heads).toString('hex'), token: token.token, tsa: this.tsa })
        // (another process stamped the same heads first)
        .onConflict((oc) => oc.column('last_id').doNothing())
        .execute();
      this.failingSince = undefined;
      this.lastError = undefined;
      return heads.length;
    } catch (error) {
      this.failingSince ??= this.clock.now();
      this.lastError = (error as Error).message;
      throw error;
    }
  }

  /** Whether exchanges must stop: stamps have failed, with rows waiting, for longer than the acceptable period. */
  refusing(): boolean {
    return this.failingSince !== undefined && this.clock.now().getTime() - this.failingSince.getTime() > this.options.failureMs;
  }

  private schedule?: Periodic;

  start(): void {
    this.schedule = new Periodic(() => this.runOnce(), this.options.intervalMs, (error) => this.options.log?.('message log time-stamping failed', error));
    this.schedule.start();
  }

  async stop(): Promise<void> {
    await this.schedule?.stop();
  }
}
