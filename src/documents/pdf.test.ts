import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/index.js';
import { LANGUAGES } from '../i18n/index.js';
import { paths } from '../platform/paths.js';
import { particulars } from './particulars.js';
import { type DocumentContent, renderDocumentPdf } from './pdf.js';

const require = createRequire(import.meta.url);

// Every letter of the alphabets the documents are written in.
const ALPHABETS = {
  kazakh: 'АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯаәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя',
  kyrgyz: 'ҢӨҮңөү',
  turkish: 'ABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZabcçdefgğhıijklmnoöprsştuüvyz',
  azerbaijani: 'ƏəĞğİıÖöŞşÜüÇçXxQq',
  uzbek: 'OʻoʻGʻgʻShshChchNGng’',
};

const BASE: DocumentContent = {
  documentId: '0b6a8b8e-7a43-4c3e-9a63-1f2d3c4b5a69',
  number: 'KZ-LER-2026-000042',
  language: 'en',
  title: 'Certificate of state registration of the legal entity',
  agencyName: 'Құқықтық статистика комитеті',
  caName: 'Ortak Node CA',
  applicationNumber: 'KZ-2026-00000042',
  holderName: 'Сейітова Айгерім Нұрланқызы',
  holderIdentifier: 'KZ 900412480469',
  issuedAt: new Date('2026-03-04T09:00:00Z'),
  validUntil: '2026-06-02',
  particulars: [['Мақсаты', 'Шетелге шығу'], ['Amaç', 'Yurt dışı — Türkiye, İstanbul'], ['Maqsad', 'Oʻqish uchun gʻarbga']],
  verifyUrl: 'http://localhost:8080/verify/0b6a8b8e-7a43-4c3e-9a63-1f2d3c4b5a69',
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
      const bytes = await renderDocumentPdf({ ...BASE, language, title: `${ALPHABETS.kazakh.slice(0, 10)} ${ALPHABETS.azerbaijani}` });
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

// Read back with poppler (pdfinfo, pdftotext, pdftoppm, pdffonts) and zbar (zbarimg), which share no code with
// pdf-lib: what they see is what a reader's viewer and phone see.
const dir = mkdtempSync(join(tmpdir(), 'ortak-pdf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const run = (command: string, ...args: string[]) => execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

interface Word { text: string; xMin: number; yMin: number; xMax: number; yMax: number }

async function rendered(name: string, content: Partial<DocumentContent>) {
  const file = join(dir, `${name}.pdf`);
  writeFileSync(file, await renderDocumentPdf({ ...BASE, ...content }));
  const pages = Number(/^Pages:\s+(\d+)$/m.exec(run('pdfinfo', file))![1]);
  // pdftotext ends each page with a form feed; a line break inside a page is only where the text wrapped
  const text = run('pdftotext', '-enc', 'UTF-8', file, '-').split('\f').slice(0, pages);
  const boxes = [...run('pdftotext', '-bbox', '-enc', 'UTF-8', file, '-').matchAll(/<page width="([\d.]+)" height="([\d.]+)">([\s\S]*?)<\/page>/g)].map((p) => ({
    width: Number(p[1]),
    height: Number(p[2]),
    words: [...p[3].matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map(
      (w): Word => ({ xMin: Number(w[1]), yMin: Number(w[2]), xMax: Number(w[3]), yMax: Number(w[4]), text: w[5].replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"') }),
    ),
  }));
  return { file, pages, text, boxes, joined: (page: number) => text[page].replace(/\n/g, '') };
}

/** What zbar reads from each page, rendered at 100 dpi in grey. */
function qrCodes(file: string): string[][] {
  run('pdftoppm', '-r', '100', '-gray', file, join(dir, 'page'));
  const images = readdirSync(dir).filter((f) => f.startsWith('page-')).sort();
  const xml = spawnSync('zbarimg', ['-q', '--xml', ...images.map((f) => join(dir, f))], { encoding: 'utf8' }).stdout;
  for (const f of images) rmSync(join(dir, f));
  return images.map((f) => [...(xml.split(`href='${join(dir, f)}'`)[1]?.split('</source>')[0] ?? '').matchAll(/<!\[CDATA\[([^\]]*)\]\]>/g)].map((m) => m[1]));
}

/** Pairs of words whose boxes overlap: text running into other text. */
function collisions(words: Word[]): string[] {
  const hit: string[] = [];
  for (let i = 0; i < words.length; i++) {
    for (let j = i + 1; j < words.length; j++) {
      const [a, b] = [words[i], words[j]];
      if (a.xMin < b.xMax - 0.5 && b.xMin < a.xMax - 0.5 && a.yMin < b.yMax - 0.5 && b.yMin < a.yMax - 0.5) hit.push(`${a.text} × ${b.text}`);
    }
  }
  return hit;
}

describe('a document PDF read back by poppler and zbar', () => {
  it('flows long content onto more pages, each with the footer, its number and a QR code that reads', async () => {
    const rows = Array.from({ length: 200 }, (_, i): [string, string] => [`Label ${i}`, `value-${i} ${'lorem ipsum '.repeat(i % 9)}end-${i}`]);
    // and one value longer than a page
    const essay = `${'lorem ipsum dolor '.repeat(300)}end-essay`;
    const doc = await rendered('long', { particulars: [['Essay', essay], ...rows] });
    expect(doc.pages).toBeGreaterThan(1);
    for (let p = 0; p < doc.pages; p++) {
      expect(doc.joined(p)).toContain(BASE.verifyUrl);
      expect(doc.joined(p)).toContain(`Document No ${BASE.number}`);
      expect(doc.text[p]).toContain(`Page ${p + 1} of ${doc.pages}`);
      const { width, height, words } = doc.boxes[p];
      expect(collisions(words), `page ${p + 1}`).toEqual([]);
      for (const w of words) expect(w.xMin >= 50 && w.xMax <= width - 50 && w.yMin >= 50 && w.yMax <= height - 50, `${w.text} on page ${p + 1}`).toBe(true);
      // the body ends above the footer, which starts with "Check this document"
      const footer = words.findIndex((w, i) => w.text === 'Check' && words[i + 1]?.text === 'this');
      expect(footer).toBeGreaterThan(0);
      expect(Math.max(...words.slice(0, footer).map((w) => w.yMax))).toBeLessThan(words[footer].yMin);
    }
    // nothing lost: every value, whole and in order
    const all = doc.text.join('');
    expect(all.match(/lorem/g)).toHaveLength(300 + rows.reduce((n, _, i) => n + (i % 9), 0));
    let at = all.indexOf('end-essay\n');
    for (let i = 0; i < rows.length; i++) {
      const next = all.indexOf(`end-${i}\n`, at);
      expect(next, `row ${i}`).toBeGreaterThan(at);
      at = next;
    }
    expect(qrCodes(doc.file)).toEqual(Array(doc.pages).fill([BASE.verifyUrl]));
  });

  it('breaks a word longer than a line to fit the page, losing nothing', async () => {
    const word = Array.from({ length: 30 }, (_, i) => `Ортак${String(i).padStart(5, '0')}`).join('');
    expect(word).toHaveLength(300);
    const doc = await rendered('word', { title: word.slice(0, 120), holderName: word, particulars: [['Word', word]] });
    expect(doc.pages).toBe(1);
    expect(doc.joined(0).split(word)).toHaveLength(3);
    expect(doc.joined(0)).toContain(word.slice(0, 120));
    const { width, words } = doc.boxes[0];
    expect(words.filter((w) => w.xMax > width - 56 + 0.5)).toEqual([]);
    expect(collisions(words)).toEqual([]);
  });

  it('prints a legal entity\'s co-founders as text', async () => {
    const def = loadCatalog(paths.services, ['KZ']).get('kz-legal-entity-registration')!;
    const data = { ...def.form.example, coFounders: [{ identifier: '921113400560', sharePercent: 25 }, { identifier: '880101300123', sharePercent: 15 }] };
    const doc = await rendered('founders', { language: 'ru', particulars: particulars(def, data, 'ru') });
    const text = doc.text.join('\n');
    expect(text).not.toContain('[object');
    expect(text).toContain('1. ИИН учредителя: 921113400560 — Доля в уставном капитале, %: 25');
    expect(text).toContain('2. ИИН учредителя: 880101300123 — Доля в уставном капитале, %: 15');
  });

  it('prints a character DejaVu Sans lacks in the fallback font, and one no font has as a visible mark', async () => {
    const plain = await rendered('plain', {});
    expect(run('pdffonts', plain.file)).not.toContain('DejaVuMathTeXGyre');
    const doc = await rendered('fallback', { holderName: 'Айгерім 𝐀𝐁𝐂 ⟦x⟧', particulars: [['Name', 'Ali 漢 Veli']] });
    expect(run('pdffonts', doc.file)).toContain('DejaVuMathTeXGyre');
    expect(doc.text[0]).toContain('Айгерім 𝐀𝐁𝐂 ⟦x⟧');
    expect(doc.text[0]).toContain('Ali \uFFFD Veli');
  });
});
