import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * The embedded database belongs to one process: PGlite keeps its pages in memory and writes them back on its own
 * schedule, so a second process on the same folder silently loses the first one's acknowledged writes. Whoever opens
 * the folder first holds a lock on it (a directory, made atomically, naming its holder); everyone else is refused,
 * with the holder named. A holder that died without letting go (its PID gone from this host) is replaced, under a
 * second lock so that two processes cannot both take over the same dead holder's lock.
 */
export interface DataLockHolder {
  pid: number;
  host: string;
  command: string;
  since: string;
}

export class DataFolderInUse extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: DataLockHolder,
  ) {
    super(
      `the embedded database in ${dataDir} is in use by process ${holder.pid} on ${holder.host} (${holder.command}, since ${holder.since}). ` +
        'Only one process may open it: stop that one first, or use the running node\'s operator API and portal instead of a command ' +
        '(with PostgreSQL, DATABASE_URL, commands run beside the node).',
    );
    this.name = 'DataFolderInUse';
  }
}

const LOCK = '.ortak-lock';
const TAKEOVER = '.ortak-lock-takeover';
// A lock directory without its holder's file is one being made right now, unless it is older than this (its maker
// died between the two steps); the same for a takeover that never finished.
const UNFINISHED_MS = 10_000;

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const olderThan = (path: string, ms: number) => {
  try {
    return Date.now() - statSync(path).mtimeMs > ms;
  } catch {
    return false;
  }
};

function readHolder(lockDir: string): DataLockHolder | undefined {
  try {
    return JSON.parse(readFileSync(join(lockDir, 'holder.json'), 'utf8')) as DataLockHolder;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Takes the folder's lock, or throws DataFolderInUse naming the process that has it. Returns the release. */
export async function lockDataFolder(dataDir: string): Promise<() => void> {
  const lockDir = join(dataDir, LOCK);
  const me: DataLockHolder = { pid: process.pid, host: hostname(), command: process.argv.slice(1).join(' ').slice(0, 200), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'holder.json'), JSON.stringify(me));
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        if (readHolder(lockDir)?.pid === process.pid) rmSync(lockDir, { recursive: true, force: true });
      };
      // (a process that exits without closing its database lets go too; one that is killed leaves a dead holder)
      process.once('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(lockDir);
    if (!holder && !olderThan(lockDir, UNFINISHED_MS)) {
      await sleep(50);
      continue;
    }
    if (holder && (holder.host !== me.host || isAlive(holder.pid))) throw new DataFolderInUse(dataDir, holder);
    await takeOver(dataDir, lockDir, holder);
  }
  throw new Error(`could not take the lock on ${dataDir}`);
}

/** Moves a dead holder's lock aside, if it is still that one, while holding the takeover lock. */
async function takeOver(dataDir: string, lockDir: string, dead: DataLockHolder | undefined): Promise<void> {
  const takeoverDir = join(dataDir, TAKEOVER);
  try {
    mkdirSync(takeoverDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (olderThan(takeoverDir, UNFINISHED_MS)) rmSync(takeoverDir, { recursive: true, force: true });
    else await sleep(50);
    return;
  }
  try {
    const now = readHolder(lockDir);
    if (now?.pid === dead?.pid && now?.since === dead?.since) {
      // (moved aside first: a rename is atomic, a recursive removal is not)
      const aside = join(dataDir, `${LOCK}-dead-${randomBytes(4).toString('hex')}`);
      renameSync(lockDir, aside);
      rmSync(aside, { recursive: true, force: true });
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  } finally {
    rmSync(takeoverDir, { recursive: true, force: true });
  }
}
