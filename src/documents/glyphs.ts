import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// Which characters the documents' fonts can print, read from the fonts' character maps without the PDF libraries
// (some 27 MB resident for fontkit alone), so that a submission can be checked in a process that never renders one.

const require = createRequire(import.meta.url);

/**
 * The fonts of a document. DejaVu Sans has the alphabets of the member states; DejaVu's math font, the fallback,
 * adds mathematical letters (𝐀, 𝔸, 𝒜: what "fancy text" generators paste), arrows and technical signs.
 */
export const FONT_FILES = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf', fallback: 'DejaVuMathTeXGyre.ttf' } as const;
export type FontName = keyof typeof FONT_FILES;

/** Printed, in the regular font, in place of a character no font has: visible, and read back by text extraction. */
export const REPLACEMENT = '\uFFFD';

export const fontBytes = (name: FontName): Buffer => readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${FONT_FILES[name]}`));

const coverage = new Map<FontName, Set<number>>();

/** The code points a font has a glyph for. */
export function codePoints(name: FontName): Set<number> {
  let points = coverage.get(name);
  if (!points) coverage.set(name, (points = cmapCodePoints(fontBytes(name))));
  return points;
}

/** Text as a document prints it: composed (NFC, so é is one glyph), line breaks as \n, tabs as spaces. */
export function printable(text: string): string {
  return text.normalize('NFC').replace(/\r\n?|[\u2028\u2029\v\f]/g, '\n').replace(/\t/g, ' ');
}

/** The distinct characters of a text that neither the regular font nor the fallback has (spaces and line breaks aside). */
export function unrenderableCharacters(text: string): string[] {
  const missing = new Set<string>();
  for (const ch of printable(text)) {
    const cp = ch.codePointAt(0)!;
    if (ch !== '\n' && !codePoints('regular').has(cp) && !codePoints('fallback').has(cp)) missing.add(ch);
  }
  return [...missing];
}

/**
 * The code points of a TrueType font's Unicode character map: the full-repertoire subtable (format 12) where the
 * font has one, else the BMP one (format 4). A code point mapped to glyph 0 (.notdef) has no glyph.
 */
export function cmapCodePoints(font: Buffer): Set<number> {
  const u16 = (at: number) => font.readUInt16BE(at);
  const u32 = (at: number) => font.readUInt32BE(at);
  let cmap = -1;
  for (let i = 0; i < u16(4); i++) if (font.toString('latin1', 12 + 16 * i, 16 + 16 * i) === 'cmap') cmap = u32(20 + 16 * i);
  if (cmap < 0) throw new Error('the font has no cmap table');
  const subtables = new Map<string, number>();
  for (let i = 0; i < u16(cmap + 2); i++) subtables.set(`${u16(cmap + 4 + 8 * i)},${u16(cmap + 6 + 8 * i)}`, cmap + u32(cmap + 8 + 8 * i));
  const at = subtables.get('3,10') ?? subtables.get('0,4') ?? subtables.get('3,1') ?? subtables.get('0,3');
  const points = new Set<number>();
  if (at !== undefined && u16(at) === 12) {
    for (let g = 0, groups = u32(at + 12); g < groups; g++) {
      const [start, end, glyph] = [u32(at + 16 + 12 * g), u32(at + 20 + 12 * g), u32(at + 24 + 12 * g)];
      for (let c = start; c <= end; c++) if (glyph + c - start !== 0) points.add(c);
    }
  } else if (at !== undefined && u16(at) === 4) {
    const segments = u16(at + 6) / 2;
    const ends = at + 14;
    const starts = ends + 2 * segments + 2;
    const deltas = starts + 2 * segments;
    const offsets = deltas + 2 * segments;
    for (let s = 0; s < segments; s++) {
      const [start, end, delta, offsetAt] = [u16(starts + 2 * s), u16(ends + 2 * s), u16(deltas + 2 * s), offsets + 2 * s];
      for (let c = start; c <= end; c++) {
        const index = u16(offsetAt) === 0 ? c : u16(offsetAt + u16(offsetAt) + 2 * (c - start));
        const glyph = u16(offsetAt) !== 0 && index === 0 ? 0 : (index + delta) % 0x10000;
        if (glyph !== 0) points.add(c);
      }
    }
  } else throw new Error('the font has no Unicode character map of format 4 or 12');
  return points;
}
