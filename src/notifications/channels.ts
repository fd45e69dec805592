import nodemailer from 'nodemailer';

export interface OutgoingMessage {
  to: string;
  subject: string;
  body: string;
  language: string;
}

/** A way to reach a person outside the portal. `send` resolves once the channel has accepted the message. */
export interface Channel {
  name: 'email' | 'sms';
  /** which contact of the recipient this channel needs */
  contact: 'email' | 'phone';
  send(message: OutgoingMessage): Promise<void>;
}

/** E-mail over SMTP (nodemailer) to the server SMTP_URL names, e.g. smtp://user:pass@mail.example:587. */
export function smtpChannel(url: string, from: string): Channel {
  const transport = nodemailer.createTransport(url);
  return {
    name: 'email',
    contact: 'email',
    async send(m) {
      await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.body, headers: { 'Content-Language': m.language } });
    },
  };
}

/**
 * SMS through an HTTP provider: POST {to, text, language} as JSON to SMS_URL with a bearer token. Any 2xx means
 * accepted; anything else (or no answer within 10 s) is a failure to retry.
 */
export function httpSmsChannel(url: string, token: string | undefined, fetchImpl: typeof fetch = fetch): Channel {
  return {
    name: 'sms',
    contact: 'phone',
    async send(m) {
      const res = await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ to: m.to, text: `${m.subject}. ${m.body}`, language: m.language }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`SMS provider answered ${res.status}`);
    },
  };
}

export function channelsFromConfig(config: { smtpUrl?: string; mailFrom: string; smsUrl?: string; smsToken?: string }): Channel[] {
  const channels: Channel[] = [];
  if (config.smtpUrl) channels.push(smtpChannel(config.smtpUrl, config.mailFrom));
  if (config.smsUrl) channels.push(httpSmsChannel(config.smsUrl, config.smsToken));
  return channels;
}
