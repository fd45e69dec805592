import fontkit from '@pdf-lib/fontkit';
import { describe, expect, it } from 'vitest';
import { cmapCodePoints, FONT_FILES, type FontName, fontBytes, printable, unrenderableCharacters } from './glyphs.js';

describe('the characters a document can print', () => {
  it('are read from each font\'s character map exactly as fontkit reads them', () => {
    for (const name of Object.keys(FONT_FILES) as FontName[]) {
      const ours = [...cmapCodePoints(fontBytes(name))].sort((a, b) => a - b);
      expect(ours, name).toEqual([...fontkit.create(fontBytes(name)).characterSet].sort((a, b) => a - b));
    }
  });

  it('take in every alphabet of the member states, and mathematical letters from the fallback font', () => {
    expect(unrenderableCharacters('Сейітова Айгерім Нұрланқызы, Ağaoğlu Şəhla, Oʻgʻiljon, Үмүт — «Дала Софт» №5 ☃ 😀 𝐀𝔸𝒜 ⟦x⟧')).toEqual([]);
  });

  it('leave out what no font has, each character once; spaces, tabs and line breaks are not characters to print', () => {
    expect(unrenderableCharacters('Ali 漢字 漢 🦄\tVeli\r\n')).toEqual(['漢', '字', '🦄']);
  });

  it('compose a letter typed with a combining mark, so its single glyph is used', () => {
    expect(printable('Е\u0308 e\u0301\tx\r\ny')).toBe('Ё é x\ny');
  });
});
