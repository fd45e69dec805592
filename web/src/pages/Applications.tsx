import { useEffect, useState } from 'react';
import { api, type ApplicationDetail, type ApplicationSummary, type MyDocument, type ServiceDetail, type ServiceSummary } from '../api';
import { ErrorNotice, Fee, Loading, StatusBadge, useLabel } from '../components';
import { useLoad, useTitle } from '../hooks';
import { useI18n } from '../i18n';
import { Link } from '../router';
import { useSession } from '../session';

/** Sign-in first; citizens only. */
function useCitizen(): 'wait' | 'signin' | 'forbidden' | 'ok' {
  const { me } = useSession();
  if (me === undefined) return 'wait';
  if (me === null) return 'signin';
  return me.role === 'citizen' ? 'ok' : 'forbidden';
}

function Gate({ state, next }: { state: ReturnType<typeof useCitizen>; next: string }) {
  const { t } = useI18n();
  if (state === 'wait') return <Loading />;
  if (state === 'forbidden') return <p className="notice info">{t('applications.citizensOnly')}</p>;
  return (
    <div className="notice info">
      <p>{t('applications.signInFirst')}</p>
      <p>
        <Link className="button" to={`/signin?next=${encodeURIComponent(next)}`}>
          {t('layout.signIn')}
        </Link>
      </p>
    </div>
  );
}

/** Service titles in the interface language: the applications list names services by code only. */
function useServiceTitles(enabled: boolean): Record<string, ServiceSummary> {
  const { lang } = useI18n();
  const catalog = useLoad((signal) => (enabled ? api<{ items: ServiceSummary[] }>('/api/v1/services', { lang: true, signal }) : Promise.resolve({ items: [] })), [lang, enabled]);
  return catalog.status === 'ok' ? Object.fromEntries(catalog.data.items.map((s) => [s.code, s])) : {};
}

export function ApplicationsPage() {
  const { t, fmt } = useI18n();
  const label = useLabel();
  const gate = useCitizen();
  useTitle(t('applications.title'));
  const services = useServiceTitles(gate === 'ok');
  const [pages, setPages] = useState<{ items: ApplicationSummary[]; nextCursor?: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [more, setMore] = useState(false);

  useEffect(() => {
    if (gate !== 'ok') return;
    const controller = new AbortController();
    api<{ items: ApplicationSummary[]; nextCursor?: string }>('/api/v1/applications', { signal: controller.signal, query: { limit: 20 } }).then(setPages, (e: unknown) => !controller.signal.aborted && setError(e));
    return () => controller.abort();
  }, [gate]);

  const loadMore = async () => {
    if (!pages?.nextCursor) return;
    setMore(true);
    try {
      const next = await api<{ items: ApplicationSummary[]; nextCursor?: string }>('/api/v1/applications', { query: { limit: 20, cursor: pages.nextCursor } });
      setPages({ items: [...pages.items, ...next.items], nextCursor: next.nextCursor });
    } catch (e) {
      setError(e);
    } finally {
      setMore(false);
    }
  };

  return (
    <>
      <h1>{t('applications.title')}</h1>
      {gate !== 'ok' ? (
        <Gate state={gate} next="/my/applications" />
      ) : error ? (
        <ErrorNotice error={error} />
      ) : !pages ? (
        <Loading />
      ) : pages.items.length === 0 ? (
        <div className="notice info">
          <p>{t('applications.none')}</p>
          <p>
            <Link to="/">{t('applications.findService')}</Link>
          </p>
        </div>
      ) : (
        <>
          <ul className="cards applications">
            {pages.items.map((a) => {
              const s = services[a.service];
              return (
                <li key={a.id} className="card">
                  <h2>
                    <Link to={`/my/applications/${a.id}`}>
                      <span lang={s?.language}>{s?.title ?? a.service}</span>
                    </Link>
                  </h2>
                  <p>
                    <StatusBadge status={a.status} /> {a.overdue && <span className="badge bad">{t('applications.overdue')}</span>}
                  </p>
                  <dl className="facts">
                    <div>
                      <dt>{t('applications.number')}</dt>
                      <dd className="mono">{a.number}</dd>
                    </div>
                    <div>
                      <dt>{t('applications.submitted')}</dt>
                      <dd>{fmt.dateTime(a.submittedAt)}</dd>
                    </div>
                    <div>
                      <dt>{t('applications.deadline')}</dt>
                      <dd>{fmt.day(a.deadline)}</dd>
                    </div>
                    {a.payment && (
                      <div>
                        <dt>{t('applications.fee')}</dt>
                        <dd>
                          <Fee amount={a.payment.amount} currency={a.payment.currency} /> · {label('payment', a.payment.status)}
                        </dd>
                      </div>
                    )}
                  </dl>
                </li>
              );
            })}
          </ul>
          {pages.nextCursor && (
            <button type="button" className="secondary" onClick={() => void loadMore()} disabled={more}>
              {t('applications.more')}
            </button>
          )}
        </>
      )}
    </>
  );
}

function describe(details: Record<string, unknown>): string | null {
  for (const k of ['message', 'reason', 'note']) if (typeof details[k] === 'string' && details[k]) return details[k] as string;
  return null;
}

export function ApplicationPage({ id }: { id: string }) {
  const { t, fmt, lang, pick } = useI18n();
  const label = useLabel();
  const gate = useCitizen();
  const app = useLoad((signal) => (gate === 'ok' ? api<ApplicationDetail>(`/api/v1/applications/${encodeURIComponent(id)}`, { signal }) : new Promise<never>(() => {})), [id, gate]);
  const serviceCode = app.status === 'ok' ? app.data.service : null;
  const service = useLoad((signal) => (serviceCode ? api<ServiceDetail>(`/api/v1/services/${encodeURIComponent(serviceCode)}`, { lang: true, signal }) : Promise.resolve(null)), [serviceCode, lang]);
  const documents = useLoad((signal) => (gate === 'ok' ? api<{ items: MyDocument[] }>('/api/v1/documents', { signal }) : Promise.resolve({ items: [] })), [gate, id]);
  const s = service.status === 'ok' ? service.data : null;
  useTitle(app.status === 'ok' ? t('application.title', { number: app.data.number }) : t('applications.title'));

  if (gate !== 'ok') return (
    <>
      <h1>{t('applications.title')}</h1>
      <Gate state={gate} next={`/my/applications/${id}`} />
    </>
  );
  if (app.status === 'loading') return <Loading />;
  if (app.status === 'error')
    return (
      <>
        <h1>{t('applications.title')}</h1>
        <ErrorNotice error={app.error} />
      </>
    );
  const a = app.data;
  const docs = documents.status === 'ok' ? documents.data.items.filter((d) => d.applicationId === a.id) : [];
  const fields = s?.form.schema.properties ?? {};
  const valueText = (key: string, value: unknown): string => {
    if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
    const enumLabels = fields[key]?.['x-enum-labels'];
    if (typeof value === 'string' && enumLabels?.[value]) return pick(enumLabels[value]);
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  };
  const history = [...a.history].sort((x, y) => x.seq - y.seq);

  return (
    <article className="application">
      <nav aria-label={t('service.breadcrumb')} className="breadcrumb">
        <ol>
          <li>
            <Link to="/my/applications">{t('applications.title')}</Link>
          </li>
          <li aria-current="page" className="mono">
            {a.number}
          </li>
        </ol>
      </nav>
      <h1>{t('application.title', { number: a.number })}</h1>
      <p className="lead">
        {s ? (
          <Link to={`/services/${encodeURIComponent(a.service)}`}>
            <span lang={s.language}>{s.title}</span>
          </Link>
        ) : (
          a.service
        )}
      </p>
      <p>
        <StatusBadge status={a.status} /> {a.overdue && <span className="badge bad">{t('applications.overdue')}</span>}
      </p>
      <dl className="facts wide">
        <div>
          <dt>{t('applications.number')}</dt>
          <dd className="mono">{a.number}</dd>
        </div>
        <div>
          <dt>{t('applications.submitted')}</dt>
          <dd>{fmt.dateTime(a.submittedAt)}</dd>
        </div>
        <div>
          <dt>{t('applications.deadline')}</dt>
          <dd>{fmt.day(a.deadline)}</dd>
        </div>
        <div>
          <dt>{t('service.agency')}</dt>
          <dd lang={s?.language}>{s?.agency.name ?? a.agency}</dd>
        </div>
        {a.payment && (
          <div>
            <dt>{t('applications.fee')}</dt>
            <dd>
              <Fee amount={a.payment.amount} currency={a.payment.currency} /> · {label('payment', a.payment.status)}
            </dd>
          </div>
        )}
      </dl>

      {docs.length > 0 && (
        <section aria-labelledby="docs">
          <h2 id="docs">{t('application.documents')}</h2>
          <ul className="documents">
            {docs.map((d) => (
              <li key={d.id}>
                <strong>{pick(d.title)}</strong> — {fmt.dateTime(d.issuedAt)}
                {d.revoked && <span className="badge bad">{t('check.revoked')}</span>}{' '}
                <a href={`/api/v1/documents/${encodeURIComponent(d.id)}/pdf`} download>
                  {t('application.download')}
                </a>{' '}
                · <Link to={`/check?id=${encodeURIComponent(d.id)}`}>{t('application.verify')}</Link>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section aria-labelledby="timeline">
        <h2 id="timeline">{t('application.timeline')}</h2>
        <ol className="timeline">
          {history.map((h) => {
            const note = describe(h.details);
            return (
              <li key={h.seq}>
                <time dateTime={h.at}>{fmt.dateTime(h.at)}</time>
                <div>
                  <strong>{label('action', h.type)}</strong> <StatusBadge status={h.status} />
                  <div className="muted">{t('application.by', { actor: label('actor', h.actor.role) })}</div>
                  {note && <p className="note">{note}</p>}
                </div>
              </li>
            );
          })}
        </ol>
      </section>

      {a.evidence.length > 0 && (
        <section aria-labelledby="fetched">
          <h2 id="fetched">{t('application.evidence')}</h2>
          <ul className="evidence">
            {a.evidence.map((e) => (
              <li key={e.key}>
                <span lang={s?.language}>{s?.evidence.find((x) => x.key === e.key)?.title ?? e.key}</span>{' '}
                <span className="muted">
                  — {t('service.fromRegistry', { registry: label('registry', e.registry) })}, {label('evidenceStatus', e.status)}, {fmt.dateTime(e.fetchedAt)}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}

      {Object.keys(a.data).length > 0 && (
        <section aria-labelledby="submitted">
          <h2 id="submitted">{t('application.submittedData')}</h2>
          <dl className="facts wide">
            {Object.entries(a.data).map(([k, v]) => (
              <div key={k}>
                <dt>{pick(fields[k]?.['x-labels']) || k}</dt>
                <dd>{valueText(k, v)}</dd>
              </div>
            ))}
          </dl>
        </section>
      )}
    </article>
  );
}
