import { describe, expect, it } from 'vitest';
import { formatClientId, formatServiceId, parseClientId, parseServicePath, parseUserId } from './identifiers.js';

const subsystems = new Set(['KZ/GOV/MVD/REGISTRIES']);
const isSubsystem = (i: string, c: string, m: string, s: string) => subsystems.has(`${i}/${c}/${m}/${s}`);

describe('X-Road identifiers', () => {
  it('parse clients with and without a subsystem, and refuse anything else', () => {
    expect(parseClientId('KZ/GOV/MVD/REGISTRIES')).toEqual({ instance: 'KZ', memberClass: 'GOV', memberCode: 'MVD', subsystem: 'REGISTRIES' });
    expect(parseClientId('TR/COM/12345')).toEqual({ instance: 'TR', memberClass: 'COM', memberCode: '12345' });
    for (const bad of ['', 'KZ', 'KZ/GOV', 'XX/GOV/MVD', 'KZ/BIZ/MVD', 'KZ/GOV/MVD/A/B', 'KZ/GOV//A', 'KZ/GOV/%E0%A4%A', 'KZ/GOV/a%3Bb', 'KZ/GOV/ a']) {
      expect(parseClientId(bad), bad).toBeUndefined();
    }
  });

  it('percent-decode each part on its own and encode it back the same way', () => {
    const id = parseClientId('KZ/GOV/%D0%9C%D0%92%D0%94/SUB%20SYSTEM')!;
    expect(id.memberCode).toBe('МВД');
    expect(id.subsystem).toBe('SUB SYSTEM');
    expect(formatClientId(id)).toBe('KZ/GOV/%D0%9C%D0%92%D0%94/SUB%20SYSTEM');
  });

  it('split a request path into the service and the provider\'s path, with the subsystem optional', () => {
    expect(parseServicePath('/r1/KZ/GOV/MVD/REGISTRIES/population/persons/1', isSubsystem)).toEqual({
      service: { instance: 'KZ', memberClass: 'GOV', memberCode: 'MVD', subsystem: 'REGISTRIES', service: 'population' },
      path: '/persons/1',
    });
    expect(parseServicePath('/r1/KZ/GOV/MVD/population/persons/1', isSubsystem)).toEqual({
      service: { instance: 'KZ', memberClass: 'GOV', memberCode: 'MVD', service: 'population' },
      path: '/persons/1',
    });
    expect(parseServicePath('/r1/KZ/GOV/MVD/REGISTRIES/population', isSubsystem)?.path).toBe('/');
    expect(formatServiceId(parseServicePath('/r1/KZ/GOV/MVD/REGISTRIES/population', isSubsystem)!.service)).toBe('KZ/GOV/MVD/REGISTRIES/population');
  });

  it('refuse paths that could escape the service: dot segments, encoded separators, empty segments', () => {
    for (const bad of [
      '/r1/KZ/GOV/MVD/REGISTRIES/population/../x',
      '/r1/KZ/GOV/MVD/REGISTRIES/population/%2e%2e/x',
      '/r1/KZ/GOV/MVD/REGISTRIES/population/a%2Fb',
      '/r1/KZ/GOV/MVD/REGISTRIES/population/a%5Cb',
      '/r1/KZ/GOV/MVD/REGISTRIES/population//x',
      '/r2/KZ/GOV/MVD/REGISTRIES/population',
      '/r1/KZ/GOV',
      `/r1/KZ/GOV/MVD/REGISTRIES/population/${'a'.repeat(2100)}`,
    ]) {
      expect(parseServicePath(bad, isSubsystem), bad).toBeUndefined();
    }
  });

  it('read X-Road-UserId as country code and identifier', () => {
    expect(parseUserId('KZ870412300416')).toEqual({ state: 'KZ', value: '870412300416' });
    expect(parseUserId('kz870412300416')).toBeUndefined();
    expect(parseUserId('870412300416')).toBeUndefined();
  });
});
