import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('configuration', () => {
  it('sizes each process\'s PostgreSQL pool from ORTAK_DB_POOL, refusing what is not a whole number of at least 1', () => {
    expect(loadConfig({}).databasePool).toBe(10);
    expect(loadConfig({ ORTAK_DB_POOL: '24' }).databasePool).toBe(24);
    for (const wrong of ['0', '-3', '2.5', 'many']) expect(() => loadConfig({ ORTAK_DB_POOL: wrong })).toThrow(/ORTAK_DB_POOL must be a whole number of at least 1/);
  });

  it('puts the exchange\'s client interface on loopback port 8081 unless told otherwise', () => {
    expect(loadConfig({}).clientInterface).toMatchObject({ host: '127.0.0.1', port: 8081, ratePerMinute: 60_000 });
    expect(loadConfig({ ORTAK_CLIENT_HOST: '10.0.0.5', ORTAK_CLIENT_PORT: '9081' }).clientInterface).toMatchObject({ host: '10.0.0.5', port: 9081 });
    expect(() => loadConfig({ ORTAK_CLIENT_PORT: '70000' })).toThrow(/ORTAK_CLIENT_PORT must be a port number/);
    expect(loadConfig({}).exchangeMaxBodyBytes).toBe(10 * 1024 * 1024);
  });

  it('refuses the demo SMS token, or a short one, outside demo mode', () => {
    expect(loadConfig({}).smsInboundToken).toBe('demo-sms-inbound');
    expect(loadConfig({ ORTAK_DEMO: 'false' }).smsInboundToken).toBeUndefined();
    expect(() => loadConfig({ ORTAK_DEMO: 'false', SMS_INBOUND_TOKEN: 'demo-sms-inbound' })).toThrow(/SMS_INBOUND_TOKEN/);
    expect(() => loadConfig({ ORTAK_DEMO: 'false', SMS_INBOUND_TOKEN: 'short' })).toThrow(/SMS_INBOUND_TOKEN/);
    expect(loadConfig({ ORTAK_DEMO: 'false', SMS_INBOUND_TOKEN: 'a-long-secret-of-the-operator' }).smsInboundToken).toBe('a-long-secret-of-the-operator');
  });
});
