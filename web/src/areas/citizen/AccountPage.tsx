import { api, type ConsentRequest, type DataAccess, type MyDocument, type Notification, type Offer } from '../../api';
import { useLoad, useTitle } from '../../hooks';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { useSession } from '../../session';
import { CitizenGate, useCitizen } from './shared';

const never = () => new Promise<never>(() => {});

/** My account: a small hub, so that the main menu stays short on a phone. */
export function AccountPage() {
  const { t, fmt } = useI18n();
  const gate = useCitizen();
  const { me } = useSession();
  useTitle(t('citizen.account.title'));
  const ok = gate === 'ok';
  const docs = useLoad((signal) => (ok ? api<{ items: MyDocument[] }>('/api/v1/documents', { signal }) : never()), [ok]);
  const messages = useLoad((signal) => (ok ? api<{ items: Notification[] }>('/api/v1/notifications', { signal, query: { limit: 200 } }) : never()), [ok]);
  const offers = useLoad((signal) => (ok ? api<{ items: Offer[] }>('/api/v1/me/offers', { signal }) : never()), [ok]);
  const consents = useLoad((signal) => (ok ? api<{ items: ConsentRequest[] }>('/api/v1/me/consents', { signal }) : never()), [ok]);
  const access = useLoad((signal) => (ok ? api<{ items: DataAccess[] }>('/api/v1/me/data-access', { signal, query: { limit: 500 } }) : never()), [ok]);

  const count = (key: string, n: number | null) => (n === null ? null : t(key, { count: n, n: fmt.number(n) }));
  const entries = [
    { to: '/my/applications', title: t('nav.myApplications'), text: t('citizen.account.applications'), count: null },
    {
      to: '/my/consents',
      title: t('citizen.consents.title'),
      text: t('citizen.account.consents'),
      count: count('citizen.account.consentsCount', consents.status === 'ok' ? consents.data.items.filter((c) => c.status === 'pending').length : null),
    },
    { to: '/my/documents', title: t('citizen.documents.title'), text: t('citizen.account.documents'), count: count('citizen.account.documentsCount', docs.status === 'ok' ? docs.data.items.length : null) },
    { to: '/my/notifications', title: t('citizen.notifications.title'), text: t('citizen.account.notifications'), count: count('citizen.account.messagesCount', messages.status === 'ok' ? messages.data.items.length : null) },
    { to: '/my/offers', title: t('citizen.offers.title'), text: t('citizen.account.offers'), count: count('citizen.account.offersCount', offers.status === 'ok' ? offers.data.items.filter((o) => o.status === 'offered').length : null) },
    {
      to: '/my/data-access',
      title: t('citizen.dataAccess.title'),
      text: t('citizen.account.dataAccess'),
      count: count('citizen.account.queriesCount', access.status === 'ok' ? new Set(access.data.items.map((i) => i.requestId)).size : null),
    },
  ];

  return (
    <>
      <h1>{t('citizen.account.title')}</h1>
      {!ok ? (
        <CitizenGate state={gate} next="/my" />
      ) : (
        <>
          {me && <p className="lead">{t('citizen.account.intro', { name: me.name })}</p>}
          <ul className="cards hub">
            {entries.map((e) => (
              <li key={e.to} className="card">
                <h2>
                  <Link to={e.to}>{e.title}</Link>
                </h2>
                <p>{e.text}</p>
                {e.count && <p className="muted">{e.count}</p>}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
