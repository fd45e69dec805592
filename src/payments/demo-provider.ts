import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The demo payment provider: a card payment that succeeds or fails, and a webhook to the node signed the way
 * real providers sign theirs (HMAC-SHA256 over "timestamp.body", header `Ortak-Signature: t=…,v1=…`).
 */
export const DEMO_PROVIDER = 'demo';
export const WEBHOOK_PATH = '/api/v1/payments/webhooks/demo';
export const SIGNATURE_HEADER = 'ortak-signature';
const TOLERANCE_SECONDS = 300;

export interface PaymentEvent {
  type: 'payment.succeeded' | 'payment.failed';
  attemptId: string;
  invoiceId: string;
  amount: number;
  currency: string;
  providerRef: string;
  reason?: string;
}

/** Cards the demo provider declines, as test card numbers do with real providers. */
const DECLINED = new Set(['4000000000000002', '4000000000009995']);

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** What the provider decides about a card: paid, or declined with a reason code (as a card processor gives one). */
export function chargeCard(cardNumber: string): { ok: true } | { ok: false; reason: string } {
  const digits = cardNumber.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(digits) || !luhnValid(digits)) return { ok: false, reason: 'invalid_card_number' };
  if (DECLINED.has(digits)) return { ok: false, reason: 'card_declined' };
  return { ok: true };
}

export function providerReference(prefix: 'pay' | 'rf'): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

export function signWebhook(body: string, secret: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

/** True when the signature is ours, over exactly this body, and fresh (against replays of old events). */
export function verifyWebhook(body: string, header: string | undefined, secret: string, now: Date): boolean {
  if (!header) return false;
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=') as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(parts.v1 ?? '')) return false;
  if (Math.abs(now.getTime() / 1000 - t) > TOLERANCE_SECONDS) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(parts.v1, 'hex'));
}
