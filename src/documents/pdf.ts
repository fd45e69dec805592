import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, type PDFFont, type PDFPage, rgb } from 'pdf-lib';
import QRCode from 'qrcode';
import { type Language, translate } from '../i18n/index.js';

const require = createRequire(import.meta.url);
// DejaVu Sans covers Kazakh and Kyrgyz Cyrillic (ә ғ қ ң ө ұ ү һ і) and the Latin of Turkish, Azerbaijani and
// Uzbek (ə ğ ı ş ç oʻ gʻ); the subset that a document uses is embedded in it.
const FONT = readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'));
const FONT_BOLD = readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'));

export interface DocumentContent {
  documentId: string;
  language: Language;
  title: string;
  agencyName: string;
  caName: string;
  applicationNumber: string;
  holderName: string;
  holderIdentifier: string;
  issuedAt: Date;
  validUntil: string | null;
  /** label → value, in the document's language */
  particulars: [string, string][];
  verifyUrl: string;
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 56;
const INK = rgb(0.1, 0.12, 0.16);
const MUTED = rgb(0.35, 0.38, 0.42);

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/)) {
      const candidate = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(candidate, size) <= width || !line) line = candidate;
      else {
        lines.push(line);
        line = word;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** Renders the result document as a PDF in the applicant's language, with a QR code to its verification page. */
export async function renderDocumentPdf(c: DocumentContent): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  const font = await pdf.embedFont(FONT, { subset: true });
  const bold = await pdf.embedFont(FONT_BOLD, { subset: true });
  pdf.setTitle(c.title);
  pdf.setAuthor(c.agencyName);
  pdf.setSubject(`${c.applicationNumber} · ${c.documentId}`);
  pdf.setLanguage(c.language);
  pdf.setProducer('Ortak');
  pdf.setCreationDate(c.issuedAt);
  pdf.setModificationDate(c.issuedAt);

  const page = pdf.addPage([A4.width, A4.height]);
  const t = (key: string, params?: Record<string, unknown>) => translate(c.language, key, params);
  const width = A4.width - 2 * MARGIN;
  let y = A4.height - MARGIN;

  const text = (value: string, size: number, f: PDFFont = font, color = INK, indent = 0) => {
    for (const line of wrap(value, f, size, width - indent)) {
      y -= size * 1.35;
      page.drawText(line, { x: MARGIN + indent, y, size, font: f, color });
    }
  };

  text(c.agencyName, 11, bold, MUTED);
  y -= 18;
  text(c.title, 20, bold);
  y -= 8;
  page.drawLine({ start: { x: MARGIN, y }, end: { x: A4.width - MARGIN, y }, thickness: 1, color: MUTED });
  y -= 10;

  const date = new Intl.DateTimeFormat(c.language, { dateStyle: 'long', timeZone: 'UTC' });
  const rows: [string, string][] = [
    [t('document.number'), c.documentId],
    [t('document.application'), c.applicationNumber],
    [t('document.holder'), c.holderName],
    [t('document.identifier'), c.holderIdentifier],
    [t('document.issuedBy'), c.agencyName],
    [t('document.issuedAt'), date.format(c.issuedAt)],
    ...(c.validUntil ? ([[t('document.validUntil'), date.format(new Date(`${c.validUntil}T00:00:00Z`))]] as [string, string][]) : []),
  ];
  const field = (label: string, value: string) => {
    text(label, 8.5, font, MUTED);
    text(value || '—', 11.5, font);
    y -= 4;
  };
  for (const [label, value] of rows) field(label, value);

  if (c.particulars.length) {
    y -= 8;
    text(t('document.details'), 13, bold);
    y -= 2;
    for (const [label, value] of c.particulars) field(label, value);
  }

  await drawQr(page, c.verifyUrl, A4.width - MARGIN - 110, MARGIN + 40, 110);
  const footerWidth = width - 130;
  let footerY = MARGIN + 140;
  for (const line of [...wrap(t('document.verifyAt', { url: c.verifyUrl }), font, 8.5, footerWidth), '', ...wrap(t('document.signedBy', { agency: c.agencyName, ca: c.caName }), font, 8.5, footerWidth)]) {
    footerY -= 12;
    page.drawText(line, { x: MARGIN, y: footerY, size: 8.5, font, color: MUTED });
  }
  return pdf.save({ useObjectStreams: true });
}

async function drawQr(page: PDFPage, url: string, x: number, y: number, size: number): Promise<void> {
  const qr = QRCode.create(url, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cell = size / n;
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      if (qr.modules.data[row * n + col]) {
        page.drawRectangle({ x: x + col * cell, y: y + size - (row + 1) * cell, width: cell, height: cell, color: rgb(0, 0, 0) });
      }
    }
  }
}
