import { randomUUID } from 'node:crypto';
import { isLanguage, pickText, translate } from '../i18n/index.js';
import { type Db, type Tx, type Write, sql, writeTogether } from '../platform/db/index.js';
import { contactOf } from '../identity/index.js';
import { enqueue, jobInsert } from '../platform/jobs.js';
import type { Channel } from './channels.js';

export const DISPATCH_QUEUE = 'notification.dispatch';
export const DELIVER_QUEUE = 'notification.deliver';

export interface Message {
  recipientAccountId: string;
  /** a key under `notifications` in the message files */
  template: string;
  /** values for the template; a map of language → text is rendered in the recipient's language */
  params: Record<string, string | Record<string, string>>;
  applicationId?: string;
}

/**
 * Writes a message to the outbox in the caller's transaction, rendered in the recipient's language, with the job
 * that delivers it: a change and the news of it commit together or not at all.
 */
export async function notify(tx: Tx, message: Message, now: Date): Promise<string> {
  const recipient = await contactOf(tx, message.recipientAccountId);
  if (!recipient) throw new Error(`no account ${message.recipientAccountId} to notify`);
  const { id, writes } = notificationWrites(tx, message, recipient.language, now);
  await writeTogether(tx, writes);
  return id;
}

/**
 * The outbox row of a message rendered in `recipientLanguage` (the recipient's own, when the caller already knows
 * it) and its delivery job, as writes to run together with the change they tell of (writeTogether).
 */
export function notificationWrites(tx: Tx | Db, message: Message, recipientLanguage: string, now: Date): { id: string; writes: Write[] } {
  const language = isLanguage(recipientLanguage) ? recipientLanguage : 'en';
  const params = Object.fromEntries(
    Object.entries(message.params).map(([k, v]) => [k, typeof v === 'string' ? v : pickText(v, language)]),
  );
  const id = randomUUID();
  const row = tx.insertInto('notifications').values({
    id,
    recipient_account_id: message.recipientAccountId,
    template: message.template,
    params: JSON.stringify(message.params),
    language,
    subject: translate(language, `notifications.${message.template}.subject`, params),
    body: translate(language, `notifications.${message.template}.body`, params),
    application_id: message.applicationId ?? null,
    created_at: now,
  });
  return { id, writes: [row, jobInsert(tx, DISPATCH_QUEUE, { notificationId: id }, now, { uniqueKey: `dispatch:${id}` })] };
}

export interface NotificationView {
  id: string;
  template: string;
  subject: string;
  body: string;
  applicationId: string | null;
  createdAt: string;
  deliveredAt: string | null;
  channel: string | null;
  read: boolean;
}

export async function listNotifications(db: Db, accountId: string, limit: number): Promise<NotificationView[]> {
  const rows = await db
    .selectFrom('notifications')
    .selectAll()
    .where('recipient_account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    template: r.template,
    subject: r.subject,
    body: r.body,
    applicationId: r.application_id,
    createdAt: r.created_at.toISOString(),
    deliveredAt: r.delivered_at?.toISOString() ?? null,
    channel: r.channel,
    read: r.read_at !== null,
  }));
}

/**
 * Marks messages of the recipient's as read (those already read keep their first reading's time); ids that are not
 * the recipient's are left alone, as if they did not exist. Returns how many were newly marked.
 */
export async function markNotificationsRead(db: Db, accountId: string, ids: string[], now: Date): Promise<number> {
  const wellFormed = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (wellFormed.length === 0) return 0;
  const result = await db
    .updateTable('notifications')
    .set({ read_at: now })
    .where('recipient_account_id', '=', accountId)
    .where('id', 'in', wellFormed)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Puts a message in the recipient's inbox (the portal's and the API's list, always there; in demo mode the only
 * channel) and starts one delivery job per outside channel the node has and the recipient can be reached on, so
 * that a failing SMS provider does not hold back, or repeat, the e-mail.
 */
export async function dispatchNotification(tx: Tx, channels: Channel[], id: string, now: Date): Promise<void> {
  const message = await tx.selectFrom('notifications').select(['delivered_at', 'recipient_account_id']).where('id', '=', id).executeTakeFirst();
  if (!message) return;
  if (!message.delivered_at) await tx.updateTable('notifications').set({ delivered_at: now, channel: 'inbox' }).where('id', '=', id).execute();
  const contact = await contactOf(tx, message.recipient_account_id);
  for (const channel of channels) {
    if (!(channel.contact === 'email' ? contact?.email : contact?.phone)) continue;
    await enqueue(tx, DELIVER_QUEUE, { notificationId: id, channel: channel.name }, now, { uniqueKey: `deliver:${id}:${channel.name}`, maxAttempts: 8 });
  }
}

/**
 * Sends one message through one channel. A failure throws, and the job runner retries with exponential backoff.
 * It runs outside a transaction (no connection waits on the provider); a crash after the send and before the job
 * is marked done sends it again: outside channels are at-least-once.
 */
export async function deliverNotification(tx: Db | Tx, channels: Channel[], id: string, channelName: string, _now: Date): Promise<void> {
  const channel = channels.find((c) => c.name === channelName);
  if (!channel) return;
  const message = await tx.selectFrom('notifications').select(['subject', 'body', 'language', 'recipient_account_id']).where('id', '=', id).executeTakeFirst();
  if (!message) return;
  const contact = await contactOf(tx, message.recipient_account_id);
  const to = channel.contact === 'email' ? contact?.email : contact?.phone;
  if (!to) return;
  await channel.send({ to, subject: message.subject, body: message.body, language: message.language });
  // Appended in one statement, so two channels finishing at once do not overwrite each other.
  await sql`UPDATE notifications SET channel = CASE WHEN channel IS NULL THEN ${channel.name}
            WHEN ',' || channel || ',' LIKE ${`%,${channel.name},%`} THEN channel ELSE channel || ',' || ${channel.name} END
            WHERE id = ${id}`.execute(tx);
}
