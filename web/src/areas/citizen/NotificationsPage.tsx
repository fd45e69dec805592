import { useEffect } from 'react';
import { api, type Notification } from '../../api';
import { ErrorNotice, Loading, useLabel } from '../../components';
import { useLoad, useTitle } from '../../hooks';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { Breadcrumb, CitizenGate, useCitizen } from './shared';

/** My messages from the node (the inbox every notification is written to, whatever else delivers it), newest first. */
export function NotificationsPage() {
  const { t, fmt } = useI18n();
  const label = useLabel();
  const gate = useCitizen();
  useTitle(t('citizen.notifications.title'));
  const messages = useLoad((signal) => (gate === 'ok' ? api<{ items: Notification[] }>('/api/v1/notifications', { signal, query: { limit: 100 } }) : new Promise<never>(() => {})), [gate]);
  // Shown means read: the messages new on this visit are marked so on the node, and keep their "new" mark here until
  // the page is left. A failure to mark only means they are new again next time.
  const loaded = messages.status === 'ok' ? messages.data.items : null;
  useEffect(() => {
    const unread = loaded?.filter((m) => !m.read).map((m) => m.id) ?? [];
    if (unread.length) void api('/api/v1/notifications/read', { method: 'POST', body: { ids: unread } }).catch(() => {});
  }, [loaded]);

  return (
    <>
      <Breadcrumb trail={[{ to: '/my', label: t('citizen.account.title') }, { label: t('citizen.notifications.title') }]} />
      <h1>{t('citizen.notifications.title')}</h1>
      {gate !== 'ok' ? (
        <CitizenGate state={gate} next="/my/notifications" />
      ) : messages.status === 'loading' ? (
        <Loading />
      ) : messages.status === 'error' ? (
        <ErrorNotice error={messages.error} />
      ) : messages.data.items.length === 0 ? (
        <p className="notice info">{t('citizen.notifications.none')}</p>
      ) : (
        <>
          <p>{t('citizen.notifications.intro')}</p>
          <ol className="messages">
            {messages.data.items.map((m) => (
              <li key={m.id}>
                <article className="card message" aria-labelledby={`msg-${m.id}`}>
                  <h2 id={`msg-${m.id}`}>
                    {m.subject}
                    {!m.read && (
                      <>
                        {' '}
                        <span className="badge info">{t('citizen.notifications.new')}</span>
                      </>
                    )}
                  </h2>
                  <p className="muted">
                    <time dateTime={m.createdAt}>{fmt.dateTime(m.createdAt)}</time>
                    {m.channel && <> · {t('citizen.notifications.via', { channel: label('citizen.notifications.channel', m.channel) })}</>}
                  </p>
                  <p className="note">{m.body}</p>
                  {m.applicationId && (
                    <p>
                      <Link to={`/my/applications/${encodeURIComponent(m.applicationId)}`} aria-describedby={`msg-${m.id}`}>
                        {t('citizen.notifications.open')}
                      </Link>
                    </p>
                  )}
                </article>
              </li>
            ))}
          </ol>
        </>
      )}
    </>
  );
}
