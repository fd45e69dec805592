import { randomUUID } from 'node:crypto';
import { isLanguage, pickText, translate } from '../i18n/index.js';
import type { Db, Tx } from '../platform/db/index.js';
import { enqueue } from '../platform/jobs.js';

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
  const recipient = await tx
    .selectFrom('accounts')
    .innerJoin('persons', 'persons.id', 'accounts.person_id')
    .select(['persons.language'])
    .where('accounts.id', '=', message.recipientAccountId)
    .executeTakeFirstOrThrow();
  const language = isLanguage(recipient.language) ? recipient.language : 'en';
  const params = Object.fromEntries(
    Object.entries(message.params).map(([k, v]) => [k, typeof v === 'string' ? v : pickText(v, language)]),
  );
  const id = randomUUID();
  await tx
    .insertInto('notifications')
    .values({
      id,
      recipient_account_id: message.recipientAccountId,
      template: message.template,
      params: JSON.stringify(message.params),
      language,
      subject: translate(language, `notifications.${message.template}.subject`, params),
      body: translate(language, `notifications.${message.template}.body`, params),
      application_id: message.applicationId ?? null,
      created_at: now,
    })
    .execute();
  await enqueue(tx, DELIVER_QUEUE, { notificationId: id }, now, { uniqueKey: `deliver:${id}` });
  return id;
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
 * Delivers one message. The inbox channel (the node's own list, readable in the portal and through the API) is
 * always there; e-mail and SMS channels plug in here.
 */
export async function deliverNotification(tx: Tx, id: string, now: Date): Promise<void> {
  await tx.updateTable('notifications').set({ delivered_at: now, channel: 'inbox' }).where('id', '=', id).where('delivered_at', 'is', null).execute();
}
