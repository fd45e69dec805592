import { useEffect, useRef, useState, type ReactNode } from 'react';
import { api, type ApplicationDetail, type ApplicationSummary, type Invoice, type MyDocument, type ServiceDetail, type ServiceSummary } from '../api';
import { ApplicationActionsLazy, SubmittedDataLazy } from '../areas/citizen/lazy';
import { CitizenGate as Gate, useCitizen } from '../areas/citizen/shared';
import { Breadcrumb, ErrorNotice, Fee, Loading, StatusBadge, useLabel } from '../components';
import { useLoad, useTitle } from '../hooks';
import { useI18n } from '../i18n';
import { Link, useRouter } from '../router';
import { useSession } from '../session';

const TERM_NOT_RUNNING = new Set(['awaiting_consent', 'awaiting_payment']);

/** Service titles in the interface language: the applications list names services by code only. */
function useServiceTitles(enabled: boolean): Record<string, ServiceSummary> {
  const { lang } = useI18n();
  const catalog = useLoad((signal) => (enabled ? api<{ items: ServiceSummary[] }>('/api/v1/services', { lang: true, signal }) : Promise.resolve({ items: [] })), [lang, enabled]);
  return catalog.status === 'ok' ? Object.fromEntries(catalog.data.items.map((s) => [s.code, s])) : {};
}

/** The fee invoices by application (the applications' own answers do not carry their payment). */
function useInvoices(enabled: boolean, version: unknown): Record<string, Invoice> {
  const invoices = useLoad((signal) => (enabled ? api<{ items: Invoice[] }>('/api/v1/invoices', { signal }) : Promise.resolve({ items: [] })), [enabled, version]);
  return invoices.status === 'ok' ? Object.fromEntries(invoices.data.items.map((i) => [i.applicationId, i])) : {};
}

/** An application's status, number, dates and fee, as the list and the application's page show them. */
function ApplicationFacts({ application: a, invoice, wide, children }: { application: ApplicationSummary; invoice: Invoice | null | undefined; wide?: boolean; children?: ReactNode }) {
  const { t, fmt } = useI18n();
  const label = useLabel();
  return (
    <>
      <p>
        <StatusBadge status={a.status} /> {a.overdue && <span className="badge bad">{t('applications.overdue')}</span>}
      </p>
      <dl className={wide ? 'facts wide' : 'facts'}>
        <div>
          <dt>{t('applications.number')}</dt>
          <dd className="mono">{a.number}</dd>
        </div>
        <div>
          <dt>{t('applications.submitted')}</dt>
          <dd>{fmt.dateTime(a.submittedAt)}</dd>
        </div>
        {/* the legal term runs only once everyone named has signed and the fee is paid */}
        {!TERM_NOT_RUNNING.has(a.status) && (
          <div>
            <dt>{t('applications.deadline')}</dt>
            <dd>{fmt.day(a.deadline)}</dd>
          </div>
        )}
        {children}
        {invoice && (
          <div>
            <dt>{t('applications.fee')}</dt>
            <dd>
              <Fee amount={invoice.amount} currency={invoice.currency} /> · {label('payment', invoice.status)}
            </dd>
          </div>
        )}
      </dl>
    </>
  );
}

export function ApplicationsPage() {
  const { t } = useI18n();
  const gate = useCitizen();
  useTitle(t('applications.title'));
  const services = useServiceTitles(gate === 'ok');
  const invoices = useInvoices(gate === 'ok', 0);
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
              const invoice = invoices[a.id];
              return (
                <li key={a.id} className="card">
                  <h2>
                    <Link to={`/my/applications/${a.id}`}>
                      <span lang={s?.language}>{s?.title ?? a.serviceTitle ?? a.service}</span>
                    </Link>
                  </h2>
                  {a.party && <p className="muted">{t('applications.party')}</p>}
                  <ApplicationFacts application={a} invoice={invoice} />
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

/** History entries done by another person the application names, not by the applicant ("you"). */
const BY_PARTY = ['consent', 'consent_declined'];

function describe(details: Record<string, unknown>): string | null {
  for (const k of ['message', 'reason', 'note']) if (typeof details[k] === 'string' && details[k]) return details[k] as string;
  return null;
}

export function ApplicationPage({ id }: { id: string }) {
  const { t, fmt, lang, pick } = useI18n();
  const label = useLabel();
  const gate = useCitizen();
  const { me } = useSession();
  const { search, navigate } = useRouter();
  const [version, setVersion] = useState(0);
  const app = useLoad((signal) => (gate === 'ok' ? api<ApplicationDetail>(`/api/v1/applications/${encodeURIComponent(id)}`, { signal }) : new Promise<never>(() => {})), [id, gate, version]);
  // Just submitted (the form sends `?submitted=1`): said once, then the address is the application's own again.
  const [submitted] = useState(() => search.get('submitted') === '1');
  const notice = useRef<HTMLDivElement>(null);
  const loaded = app.status === 'ok';
  useEffect(() => {
    if (!submitted || !loaded) return;
    notice.current?.focus();
    navigate(`/my/applications/${encodeURIComponent(id)}`, { replace: true });
  }, [submitted, loaded, id, navigate]);
  // While the node's own work is under way (the registers asked, the automatic check), the page follows it by itself,
  // for two minutes at most.
  const working = app.status === 'ok' && app.data.status === 'submitted';
  useEffect(() => {
    if (!working) return;
    const until = Date.now() + 120_000;
    const timer = setInterval(() => (Date.now() > until ? clearInterval(timer) : setVersion((v) => v + 1)), 3000);
    return () => clearInterval(timer);
  }, [working]);
  const serviceCode = app.status === 'ok' ? app.data.service : null;
  const service = useLoad((signal) => (serviceCode ? api<ServiceDetail>(`/api/v1/services/${encodeURIComponent(serviceCode)}`, { lang: true, signal }) : Promise.resolve(null)), [serviceCode, lang]);
  const documents = useLoad((signal) => (gate === 'ok' ? api<{ items: MyDocument[] }>('/api/v1/documents', { signal }) : Promise.resolve({ items: [] })), [gate, id, version]);
  const invoices = useInvoices(gate === 'ok', version);
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
  const invoice = invoices[a.id] ?? null;
  const docs = documents.status === 'ok' ? documents.data.items.filter((d) => d.applicationId === a.id) : [];
  const history = [...a.history].sort((x, y) => x.seq - y.seq);
  // named in another person's application (a spouse): they follow it here; only the applicant acts on it
  const party = a.viewer.role === 'party';
  const byWhom = (h: (typeof history)[number]) => {
    const role = BY_PARTY.includes(h.type) ? 'party' : h.actor.role;
    if (!party) return role;
    if (h.actor.accountId && h.actor.accountId === me?.accountId) return 'citizen';
    return role === 'citizen' ? 'applicant' : role;
  };

  return (
    <article className="application">
      <Breadcrumb trail={[{ to: '/my/applications', label: t('applications.title') }, { label: a.number, mono: true }]} />
      <h1>{t('application.title', { number: a.number })}</h1>
      {submitted && (
        <div className="notice ok announced" role="status" tabIndex={-1} ref={notice}>
          <p>
            <strong>{t('application.submittedNotice', { number: a.number })}</strong>
          </p>
          <p>
            {a.status === 'awaiting_consent'
              ? t('application.submittedConsent')
              : a.status === 'awaiting_payment'
                ? t('application.submittedPay')
                : t('application.submittedNext', { date: fmt.day(a.deadline) })}
          </p>
        </div>
      )}
      <p className="lead">
        {s ? (
          <Link to={`/services/${encodeURIComponent(a.service)}`}>
            <span lang={s.language}>{s.title}</span>
          </Link>
        ) : (
          a.service
        )}
      </p>
      <ApplicationFacts application={a} invoice={invoice} wide>
        <div>
          <dt>{t('service.agency')}</dt>
          <dd lang={s?.language}>{s?.agency.name ?? a.agency}</dd>
        </div>
      </ApplicationFacts>

      {party ? (
        <p className="notice info">{t('application.partyNotice', { applicant: a.applicant.name })}</p>
      ) : (
        <ApplicationActionsLazy application={a} invoice={invoice} onChanged={() => setVersion((v) => v + 1)} />
      )}

      {a.status === 'approved' && documents.status === 'ok' && docs.length === 0 && <p className="notice info">{t('application.issuing')}</p>}

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
            const gaps = Array.isArray(h.details.unavailable) ? (h.details.unavailable as { registry: string | null }[]) : [];
            const note = gaps.length ? t('application.evidenceGap', { registries: gaps.map((g) => label('registry', g.registry ?? '')).join(', ') }) : describe(h.details);
            return (
              <li key={h.seq}>
                <time dateTime={h.at}>{fmt.dateTime(h.at)}</time>
                <div>
                  <strong>{label('action', h.type)}</strong> <StatusBadge status={h.status} />
                  <div className="muted">{t('application.by', { actor: label('actor', byWhom(h)) })}</div>
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

      <SubmittedDataLazy application={a} service={s} />
    </article>
  );
}
