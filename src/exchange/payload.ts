import { createHash, type Hash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { open, type FileHandle, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

/**
 * A message body as it passes through the gateway: its size and SHA-512 are known (the request hash, the signatures
 * and the message log need only the digest), and its bytes are held in memory while small, spooled to a file of
 * this process once past SPOOL_AFTER_BYTES, as X-Road's Security Server caches a message in memory up to a
 * threshold and on disk beyond it. So a body of the full ORTAK_EXCHANGE_MAX_BODY costs a few hundred kilobytes of
 * memory on its way, not the body (and its base64, hex and log copies).
 */
export const SPOOL_AFTER_BYTES = 256 * 1024;

// One folder per process, removed when the process ends; each spooled body's file is removed when it is disposed.
let spoolDir: string | undefined;
function spoolFolder(): string {
  if (!spoolDir) {
    spoolDir = mkdtempSync(join(process.env.ORTAK_SPOOL_DIR ?? tmpdir(), 'ortak-spool-'));
    const dir = spoolDir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return spoolDir;
}
let spooled = 0;

export class Payload {
  /** (made by `of`, `read` and PayloadWriter) */
  constructor(
    readonly size: number,
    /** SHA-512 of the bytes */
    readonly sha512: Buffer,
    private readonly memory: Buffer | undefined,
    private readonly file: string | undefined,
  ) {}

  static readonly EMPTY = Payload.of(new Uint8Array());

  static of(bytes: Uint8Array | string): Payload {
    const buffer = typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return new Payload(buffer.length, createHash('sha512').update(buffer).digest(), buffer, undefined);
  }

  /**
   * Reads a stream to its end into a payload; `too-large` once it passes `limit` bytes, the rest of the stream then
   * left unread (and the stream not destroyed: an HTTP request can still be answered). A stream that fails leaves no
   * file behind.
   */
  static read(stream: Readable, limit: number): Promise<Payload | 'too-large'> {
    const writer = new PayloadWriter(limit);
    return new Promise((resolve, reject) => {
      const stop = () => {
        stream.off('data', onData).off('end', onEnd).off('error', onError);
        stream.pause();
      };
      const fail = (error: unknown) => (stop(), void writer.abandon().finally(() => reject(error)));
      const onError = (error: Error) => fail(error);
      // (the stream may end while its last chunk is still being written to the spool file)
      let writing: Promise<unknown> = Promise.resolve();
      const onEnd = () => void writing.then(() => writer.finish()).then(resolve, fail);
      const onData = (chunk: Buffer) => {
        const written = writer.write(chunk);
        if (written === true) return;
        if (written === false) return void (stop(), writer.abandon().then(() => resolve('too-large'), reject));
        // (writing to the spool file: the stream waits for it)
        stream.pause();
        writing = written.then((ok) => (ok ? stream.resume() : (stop(), void writer.abandon().then(() => resolve('too-large'), reject))), fail);
      };
      stream.on('data', onData).on('end', onEnd).on('error', onError);
    });
  }

  get isSpooled(): boolean {
    return this.file !== undefined;
  }

  /** base64 of SHA-512, as the request hash's body part and the message log write it */
  get sha512Base64(): string {
    return this.sha512.toString('base64');
  }

  /** The bytes, in chunks of at most SPOOL_AFTER_BYTES (readable more than once until disposed). */
  stream(): Readable {
    return this.file ? createReadStream(this.file, { highWaterMark: SPOOL_AFTER_BYTES }) : Readable.from(this.memory!.length ? [this.memory!] : []);
  }

  /** The whole body in memory: for the node's own registers (JSON of a few kilobytes) and small bodies only. */
  async bytes(): Promise<Buffer> {
    if (this.memory) return this.memory;
    const chunks: Buffer[] = [];
    for await (const chunk of this.stream()) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** The bytes when they are in memory (a small body), else undefined. */
  get inMemory(): Buffer | undefined {
    return this.memory;
  }

  async dispose(): Promise<void> {
    if (this.file) await unlink(this.file).catch(() => undefined);
  }
}

/** Builds a payload chunk by chunk: in memory up to SPOOL_AFTER_BYTES, then into a spool file; refuses past `limit`. */
export class PayloadWriter {
  private readonly hash: Hash = createHash('sha512');
  private chunks: Buffer[] = [];
  private size = 0;
  private file: { path: string; handle: FileHandle } | undefined;

  constructor(private readonly limit: number) {}

  /** false once the body has passed the limit (nothing more is kept); a promise while it writes to its spool file */
  write(chunk: Buffer): boolean | Promise<boolean> {
    this.size += chunk.length;
    if (this.size > this.limit) return false;
    this.hash.update(chunk);
    if (!this.file && this.size <= SPOOL_AFTER_BYTES) return (this.chunks.push(chunk), true);
    return this.spool(chunk);
  }

  private async spool(chunk: Buffer): Promise<boolean> {
    if (!this.file) {
      const path = join(spoolFolder(), `${process.pid}-${++spooled}`);
      this.file = { path, handle: await open(path, 'wx', 0o600) };
      await this.file.handle.writev(this.chunks);
      this.chunks = [];
    }
    await this.file.handle.write(chunk);
    return true;
  }

  async finish(): Promise<Payload> {
    const digest = this.hash.digest();
    if (!this.file) {
      const memory = Buffer.concat(this.chunks);
      return new Payload(memory.length, digest, memory, undefined);
    }
    await this.file.handle.close();
    return new Payload(this.size, digest, undefined, this.file.path);
  }

  async abandon(): Promise<void> {
    if (!this.file) return;
    await this.file.handle.close().catch(() => undefined);
    await unlink(this.file.path).catch(() => undefined);
  }
}
