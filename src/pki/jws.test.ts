import { CompactSign } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateKeyPair } from './certificates.js';
import { verifyJws } from './jws.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('verifyJws (ES256, node:crypto)', async () => {
  const keys = await generateKeyPair();
  const other = await generateKeyPair();
  const sign = (payload: string, header: Record<string, unknown> = {}) =>
    new CompactSign(bytes(payload)).setProtectedHeader({ alg: 'ES256', ...header }).sign(keys.privateKey);

  it('accepts an attached payload equal to the expected bytes, and a detached one over them', async () => {
    const jws = await sign('{"a":1}');
    expect(await verifyJws(jws, keys.publicKey, bytes('{"a":1}'))).toBeUndefined();
    const [head, , signature] = jws.split('.');
    expect(await verifyJws(`${head}..${signature}`, keys.publicKey, bytes('{"a":1}'))).toBeUndefined();
  });

  it('tells a payload that is not the expected one from a signature that does not verify', async () => {
    const jws = await sign('{"a":1}');
    expect(await verifyJws(jws, keys.publicKey, bytes('{"a":2}'))).toBe('payload');
    const [head, , signature] = jws.split('.');
    expect(await verifyJws(`${head}..${signature}`, keys.publicKey, bytes('{"a":2}'))).toBe('signature');
    expect(await verifyJws(jws, other.publicKey, bytes('{"a":1}'))).toBe('signature');
    const [h, p] = jws.split('.');
    expect(await verifyJws(`${h}.${p}.${Buffer.alloc(64).toString('base64url')}`, keys.publicKey, bytes('{"a":1}'))).toBe('signature');
    expect(await verifyJws(`${h}.${p}.${Buffer.alloc(70, 1).toString('base64url')}`, keys.publicKey, bytes('{"a":1}'))).toBe('signature');
  });

  it('refuses other algorithms, malformed input and headers that change how the payload is read', async () => {
    expect(await verifyJws('not a jws', keys.publicKey, bytes('x'))).toBe('malformed');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('x').toString('base64url')}.AA`;
    expect(await verifyJws(none, keys.publicKey, bytes('x'))).toBe('algorithm');
    const critical = await new CompactSign(bytes('x')).setProtectedHeader({ alg: 'ES256', crit: ['x-ortak'], 'x-ortak': 1 }).sign(keys.privateKey, { crit: { 'x-ortak': true } });
    expect(await verifyJws(critical, keys.publicKey, bytes('x'))).toBe('signature');
  });
});
