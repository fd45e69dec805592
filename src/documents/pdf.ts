import fontkit from '@pdf-lib/fontkit';
import { type Color, PDFDocument, type PDFEmbeddedPage, type PDFFont, type PDFPage, rgb } from 'pdf-lib';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import QRCode from 'qrcode';
import { type Language, translate } from '../i18n/index.js';
import { codePoints, type FontName, fontBytes, printable, REPLACEMENT } from './glyphs.js';

export interface DocumentContent {
  documentId: string;
  /** the short number a verifier types (KZ-CRC-2026-000123) */
  number: string;
  language: Language;
  title: string;
  agencyName: string;
  caName: string;
  applicationNumber: string;
  holderName: string;
  holderIdentifier: string;
  issuedAt: Date;
  validUntil: string | null;
  /** what the document certifies (a register's answer as decided), label → value, in the document's language */
  certified?: [string, string][];
  /** label → value, in the document's language */
  particulars: [string, string][];
  verifyUrl: string;
  /**
   * Room for the agency's PAdES signature (documents/pades.ts fills it): who signs, as the signature dictionary names
   * them, and the room's size in bytes. Without it, a PDF with no signature field.
   */
  signature?: { name: string; location: string; room: number };
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 56;
const LEADING = 1.35;
const QR_SIZE = 110;
const FOOTER = { size: 8.5, leading: 12 };
const INK = rgb(0.1, 0.12, 0.16);
const MUTED = rgb(0.35, 0.38, 0.42);

/** A font, then the fonts for the characters it lacks, in order. */
type Face = { font: PDFFont; chars: Set<number> }[];

/** Runs of one font each; a character that no font of the face has becomes the replacement mark. */
function runs(text: string, face: Face): { text: string; font: PDFFont }[] {
  const out: { text: string; font: PDFFont }[] = [];
  for (let ch of text) {
    let f = face.find((f) => f.chars.has(ch.codePointAt(0)!));
    if (!f) {
      ch = REPLACEMENT;
      f = face.find((f) => f.chars.has(REPLACEMENT.codePointAt(0)!))!;
    }
    const last = out.at(-1);
    if (last?.font === f.font) last.text += ch;
    else out.push({ text: ch, font: f.font });
  }
  return out;
}

// Advance widths per font and character at size 1: measuring a candidate line then shapes no text, which was most of
// the time a long document took.
const advances = new WeakMap<PDFFont, Map<string, number>>();
function runWidth(font: PDFFont, text: string, size: number): number {
  let known = advances.get(font);
  if (!known) advances.set(font, (known = new Map()));
  let width = 0;
  for (const ch of text) {
    let w = known.get(ch);
    if (w === undefined) known.set(ch, (w = font.widthOfTextAtSize(ch, 1)));
    width += w;
  }
  return width * size;
}
const widthOf = (text: string, face: Face, size: number) => runs(text, face).reduce((w, r) => w + runWidth(r.font, r.text, size), 0);
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Lines no wider than `width`: words wrap, and a word wider than a line is broken between its characters. */
function wrap(text: string, face: Face, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of printable(text).split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ').filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (widthOf(candidate, face, size) <= width) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      line = '';
      let used = 0;
      for (const { segment } of graphemes.segment(word)) {
        const w = widthOf(segment, face, size);
        if (line && used + w > width) {
          lines.push(line);
          [line, used] = ['', 0];
        }
        line += segment;
        used += w;
      }
    }
    lines.push(line);
  }
  return lines;
}

function draw(page: PDFPage, line: string, x: number, y: number, size: number, face: Face, color: Color): void {
  for (const run of runs(line, face)) {
    page.drawText(run.text, { x, y, size, font: run.font, color });
    x += runWidth(run.font, run.text, size);
  }
}

/**
 * Renders the result document as a PDF in the applicant's language. The content flows onto as many pages as it
 * needs; every page carries the footer (how to verify, who signed, the document's number, "page X of Y") and the
 * QR code to the verification page.
 */
export async function renderDocumentPdf(c: DocumentContent): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  pdf.setTitle(c.title);
  pdf.setAuthor(c.agencyName);
  pdf.setSubject(`${c.applicationNumber} · ${c.number} · ${c.documentId}`);
  pdf.setLanguage(c.language);
  pdf.setProducer('Ortak');
  pdf.setCreationDate(c.issuedAt);
  pdf.setModificationDate(c.issuedAt);

  const t = (key: string, params?: Record<string, unknown>) => translate(c.language, key, params);
  const date = new Intl.DateTimeFormat(c.language, { dateStyle: 'long', timeZone: 'UTC' });
  const rows: [string, string][] = [
    [t('document.number'), c.number],
    [t('document.application'), c.applicationNumber],
    [t('document.holder'), c.holderName],
    [t('document.identifier'), c.holderIdentifier],
    [t('document.issuedBy'), c.agencyName],
    [t('document.issuedAt'), date.format(c.issuedAt)],
    ...(c.validUntil ? ([[t('document.validUntil'), date.format(new Date(`${c.validUntil}T00:00:00Z`))]] as [string, string][]) : []),
  ];
  const notes = [t('document.verifyAt', { url: c.verifyUrl }), t('document.signedBy', { agency: c.agencyName, ca: c.caName }), `${t('document.number')} ${c.number}`];

  // DejaVu Sans, bold for headings; the fallback font only when some text needs it. Each embedded as the subset used.
  const embed = async (name: FontName) => ({ font: await pdf.embedFont(fontBytes(name), { subset: true }), chars: codePoints(name) });
  const [regular, bold] = [await embed('regular'), await embed('bold')];
  const everything = printable([c.title, c.agencyName, ...rows.flat(), ...(c.certified ?? []).flat(), ...c.particulars.flat(), ...notes].join('\n'));
  const needsFallback = [...everything].some((ch) => !regular.chars.has(ch.codePointAt(0)!) && codePoints('fallback').has(ch.codePointAt(0)!));
  const fallback = needsFallback ? [await embed('fallback')] : [];
  const plain: Face = [regular, ...fallback];
  const strong: Face = [bold, regular, ...fallback];

  const width = A4.width - 2 * MARGIN;
  const footerWidth = width - QR_SIZE - 20;
  const footerLines = notes.flatMap((note, i) => [...(i ? [''] : []), ...wrap(note, plain, FOOTER.size, footerWidth)]);
  // the page number takes the line below them
  const footerTop = MARGIN + Math.max(QR_SIZE, (footerLines.length + 1) * FOOTER.leading);
  const bottom = footerTop + 20;

  let page!: PDFPage;
  let y = 0;
  const newPage = () => {
    page = pdf.addPage([A4.width, A4.height]);
    y = A4.height - MARGIN;
  };
  /** A new page unless `height` more fits above the footer. */
  const room = (height: number) => {
    if (y - height < bottom) newPage();
  };
  const text = (value: string, size: number, face = plain, color = INK, indent = 0) => {
    for (const line of wrap(value, face, size, width - indent)) {
      room(size * LEADING);
      y -= size * LEADING;
      draw(page, line, MARGIN + indent, y, size, face, color);
    }
  };
  const field = (label: string, value: string) => {
    room((8.5 + 11.5) * LEADING); // a label stays with the first line of its value
    text(label, 8.5, plain, MUTED);
    text(value || '—', 11.5);
    y -= 4;
  };

  newPage();
  text(c.agencyName, 11, strong, MUTED);
  y -= 18;
  text(c.title, 20, strong);
  y -= 8;
  page.drawLine({ start: { x: MARGIN, y }, end: { x: A4.width - MARGIN, y }, thickness: 1, color: MUTED });
  y -= 10;
  for (const [label, value] of rows) field(label, value);
  const certified = c.certified ?? [];
  if (certified.length) {
    y -= 8;
    room((13 + 8.5 + 11.5) * LEADING + 2);
    text(t('document.certified'), 13, strong);
    y -= 2;
    for (const [label, value] of certified) field(label, value);
  }
  if (c.particulars.length) {
    y -= 8;
    room((13 + 8.5 + 11.5) * LEADING + 2); // the heading stays with its first field
    text(t('document.details'), 13, strong);
    y -= 2;
    for (const [label, value] of c.particulars) field(label, value);
  }

  const qr = await qrCode(pdf, c.verifyUrl);
  const pages = pdf.getPages();
  pages.forEach((p, i) => {
    p.drawLine({ start: { x: MARGIN, y: footerTop + 10 }, end: { x: A4.width - MARGIN, y: footerTop + 10 }, thickness: 0.5, color: MUTED });
    p.drawPage(qr, { x: A4.width - MARGIN - QR_SIZE, y: MARGIN });
    let footerY = footerTop;
    for (const line of [...footerLines, t('document.page', { page: i + 1, pages: pages.length })]) {
      footerY -= FOOTER.leading;
      draw(p, line, MARGIN, footerY, FOOTER.size, plain, MUTED);
    }
  });
  if (!c.signature) return pdf.save({ useObjectStreams: true });
  // (an invisible signature field on the first page; the signature dictionary must stay outside object streams,
  // where the byte range and the signature's room are found and filled in the saved file)
  pdflibAddPlaceholder({
    pdfDoc: pdf,
    reason: t('document.signatureReason', { number: c.number }),
    contactInfo: c.verifyUrl,
    name: c.signature.name,
    location: c.signature.location,
    signingTime: c.issuedAt,
    signatureLength: c.signature.room,
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
    widgetRect: [0, 0, 0, 0],
    appName: 'Ortak',
  });
  return pdf.save({ useObjectStreams: false });
}

/** The QR code to the verification page, drawn once and placed on every page. */
async function qrCode(pdf: PDFDocument, url: string): Promise<PDFEmbeddedPage> {
  const { modules } = QRCode.create(url, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  const cell = QR_SIZE / n;
  const source = await PDFDocument.create();
  const page = source.addPage([QR_SIZE, QR_SIZE]);
  for (let row = 0; row < n; row++) {
    // a run of dark modules as one rectangle: fewer seams in viewers that anti-alias
    for (let col = 0; col < n; col++) {
      if (!modules.data[row * n + col]) continue;
      let end = col;
      while (end + 1 < n && modules.data[row * n + end + 1]) end++;
      page.drawRectangle({ x: col * cell, y: QR_SIZE - (row + 1) * cell, width: (end - col + 1) * cell, height: cell, color: rgb(0, 0, 0) });
      col = end;
    }
  }
  return pdf.embedPage(page);
}
