import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../i18n/index.js';
import { renderDocumentPdf } from './pdf.js';

const require = createRequire(import.meta.url);

// Every letter of the alphabets the documents are written in.
const ALPHABETS = {
  kazakh: 'АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯаәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя',
  kyrgyz: 'ҢӨҮңөү',
  turkish: 'ABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZabcçdefgğhıijklmnoöprsştuüvyz',
  azerbaijani: 'ƏəĞğİıÖöŞşÜüÇçXxQq',
  uzbek: 'OʻoʻGʻgʻShshChchNGng’',
};

describe('the embedded font', () => {
  it('has a glyph for every letter of Kazakh, Kyrgyz, Russian, Turkish, Azerbaijani and Uzbek', () => {
    for (const file of ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf']) {
      const font = fontkit.create(readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${file}`)));
      for (const [alphabet, letters] of Object.entries(ALPHABETS)) {
        const missing = [...letters].filter((ch) => !font.hasGlyphForCodePoint(ch.codePointAt(0)!));
        expect(missing, `${file} ${alphabet}`).toEqual([]);
      }
    }
  });
});

describe('a document PDF', () => {
  it('renders in each of the seven languages with its metadata', async () => {
    for (const language of LANGUAGES) {
      const bytes = await renderDocumentPdf({
        documentId: '0b6a8b8e-7a43-4c3e-9a63-1f2d3c4b5a69',
        language,
        title: `${ALPHABETS.kazakh.slice(0, 10)} ${ALPHABETS.azerbaijani}`,
        agencyName: 'Құқықтық статистика комитеті',
        caName: 'Ortak Node CA',
        applicationNumber: 'KZ-2026-00000042',
        holderName: 'Сейітова Айгерім Нұрланқызы',
        holderIdentifier: 'KZ 900412480469',
        issuedAt: new Date('2026-03-04T09:00:00Z'),
        validUntil: '2026-06-02',
        particulars: [['Мақсаты', 'Шетелге шығу'], ['Amaç', 'Yurt dışı — Türkiye, İstanbul'], ["Maqsad", "Oʻqish uchun gʻarbga"]],
        verifyUrl: 'http://localhost:8080/verify/0b6a8b8e-7a43-4c3e-9a63-1f2d3c4b5a69',
      });
      expect(Buffer.from(bytes.slice(0, 5)).toString()).toBe('%PDF-');
      const pdf = await PDFDocument.load(bytes);
      expect(pdf.getPageCount()).toBe(1);
      expect(pdf.getTitle()).toContain('АӘБВГҒ');
      expect(pdf.getSubject()).toContain('KZ-2026-00000042');
      // subset embedding keeps a document small
      expect(bytes.length).toBeLessThan(120_000);
    }
  });
});
