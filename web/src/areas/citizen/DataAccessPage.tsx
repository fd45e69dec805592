import { useId, useMemo } from 'react';
import { api, type ApplicationSummary, type DataAccess, type ServiceSummary } from '../../api';
import { ErrorNotice, Loading, useLabel } from '../../components';
import { useLoad, useTitle } from '../../hooks';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { useSession } from '../../session';
import { Breadcrumb, CitizenGate, useCitizen } from './shared';

/** One query of a register: the log has a row for its user and one for its subject; both may be me. */
interface Query {
  requestId: string;
  at: string;
  client: string;
  service: string;
  user: string | null;
  /** the system that said I was its user (the X-Road-UserId header is its word, not the node's) */
  assertedBy: string | null;
  issue: string | null;
  aboutMe: boolean;
  byMe: boolean;
}

function group(items: DataAccess[]): Query[] {
  const byId = new Map<string, Query>();
  for (const i of items) {
    const q = byId.get(i.requestId) ?? { requestId: i.requestId, at: i.at, client: i.client, service: i.service, user: i.user, assertedBy: null, issue: i.issue, aboutMe: false, byMe: false };
    if (i.role === 'subject') q.aboutMe = true;
    if (i.role === 'user') {
      q.byMe = true;
      q.assertedBy = i.assertedBy ?? null;
    }
    if (i.at > q.at) q.at = i.at;
    byId.set(i.requestId, q);
  }
  return [...byId.values()].sort((a, b) => b.at.localeCompare(a.at));
}

/** The register's name from its exchange service id (KZ/GOV/MVD/REGISTRIES/population → population). */
const registryOf = (service: string) => service.split('/').at(-1) ?? service;

/** Who looked at my data: every query of a register that named me, as its user or as its subject. */
export function DataAccessPage() {
  const { t, fmt, lang } = useI18n();
  const label = useLabel();
  const gate = useCitizen();
  const { me } = useSession();
  const ids = useId();
  useTitle(t('citizen.dataAccess.title'));
  const log = useLoad((signal) => (gate === 'ok' ? api<{ items: DataAccess[] }>('/api/v1/me/data-access', { signal, query: { limit: 500 } }) : new Promise<never>(() => {})), [gate]);
  const apps = useLoad((signal) => (gate === 'ok' ? api<{ items: ApplicationSummary[] }>('/api/v1/applications', { signal, query: { limit: 100 } }) : new Promise<never>(() => {})), [gate]);
  const catalog = useLoad((signal) => api<{ items: ServiceSummary[] }>('/api/v1/services', { lang: true, signal }), [lang]);
  const queries = useMemo(() => (log.status === 'ok' ? group(log.data.items) : []), [log]);
  const services = catalog.status === 'ok' ? Object.fromEntries(catalog.data.items.map((s) => [s.code, s])) : {};
  const byNumber = apps.status === 'ok' ? Object.fromEntries(apps.data.items.map((a) => [a.number, a])) : {};
  const myId = me ? `${me.state}${me.identifier}` : null;

  /** Why: the application it was for (a link), or the form it pre-filled; the agency that asked for it. */
  const purpose = (q: Query) => {
    if (q.issue?.startsWith('prefill:')) {
      const s = services[q.issue.slice('prefill:'.length)];
      return { text: t('citizen.dataAccess.prefill', { service: s?.title ?? q.issue.slice(8) }), agency: s?.agency.name, link: null as string | null, lang: s?.language };
    }
    const app = q.issue ? byNumber[q.issue] : undefined;
    if (app) {
      const s = services[app.service];
      return { text: t('citizen.dataAccess.application', { number: app.number, service: s?.title ?? app.service }), agency: s?.agency.name, link: `/my/applications/${encodeURIComponent(app.id)}`, lang: undefined };
    }
    return { text: q.issue ?? t('citizen.dataAccess.noPurpose'), agency: undefined, link: null, lang: undefined };
  };

  return (
    <>
      <Breadcrumb trail={[{ to: '/my', label: t('citizen.account.title') }, { label: t('citizen.dataAccess.title') }]} />
      <h1>{t('citizen.dataAccess.title')}</h1>
      <p>{t('citizen.dataAccess.intro')}</p>
      {gate !== 'ok' ? (
        <CitizenGate state={gate} next="/my/data-access" />
      ) : log.status === 'loading' ? (
        <Loading />
      ) : log.status === 'error' ? (
        <ErrorNotice error={log.error} />
      ) : queries.length === 0 ? (
        <p className="notice info">{t('citizen.dataAccess.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="stack">
            <caption id={`${ids}-caption`}>{t('citizen.dataAccess.caption', { count: queries.length, n: fmt.number(queries.length) })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('citizen.dataAccess.when')}</th>
                <th scope="col">{t('citizen.dataAccess.who')}</th>
                <th scope="col">{t('citizen.dataAccess.register')}</th>
                <th scope="col">{t('citizen.dataAccess.why')}</th>
              </tr>
            </thead>
            <tbody>
              {queries.map((q) => {
                const p = purpose(q);
                return (
                  <tr key={q.requestId}>
                    <th scope="row" data-label={t('citizen.dataAccess.when')}>
                      <time dateTime={q.at}>{fmt.dateTime(q.at)}</time>
                    </th>
                    <td data-label={t('citizen.dataAccess.who')}>
                      {p.agency && <div>{p.agency}</div>}
                      <div className="mono small-text">{q.client}</div>
                      <div className="muted">
                        {q.user === null
                          ? t('citizen.dataAccess.noUser')
                          : q.byMe || q.user === myId
                            ? q.assertedBy
                              ? t('citizen.dataAccess.forYouAsserted', { system: q.assertedBy })
                              : t('citizen.dataAccess.forYou')
                            : t('citizen.dataAccess.forUser', { user: q.user })}
                      </div>
                    </td>
                    <td data-label={t('citizen.dataAccess.register')}>
                      <div>{label('registry', registryOf(q.service))}</div>
                      <div className="mono small-text">{q.service}</div>
                      {q.aboutMe && <span className="badge info">{t('citizen.dataAccess.aboutYou')}</span>}
                    </td>
                    <td data-label={t('citizen.dataAccess.why')}>{p.link ? <Link to={p.link}>{p.text}</Link> : <span lang={p.lang}>{p.text}</span>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
