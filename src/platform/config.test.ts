import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('configuration', () => {
  it('sizes each process\'s PostgreSQL pool from ORTAK_DB_POOL, refusing what is not a whole number of at least 1', () => {
    expect(loadConfig({}).databasePool).toBe(10);
    expect(loadConfig({ ORTAK_DB_POOL: '24' }).databasePool).toBe(24);
    for (const wrong of ['0', '-3', '2.5', 'many']) expect(() => loadConfig({ ORTAK_DB_POOL: wrong })).toThrow(/ORTAK_DB_POOL must be a whole number of at least 1/);
  });
});
