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

  const real = { ORTAK_DEMO: 'false', ORTAK_PUBLIC_URL: 'https://ortak.example.kz' };

  it('refuses the demo SMS token, or a short one, outside demo mode', () => {
    expect(loadConfig({}).smsInboundToken).toBe('demo-sms-inbound');
    expect(loadConfig(real).smsInboundToken).toBeUndefined();
    expect(() => loadConfig({ ...real, SMS_INBOUND_TOKEN: 'demo-sms-inbound' })).toThrow(/SMS_INBOUND_TOKEN/);
    expect(() => loadConfig({ ...real, SMS_INBOUND_TOKEN: 'short' })).toThrow(/SMS_INBOUND_TOKEN/);
    expect(loadConfig({ ...real, SMS_INBOUND_TOKEN: 'a-long-secret-of-the-operator' }).smsInboundToken).toBe('a-long-secret-of-the-operator');
  });

  it('keeps demo mode, the default, on loopback unless it is asked for by name with another address', () => {
    expect(loadConfig({})).toMatchObject({ demoMode: true, host: '127.0.0.1' });
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/HOST=0\.0\.0\.0 would open demo mode .* ORTAK_DEMO=true/);
    expect(loadConfig({ HOST: '::1' }).host).toBe('::1');
    expect(loadConfig({ ORTAK_DEMO: 'true', HOST: '0.0.0.0' })).toMatchObject({ demoMode: true, host: '0.0.0.0' });
    expect(loadConfig(real)).toMatchObject({ demoMode: false, host: '0.0.0.0' });
  });

  it('outside demo mode has no default secret, refuses demo-only settings and needs its public address', () => {
    expect(loadConfig({}).paymentWebhookSecret).toBe('demo-webhook-secret');
    expect(loadConfig(real).paymentWebhookSecret).toBeUndefined();
    expect(() => loadConfig({ ...real, ORTAK_PAYMENT_WEBHOOK_SECRET: 'whsec_0123456789abcdef' })).toThrow(/ORTAK_PAYMENT_WEBHOOK_SECRET .* demo mode only/);
    expect(() => loadConfig({ ORTAK_DEMO: 'false' })).toThrow(/ORTAK_PUBLIC_URL must be set outside demo mode/);
    expect(loadConfig(real).publicUrl).toBe('https://ortak.example.kz');
  });
});
