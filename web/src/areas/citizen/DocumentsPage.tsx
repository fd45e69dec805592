import { api, type ApplicationSummary, type MyDocument } from '../../api';
import { ErrorNotice, Loading } from '../../components';
import { useLoad, useTitle } from '../../hooks';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { Breadcrumb, CitizenGate, useCitizen } from './shared';

/** My documents: each result document with its PDF, its check page and the application it answered. */
export function DocumentsPage() {
  const { t, fmt, pick } = useI18n();
  const gate = useCitizen();
  useTitle(t('citizen.documents.title'));
  const docs = useLoad((signal) => (gate === 'ok' ? api<{ items: MyDocument[] }>('/api/v1/documents', { signal }) : new Promise<never>(() => {})), [gate]);
  const apps = useLoad((signal) => (gate === 'ok' ? api<{ items: ApplicationSummary[] }>('/api/v1/applications', { signal, query: { limit: 100 } }) : new Promise<never>(() => {})), [gate]);
  const numbers = apps.status === 'ok' ? Object.fromEntries(apps.data.items.map((a) => [a.id, a.number])) : {};

  return (
    <>
      <Breadcrumb trail={[{ to: '/my', label: t('citizen.account.title') }, { label: t('citizen.documents.title') }]} />
      <h1>{t('citizen.documents.title')}</h1>
      {gate !== 'ok' ? (
        <CitizenGate state={gate} next="/my/documents" />
      ) : docs.status === 'loading' ? (
        <Loading />
      ) : docs.status === 'error' ? (
        <ErrorNotice error={docs.error} />
      ) : docs.data.items.length === 0 ? (
        <div className="notice info">
          <p>{t('citizen.documents.none')}</p>
          <p>
            <Link to="/">{t('applications.findService')}</Link>
          </p>
        </div>
      ) : (
        <>
          <p>{t('citizen.documents.intro')}</p>
          <ul className="cards documents-list">
            {docs.data.items.map((d) => {
              const status = d.revoked ? 'revoked' : d.validUntil && d.validUntil < new Date().toISOString().slice(0, 10) ? 'expired' : 'valid';
              return (
                <li key={d.id} className="card">
                  <h2>{pick(d.title)}</h2>
                  <p>
                    <span className={`badge ${status === 'valid' ? 'ok' : 'bad'}`}>{t(`citizen.documents.status.${status}`)}</span>
                  </p>
                  <dl className="facts">
                    <div>
                      <dt>{t('check.issuedAt')}</dt>
                      <dd>{fmt.dateTime(d.issuedAt)}</dd>
                    </div>
                    {d.validUntil && (
                      <div>
                        <dt>{t('check.validUntil')}</dt>
                        <dd>{fmt.day(d.validUntil)}</dd>
                      </div>
                    )}
                    <div>
                      <dt>{t('check.number')}</dt>
                      <dd className="mono">{d.number}</dd>
                    </div>
                    <div>
                      <dt>{t('applications.number')}</dt>
                      <dd>
                        <Link to={`/my/applications/${encodeURIComponent(d.applicationId)}`} className="mono">
                          {numbers[d.applicationId] ?? t('citizen.documents.application')}
                        </Link>
                      </dd>
                    </div>
                  </dl>
                  <ul className="links">
                    <li>
                      <a href={`/api/v1/documents/${encodeURIComponent(d.id)}/pdf`} download>
                        {t('citizen.documents.download', { title: pick(d.title) })}
                      </a>
                    </li>
                    <li>
                      <Link to={`/check?id=${encodeURIComponent(d.id)}`}>{t('citizen.documents.check')}</Link>
                    </li>
                    <li>
                      <a href={d.verifyUrl}>{t('citizen.documents.verifyPage')}</a>
                    </li>
                  </ul>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </>
  );
}
