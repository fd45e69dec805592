import { describe, expect, it } from 'vitest';
import type { Actor } from './accounts.js';
import { IdentityReads, type KeptSession } from './kept-reads.js';

const session = (accountId: string, personId: string): KeptSession => ({ actor: { accountId, personId } as Actor, expiresAt: new Date('2030-01-01') });

function counting(value: KeptSession | undefined) {
  const load = async () => {
    load.calls++;
    return value;
  };
  load.calls = 0;
  return load;
}

describe('identity reads kept in the process', () => {
  it('keeps nothing until it hears the notices, then keeps what it read', async () => {
    const reads = new IdentityReads();
    const load = counting(session('a1', 'p1'));
    await reads.session('t1', load);
    await reads.session('t1', load);
    expect(load.calls).toBe(2);
    reads.listeningChanged(true);
    await reads.session('t1', load);
    await reads.session('t1', load);
    expect(load.calls).toBe(3);
  });

  it('drops what a notice names: the session, the sessions of an account or a person, everything on *', async () => {
    const reads = new IdentityReads();
    reads.listeningChanged(true);
    const loads = { t1: counting(session('a1', 'p1')), t2: counting(session('a2', 'p2')), t3: counting(session('a3', 'p2')) };
    const readAll = () => Promise.all(Object.entries(loads).map(([t, load]) => reads.session(t, load)));
    const calls = () => Object.values(loads).map((l) => l.calls);
    await readAll();
    reads.heard('session:t1,unknown');
    await readAll();
    expect(calls()).toEqual([2, 1, 1]);
    reads.heard('account:a2');
    await readAll();
    expect(calls()).toEqual([2, 2, 1]);
    reads.heard('person:p2');
    await readAll();
    expect(calls()).toEqual([2, 3, 2]);
    reads.heard('account:*');
    await readAll();
    expect(calls()).toEqual([3, 4, 3]);
  });

  it('does not keep a read that a notice overtook, nor anything while the notices are not heard', async () => {
    const reads = new IdentityReads();
    reads.listeningChanged(true);
    let release!: () => void;
    const slow = async () => {
      await new Promise<void>((r) => (release = r));
      return session('a1', 'p1');
    };
    const pending = reads.session('t1', slow);
    reads.heard('account:a1');
    release();
    await pending;
    const load = counting(session('a1', 'p1'));
    await reads.session('t1', load);
    expect(load.calls).toBe(1);
    reads.listeningChanged(false);
    await reads.session('t1', load);
    await reads.session('t1', load);
    expect(load.calls).toBe(3);
  });

  it('keeps certificates by thumbprint, never an empty answer, and drops them with their person', async () => {
    const reads = new IdentityReads();
    reads.listeningChanged(true);
    let rows = [] as { serial: string; person_id: string; revoked_at: Date | null; pem: string }[];
    let calls = 0;
    const load = async () => {
      calls++;
      return rows;
    };
    expect(await reads.certificate('x', load)).toEqual([]);
    rows = [{ serial: '1', person_id: 'p1', revoked_at: null, pem: 'PEM' }];
    expect(await reads.certificate('x', load)).toEqual(rows);
    await reads.certificate('x', load);
    expect(calls).toBe(2);
    reads.heard('person:p1');
    await reads.certificate('x', load);
    reads.heard('certificate:x');
    await reads.certificate('x', load);
    expect(calls).toBe(4);
  });
});
