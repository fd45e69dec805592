import { describe, expect, it } from 'vitest';
import { maskIdentifiers } from './log-masking.js';

describe('maskIdentifiers', () => {
  it('masks digit runs and Azerbaijani FINs in URLs', () => {
    expect(maskIdentifiers('/api/v1/x/870412300416?y=1')).toBe('/api/v1/x/87…***?y=1');
    expect(maskIdentifiers('/verify?fin=5ZQ3K7T&lang=az')).toBe('/verify?fin=5Z…***&lang=az');
    expect(maskIdentifiers('/r1/AZ/GOV/1234567/X/5ZQ3K7T')).toBe('/r1/AZ/GOV/12…***/X/5Z…***');
  });

  it('leaves words, codes and UUIDs alone', () => {
    const url = '/api/v1/services/az-birth-registration/applications/0b6f3f6e-4f1a-4c2e-9a51-1d2c3b4a5f60?lang=AZ&STATUS=PENDING';
    expect(maskIdentifiers(url)).toBe(url);
    expect(maskIdentifiers('/x/ABCDEFG/ABC12345')).toBe('/x/ABCDEFG/ABC12345');
  });
});
