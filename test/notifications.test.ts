import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNode, type TestNode } from './support/node.js';

// A real SMTP server and an SMS provider that fails twice before it accepts, both on loopback.
const mails: { to: string; text: string; subject: string }[] = [];
const sms: { to: string; text: string }[] = [];
let smsCalls = 0;
let smtp: SMTPServer;
let smsServer: Server;
let t: TestNode;

/** The decoded text of a single-part message (base64 or quoted-printable, as nodemailer picks). */
function bodyOf(raw: string): string {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  if (/Content-Transfer-Encoding: base64/i.test(head)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  const qp = body.replace(/=\r?\n/g, '');
  return Buffer.from(qp.replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
}

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c) => (raw += c));
      stream.on('end', () => {
        const subject = /^Subject: (.*)$/m.exec(raw)?.[1] ?? '';
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), subject, text: bodyOf(raw) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smsServer = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      smsCalls += 1;
      if (smsCalls <= 2) {
        res.writeHead(503).end();
        return;
      }
      expect(req.headers.authorization).toBe('Bearer sms-secret');
      sms.push(JSON.parse(body));
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => smsServer.listen(0, '127.0.0.1', resolve));
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  const smsPort = (smsServer.address() as AddressInfo).port;
  t = await createTestNode({ env: { SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, SMS_URL: `http://127.0.0.1:${smsPort}/messages`, SMS_TOKEN: 'sms-secret' } });
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((r) => smtp.close(() => r()));
  await new Promise<void>((r) => smsServer.close(() => r()));
});

describe('delivering messages', () => {
  it('sends each one by e-mail and SMS in the recipient\'s language, retrying a failing provider with backoff', async () => {
    const citizen = t.persona({ role: 'citizen', state: 'KZ', language: 'ru' });
    const token = await t.signIn(citizen);
    const res = await t.submit(token, citizen, 'kz-criminal-record-certificate', t.node.catalog.get('kz-criminal-record-certificate')!.form.example);
    expect(res.statusCode).toBe(201);
    const { number } = res.json();
    await t.runJobs();

    // e-mail went out at once; SMS failed (503) and waits for its backoff
    const toErlan = mails.filter((m) => m.to === 'erlan.zhaksybekov@example.kz');
    expect(toErlan.length).toBeGreaterThanOrEqual(2);
    expect(toErlan.some((m) => m.text.includes(number) && /[а-яА-Я]/.test(m.text))).toBe(true);
    expect(sms).toHaveLength(0);
    const failing = await t.node.database.db.selectFrom('jobs').select(['attempts', 'last_error', 'run_at']).where('queue', '=', 'notification.deliver').where('done_at', 'is', null).execute();
    expect(failing.length).toBeGreaterThan(0);
    expect(failing[0].last_error).toContain('503');
    expect(failing[0].run_at.getTime()).toBeGreaterThan(t.clock.now().getTime());

    // time passes: the retries go through, each message once
    for (let i = 0; i < 6; i++) {
      t.clock.advance(120_000);
      await t.runJobs();
    }
    expect(sms.length).toBeGreaterThanOrEqual(2);
    expect(new Set(sms.map((s) => s.text)).size).toBe(sms.length);
    expect(sms.every((s) => s.to === citizen.identifier || s.to.startsWith('+'))).toBe(true);
    expect(sms.some((s) => /[а-яА-Я]/.test(s.text) && s.text.includes(number))).toBe(true);

    const inbox = (await t.app.inject({ url: '/api/v1/notifications', headers: { authorization: `Bearer ${token}` } })).json().items;
    expect(inbox.every((m: { channel: string }) => m.channel.split(',').sort().join(',') === 'email,inbox,sms')).toBe(true);
  });
});

describe('reading messages', () => {
  it('marks the reader\'s own messages read, once, and nobody else\'s', async () => {
    const citizen = t.persona({ role: 'citizen', state: 'KZ', language: 'kk' });
    const token = await t.signIn(citizen);
    await t.submit(token, citizen, 'kz-criminal-record-certificate', t.node.catalog.get('kz-criminal-record-certificate')!.form.example);
    const inbox = async (bearer: string) => (await t.app.inject({ url: '/api/v1/notifications', headers: { authorization: `Bearer ${bearer}` } })).json().items as { id: string; read: boolean }[];
    const read = (bearer: string, ids: string[]) => t.app.inject({ method: 'POST', url: '/api/v1/notifications/read', headers: { authorization: `Bearer ${bearer}` }, payload: { ids } });
    const mine = await inbox(token);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((m) => !m.read)).toBe(true);

    // another citizen cannot mark them, and learns nothing from trying
    const other = await t.signIn(t.persona({ role: 'citizen', state: 'KZ', language: 'ru' }));
    expect((await read(other, [mine[0].id])).json()).toEqual({ marked: 0 });
    expect((await inbox(token)).every((m) => !m.read)).toBe(true);

    expect((await read(token, [mine[0].id, 'not-an-id'])).json()).toEqual({ marked: 1 });
    expect((await read(token, [mine[0].id])).json()).toEqual({ marked: 0 });
    const after = await inbox(token);
    expect(after.find((m) => m.id === mine[0].id)?.read).toBe(true);
    expect(after.filter((m) => m.read)).toHaveLength(1);

    const bad = await read(token, []);
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
  });
});
