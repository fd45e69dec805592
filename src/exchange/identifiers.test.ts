import { describe, expect, it } from 'vitest';
import { formatClientId, formatServiceId, isSafeProviderPath, parseClientId, parseServicePath, parseUserId } from './identifiers.js';

const subsystems = new Set(['KZ/GOV/MVD/REGISTRIES']);
const isSubsystem = (i: string, c: string, m: string, s: string) => subsystems.has(`${i}/${c}/${m}/${s}`);

describe('X-Road identifiers', () => {
  it('parse clients with and without a subsystem, and refuse anything else', () => {
    expect(parseClientId('KZ/GOV/MVD/REGISTRIES')).toEqual({ instance: 'KZ', memberClass: 'GOV', memberCode: 'MVD', subsystem: 'REGISTRIES' });
    expect(parseClientId('TR/COM/12345')).toEqual({ instance: 'TR', memberClass: 'COM', memberCode: '12345' });
    // (which instances and member classes exist is the configuration's to say: any of the right form parses)
    expect(parseClientId('EE/GOV/70000562/RIHA')).toEqual({ instance: 'EE', memberClass: 'GOV', memberCode: '70000562', subsystem: 'RIHA' });
    for (const bad of ['', 'KZ', 'KZ/GOV', 'KZ/GOV/MVD/A/B', 'KZ/GOV//A', 'KZ/GOV/%E0%A4%A', 'KZ/GOV/a%3Bb', 'KZ/GOV/ a', 'KZ/GOV/..', `KZ/GOV/${'a'.repeat(256)}`]) {
      expect(parseClientId(bad), bad).toBeUndefined();
    }
  });

  it('allow in a part only the characters of PR-REST §4.8, percent-encoded or not', () => {
    const id = parseClientId("KZ/GOV/MVD-1/Sub'(x)+,.=%3F")!;
    expect(id).toMatchObject({ memberCode: 'MVD-1', subsystem: "Sub'(x)+,.=?" });
    expect(parseClientId(formatClientId(id))).toEqual(id);
    // no separator, space, underscore, non-ASCII letter or control character hides in a part
    for (const bad of ['KZ/GOV/a%2Fb', 'KZ/GOV/SUB%20SYSTEM', 'KZ/GOV/a_b', 'KZ/GOV/%D0%9C%D0%92%D0%94', 'KZ/GOV/a%00b', 'KZ/GOV/a:b', 'KZ/GOV/a%25b']) {
      expect(parseClientId(bad), bad).toBeUndefined();
    }
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

  it('check a provider path as another node sends it, as strictly as the client\'s side checks one', () => {
    for (const good of ['/', '/persons/870412300416', '/items/7?x=1&y=%2F', '/a/b/']) expect(isSafeProviderPath(good), good).toBe(true);
    for (const bad of ['persons', '/../x', '/a/%2e%2e/x', '/a%2Fb', '/a//b', '/a\r\nHost: evil', '/a b', '/a?x=1 HTTP/1.1', '/a#frag', `/${'a'.repeat(2001)}`]) {
      expect(isSafeProviderPath(bad), bad).toBe(false);
    }
  });

  it('read X-Road-UserId as country code and identifier', () => {
    expect(parseUserId('KZ870412300416')).toEqual({ state: 'KZ', value: '870412300416' });
    expect(parseUserId('kz870412300416')).toBeUndefined();
    expect(parseUserId('870412300416')).toBeUndefined();
  });
});
