import { Readable } from 'node:stream';
import { Payload, PayloadWriter, SPOOL_AFTER_BYTES } from './payload.js';

/**
 * A message between two gateways, as it travels: the signed envelope on the first line (a compact JWS, whose payload
 * names the body's length and SHA-512 beside the message's metadata), then the body's bytes as they are. As X-Road
 * signs the digest of a message's parts rather than the parts themselves, the body is never re-encoded (no base64)
 * and never held whole: the receiver verifies the envelope before it reads the body, then spools the body while
 * hashing it, and takes it only if it is the one signed.
 */
export const MESSAGE_MEDIA_TYPE = 'application/vnd.ortak.exchange-message';

/** The body as the envelope describes it (base64 SHA-512). */
export interface BodyDescription {
  bodyLength: number;
  bodySha512: string;
}

export const describeBody = (body: Payload): BodyDescription => ({ bodyLength: body.size, bodySha512: body.sha512Base64 });

/** A message as it is sent: at once when its body is in memory, else streamed from its spool file. */
export function framed(envelope: string, body: Payload): Buffer | Readable {
  const small = body.inMemory;
  if (small) return Buffer.concat([Buffer.from(`${envelope}\n`), small]);
  return Readable.from(
    (async function* () {
      yield Buffer.from(`${envelope}\n`);
      yield* body.stream();
    })(),
  );
}

/**
 * Reads a framed message: first its envelope, then (once the caller has checked the envelope) its body. A message
 * whose declared length is small is read whole at once (most are: a register's answer is a few kilobytes), a larger
 * one chunk by chunk, the body spooled as it comes.
 */
export class FramedReader {
  private chunks: AsyncIterator<Buffer>;
  private rest: Buffer | undefined;

  constructor(stream: Readable, declaredLength?: number) {
    this.chunks = declaredLength !== undefined && declaredLength <= SPOOL_AFTER_BYTES ? wholeOf(stream, declaredLength) : stream[Symbol.asyncIterator]();
  }

  /** The envelope's text, or undefined when the stream has no line of at most `maxBytes` before its end. */
  async envelope(maxBytes: number): Promise<string | undefined> {
    const seen: Buffer[] = [];
    let size = 0;
    for (;;) {
      const { value, done } = await this.chunks.next();
      if (done) return undefined;
      const end = value.indexOf(0x0a);
      if (end >= 0) {
        if (size + end > maxBytes) return undefined;
        seen.push(value.subarray(0, end));
        this.rest = value.subarray(end + 1);
        return Buffer.concat(seen).toString('utf8');
      }
      size += value.length;
      if (size > maxBytes) return undefined;
      seen.push(value);
    }
  }

  /** The body after the envelope: the payload when it is exactly the one described, else why not. */
  async body(described: BodyDescription, limit: number): Promise<Payload | 'too-large' | 'not-as-signed'> {
    if (!Number.isSafeInteger(described.bodyLength) || described.bodyLength < 0 || typeof described.bodySha512 !== 'string') return 'not-as-signed';
    if (described.bodyLength > limit) return 'too-large';
    // (a body longer than it was signed to be is cut off at one byte past its length, not read on)
    const writer = new PayloadWriter(described.bodyLength);
    try {
      if (this.rest?.length && !(await writer.write(this.rest))) return (await writer.abandon(), 'not-as-signed');
      for (;;) {
        const { value, done } = await this.chunks.next();
        if (done) break;
        if (!(await writer.write(value))) return (await writer.abandon(), 'not-as-signed');
      }
    } catch (error) {
      await writer.abandon();
      throw error;
    }
    const body = await writer.finish();
    if (body.size !== described.bodyLength || body.sha512Base64 !== described.bodySha512) return (await body.dispose(), 'not-as-signed');
    return body;
  }

  /**
   * Reads what is left and drops it (so that a refused sender reads the refusal, not a reset); false when more than
   * `maxBytes` were left.
   */
  async discard(maxBytes: number): Promise<boolean> {
    let left = maxBytes;
    for (;;) {
      const { value, done } = await this.chunks.next().catch(() => ({ value: undefined, done: true as const }));
      if (done) return true;
      if ((left -= value.length) < 0) return false;
    }
  }
}

/** The stream read whole with plain events (cheaper than an async iterator), as one chunk; at most `limit` bytes. */
function wholeOf(stream: Readable, limit: number): AsyncIterator<Buffer> {
  const whole = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer) => ((size += c.length) > limit ? stream.destroy(new Error('longer than declared')) : chunks.push(c)));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
  let given = false;
  return {
    next: async () => (given ? { value: undefined, done: true } : ((given = true), { value: await whole, done: false })),
  };
}
