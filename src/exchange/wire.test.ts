import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Payload, SPOOL_AFTER_BYTES } from './payload.js';
import { describeBody, framed, FramedReader } from './wire.js';

const sha512 = (b: Uint8Array) => createHash('sha512').update(b).digest('base64');
// a stream in uneven chunks, as a socket gives them
const chunked = (bytes: Buffer, size = 7919) => Readable.from(Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size)));
const read = async (p: Payload) => Buffer.concat(await p.stream().toArray());
const fileOf = (p: Payload) => (p as unknown as { file?: string }).file;

describe('a payload', () => {
  it('stays in memory while small', async () => {
    const bytes = randomBytes(SPOOL_AFTER_BYTES);
    const p = await Payload.read(chunked(bytes), 1 << 20);
    if (p === 'too-large') throw new Error('too large');
    expect([p.isSpooled, p.size, p.sha512Base64, p.inMemory?.equals(bytes)]).toEqual([false, bytes.length, sha512(bytes), true]);
  });

  it('is spooled to a file past the threshold, read back unchanged, and the file removed when disposed', async () => {
    const bytes = randomBytes(SPOOL_AFTER_BYTES + 1);
    const p = await Payload.read(chunked(bytes), 1 << 20);
    if (p === 'too-large') throw new Error('too large');
    expect([p.isSpooled, p.inMemory, p.size, p.sha512Base64]).toEqual([true, undefined, bytes.length, sha512(bytes)]);
    expect((await read(p)).equals(bytes)).toBe(true);
    expect((await p.bytes()).equals(bytes)).toBe(true);
    const file = fileOf(p)!;
    expect(existsSync(file)).toBe(true);
    await p.dispose();
    expect(existsSync(file)).toBe(false);
  });

  it('is refused one byte past its limit, with no file left', async () => {
    const bytes = randomBytes(SPOOL_AFTER_BYTES * 2 + 1);
    expect(await Payload.read(chunked(bytes), bytes.length - 1)).toBe('too-large');
    expect(await Payload.read(chunked(bytes), bytes.length)).toBeInstanceOf(Payload);
  });
});

describe('a message between gateways', () => {
  const envelope = 'eyJhbGciOiJFUzI1NiJ9.eyJ4IjoxfQ.c2ln';

  it('carries its envelope, then its body unchanged: streamed from and to a spool file when large', async () => {
    const body = await Payload.read(chunked(randomBytes(SPOOL_AFTER_BYTES * 3)), 1 << 20);
    if (body === 'too-large') throw new Error(body);
    const sent = framed(envelope, body);
    if (Buffer.isBuffer(sent)) throw new Error('a spooled body is streamed');
    const reader = new FramedReader(chunked(Buffer.concat(await sent.toArray())));
    expect(await reader.envelope(1024)).toBe(envelope);
    const received = await reader.body(describeBody(body), 1 << 20);
    if (typeof received === 'string') throw new Error(received);
    expect([received.isSpooled, received.sha512Base64]).toEqual([true, body.sha512Base64]);
    await Promise.all([received.dispose(), body.dispose()]);
  });

  it('carries a small one at once, read whole by its declared length', async () => {
    const body = Payload.of('{"found":true}');
    const sent = framed(envelope, body);
    if (!Buffer.isBuffer(sent)) throw new Error('a small body is sent at once');
    const reader = new FramedReader(chunked(sent, 5), sent.length);
    expect(await reader.envelope(1024)).toBe(envelope);
    const received = await reader.body(describeBody(body), 1 << 20);
    if (typeof received === 'string') throw new Error(received);
    expect([received.isSpooled, received.inMemory?.toString()]).toEqual([false, '{"found":true}']);
    // a stream longer than it declared is not taken
    await expect(new FramedReader(chunked(sent, 5), sent.length - 1).envelope(1024)).rejects.toThrow('longer than declared');
  });

  it('has no envelope without its line, or with one longer than allowed', async () => {
    expect(await new FramedReader(Readable.from([Buffer.from(envelope)])).envelope(1024)).toBeUndefined();
    expect(await new FramedReader(chunked(Buffer.from(`${'a'.repeat(2000)}\n`), 100)).envelope(1024)).toBeUndefined();
  });

  it('is taken only with exactly the body its envelope describes', async () => {
    const bytes = randomBytes(1000);
    const described = { bodyLength: 1000, bodySha512: sha512(bytes) };
    const bodyOf = (wire: Buffer, limit = 1 << 20) => {
      const reader = new FramedReader(chunked(Buffer.concat([Buffer.from(`${envelope}\n`), wire]), 97));
      return reader.envelope(1024).then(() => reader.body(described, limit));
    };
    const changed = Buffer.from(bytes);
    changed[500] ^= 1;
    expect(await bodyOf(changed)).toBe('not-as-signed');
    expect(await bodyOf(Buffer.concat([bytes, Buffer.from('x')]))).toBe('not-as-signed');
    expect(await bodyOf(bytes.subarray(0, 999))).toBe('not-as-signed');
    expect(await bodyOf(bytes, 999)).toBe('too-large');
    expect(await bodyOf(bytes)).toBeInstanceOf(Payload);
  });
});
