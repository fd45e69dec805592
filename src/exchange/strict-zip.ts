import { crc32 } from 'node:zlib';
import { unzipSync } from 'fflate';

/**
 * Reads a ZIP container as the message log's archives are written, and nothing looser: every local header agrees
 * with its central directory entry, the entries follow one another with no byte between or after them, no extra
 * fields or comments, no data descriptors, each entry's CRC-32 is that of its content, and the fields only the
 * central directory holds have the values the archiver writes. So any byte changed in the file is noticed — not only
 * in the signed content, but in the container's own bookkeeping too.
 */
export function readStrictZip(file: Uint8Array): { entries: Record<string, Uint8Array>; names: string[] } | string {
  const b = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (b.length < 22) return 'too short for a ZIP container';
  const eocd = b.length - 22;
  if (b.readUInt32LE(eocd) !== 0x06054b50) return 'no end of central directory where it must be (a trailing comment or bytes)';
  const [disk, cdDisk, onDisk, total, cdSize, cdOffset, commentLength] = [b.readUInt16LE(eocd + 4), b.readUInt16LE(eocd + 6), b.readUInt16LE(eocd + 8), b.readUInt16LE(eocd + 10), b.readUInt32LE(eocd + 12), b.readUInt32LE(eocd + 16), b.readUInt16LE(eocd + 20)];
  if (disk || cdDisk || onDisk !== total || commentLength || cdOffset + cdSize !== eocd) return 'the end of central directory does not describe this file';
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(file);
  } catch {
    return 'an entry does not inflate';
  }
  const names: string[] = [];
  let central = cdOffset;
  let next = 0;
  for (let i = 0; i < total; i++) {
    if (central + 46 > eocd || b.readUInt32LE(central) !== 0x02014b50) return `central directory entry ${i + 1} is damaged`;
    const c = {
      madeBy: b.readUInt16LE(central + 4), needed: b.readUInt16LE(central + 6), flags: b.readUInt16LE(central + 8), method: b.readUInt16LE(central + 10),
      time: b.readUInt16LE(central + 12), date: b.readUInt16LE(central + 14), crc: b.readUInt32LE(central + 16), csize: b.readUInt32LE(central + 20), usize: b.readUInt32LE(central + 24),
      nameLength: b.readUInt16LE(central + 28), extraLength: b.readUInt16LE(central + 30), commentLength: b.readUInt16LE(central + 32), diskStart: b.readUInt16LE(central + 34),
      internal: b.readUInt16LE(central + 36), external: b.readUInt32LE(central + 38), offset: b.readUInt32LE(central + 42),
    };
    const name = b.subarray(central + 46, central + 46 + c.nameLength).toString('utf8');
    if (c.madeBy !== 20 || c.needed !== 20 || c.flags & 0x0008 || c.extraLength || c.commentLength || c.diskStart || c.internal || c.external) return `${name}: not as the archiver writes an entry`;
    if (c.offset !== next) return `${name}: not where the entry before it ends`;
    const l = c.offset;
    if (b.readUInt32LE(l) !== 0x04034b50) return `${name}: its local header is damaged`;
    const local = [b.readUInt16LE(l + 4), b.readUInt16LE(l + 6), b.readUInt16LE(l + 8), b.readUInt16LE(l + 10), b.readUInt16LE(l + 12), b.readUInt32LE(l + 14), b.readUInt32LE(l + 18), b.readUInt32LE(l + 22), b.readUInt16LE(l + 26), b.readUInt16LE(l + 28)];
    const fromCentral = [c.needed, c.flags, c.method, c.time, c.date, c.crc, c.csize, c.usize, c.nameLength, 0];
    if (local.some((v, k) => v !== fromCentral[k]) || b.subarray(l + 30, l + 30 + c.nameLength).toString('utf8') !== name) return `${name}: its local header and the central directory disagree`;
    const content = entries[name];
    if (!content || content.length !== c.usize || crc32(content) >>> 0 !== c.crc) return `${name}: its content is not what its CRC-32 says`;
    names.push(name);
    next = l + 30 + c.nameLength + c.csize;
    central += 46 + c.nameLength;
  }
  if (next !== cdOffset || central !== eocd || names.length !== Object.keys(entries).length) return 'bytes outside the entries';
  return { entries, names };
}
