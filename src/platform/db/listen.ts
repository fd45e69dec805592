import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';

/**
 * What a listener hears: each notification's payload, and whether it is hearing at all. While it is not (the
 * connection lost, not yet listening again), notifications may be missed: whatever was kept on their word must be
 * dropped and not kept again until `live(true)`.
 */
export interface ChangeListener {
  notify(payload: string): void;
  live(listening: boolean): void;
}

/** Stops listening. */
export type Unlisten = () => Promise<void>;

/**
 * LISTEN on a connection of its own (the pool's connections come and go), connected again after it is lost, with
 * a growing pause up to 5 s. Resolves once the first LISTEN is in place or has failed (then it keeps trying).
 */
export async function listenPostgres(url: string, channel: string, listener: ChangeListener): Promise<Unlisten> {
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let pause = 100;

  const connect = async (): Promise<void> => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    client = c;
    const lost = () => {
      if (client !== c) return;
      client = undefined;
      listener.live(false);
      c.removeAllListeners('notification');
      void c.end().catch(() => {});
      if (!stopped) retry = setTimeout(() => void connect(), pause);
      pause = Math.min(pause * 2, 5000);
    };
    c.on('error', lost);
    c.on('end', lost);
    c.on('notification', (n) => {
      if (n.channel === channel) listener.notify(n.payload ?? '');
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      if (client !== c) return;
      pause = 100;
      listener.live(true);
    } catch {
      lost();
    }
  };

  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    const c = client;
    client = undefined;
    listener.live(false);
    await c?.end().catch(() => {});
  };
}

/** LISTEN on embedded PGlite: one connection in this process, never lost. */
export async function listenPglite(pglite: PGlite, channel: string, listener: ChangeListener): Promise<Unlisten> {
  const unlisten = await pglite.listen(channel, (payload) => listener.notify(payload));
  listener.live(true);
  return async () => {
    listener.live(false);
    await unlisten();
  };
}
