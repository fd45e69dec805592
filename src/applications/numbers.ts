import { type Db, sql, type Tx } from '../platform/db/index.js';

/** How many numbers one sequence call reserves: the sequence's increment (migration 0013). */
export const NUMBER_BLOCK = 100;

interface Block {
  next: number;
  end: number;
  refill?: Promise<void>;
}
const blocks = new WeakMap<Db | Tx, Block>();

/**
 * The next application number of this process: numbers come from the sequence in blocks, so a submission costs no
 * round trip for its number but once in a hundred. Numbers are unique across processes and never reused; each
 * process's numbers rise, but processes interleave, and a block's rest is skipped when a process stops (the numbers
 * of a sequence had gaps before too: a rolled-back insert's number). `db` is the connection or transaction the
 * numbers are taken through; a transaction gets a block of its own.
 */
export async function nextApplicationNumber(db: Db | Tx): Promise<number> {
  let block = blocks.get(db);
  if (!block) blocks.set(db, (block = { next: 0, end: 0 }));
  while (block.next >= block.end) {
    // Requests that find the block used up wait for one call, not one each.
    block.refill ??= sql<{ start: string }>`SELECT nextval('application_number_seq')::text AS start`
      .execute(db)
      .then(({ rows }) => {
        block.next = Number(rows[0].start);
        block.end = block.next + NUMBER_BLOCK;
      })
      .finally(() => (block.refill = undefined));
    await block.refill;
  }
  return block.next++;
}

/** An application's number as citizens and officers see it: state, year of submission, eight digits at least. */
export function formatApplicationNumber(state: string, year: string | number, n: number): string {
  return `${state}-${year}-${String(n).padStart(8, '0')}`;
}
