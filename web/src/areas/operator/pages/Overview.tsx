import type { ReactNode } from 'react';
import { api } from '../../../api';
import { Loading } from '../../../components';
import { useLoad, type Loadable } from '../../../hooks';
import { useI18n } from '../../../i18n';
import { Link } from '../../../router';
import { queueWarnings, type AccessRight, type ExchangeClient, type ExchangeService, type NodeHealth, type OperatorAgency, type OperatorCatalog, type OperatorHealth } from '../api';
import { OperatorError, OperatorFrame, useDuration } from '../shared';

function Card<T>({ id, title, to, linkText, state, children }: { id: string; title: string; to: string; linkText: string; state: Loadable<T>; children: (data: T) => ReactNode }) {
  return (
    <section className="card op-card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {state.status === 'loading' && <Loading />}
      {state.status === 'error' && <OperatorError error={state.error} />}
      {state.status === 'ok' && children(state.data)}
      <p className="op-card-link">
        <Link to={to}>{linkText}</Link>
      </p>
    </section>
  );
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function OverviewPage() {
  const { t } = useI18n();
  return (
    <OperatorFrame title={t('operator.overview.title')} intro={t('operator.overview.intro')}>
      {() => <Overview />}
    </OperatorFrame>
  );
}

/** Services some of whose evidence no register on this node gives: each of their applications goes to an officer. */
const gapped = (c: OperatorCatalog) => c.services.filter((s) => s.evidenceUnavailable.length > 0);

function Overview() {
  const { t, fmt, lang } = useI18n();
  const duration = useDuration();
  const node = useLoad((signal) => api<NodeHealth>('/health', { signal }), []);
  const health = useLoad((signal) => api<OperatorHealth>('/api/v1/operator/health', { signal }), []);
  const catalog = useLoad((signal) => api<OperatorCatalog>('/api/v1/operator/catalog', { signal, lang: true }), [lang]);
  const agencies = useLoad((signal) => api<{ items: OperatorAgency[] }>('/api/v1/operator/agencies', { signal, lang: true }), [lang]);
  const exchange = useLoad(
    (signal) =>
      Promise.all([
        api<{ items: ExchangeService[] }>('/api/v1/exchange/services', { signal }),
        api<{ items: AccessRight[] }>('/api/v1/exchange/access-rights', { signal }),
        api<{ items: ExchangeClient[] }>('/api/v1/exchange/clients', { signal }),
      ]).then(([services, rights, clients]) => ({
        services: services.items,
        rights: rights.items,
        clients: clients.items,
      })),
    [],
  );
  const n = fmt.number;

  return (
    <>
      {node.status === 'ok' && (
        <p className="op-node muted">
          {t('operator.overview.node', { version: node.data.version, uptime: duration(node.data.uptimeSeconds) })}
        </p>
      )}
      <div className="op-cards">
        <Card id="op-ov-health" title={t('operator.pages.health')} to="/operator/health" linkText={t('operator.overview.toHealth')} state={health}>
          {(h) => {
            const warned = h.queues.filter((q) => queueWarnings(q).failed || queueWarnings(q).slow);
            return (
              <>
                <p className={`op-status ${h.status === 'ok' ? 'ok' : 'bad'}`}>
                  <span aria-hidden="true">{h.status === 'ok' ? '✓ ' : '⚠ '}</span>
                  {t(`operator.health.status.${h.status}`)}
                </p>
                <dl className="facts">
                  <Fact term={t('operator.health.database')}>{t(`operator.health.db.${h.database.status}`)}</Fact>
                  <Fact term={t('operator.health.queuesTitle')}>{t('operator.overview.queues', { count: h.queues.length, n: n(h.queues.length) })}</Fact>
                  <Fact term={t('operator.overview.warnings')}>
                    {warned.length === 0 ? t('operator.overview.noWarnings') : t('operator.overview.queueWarnings', { count: warned.length, n: n(warned.length) })}
                  </Fact>
                  <Fact term={t('operator.health.federation')}>
                    {h.federation === null ? t('operator.health.noFederation') : h.federation.valid ? t('operator.health.federationValid') : t('operator.health.federationInvalid')}
                  </Fact>
                </dl>
              </>
            );
          }}
        </Card>

        <Card id="op-ov-catalog" title={t('operator.pages.catalog')} to="/operator/catalog" linkText={t('operator.overview.toCatalog')} state={catalog}>
          {(c) => (
            <>
              {c.errors.length > 0 ? (
                <p className="op-status bad">
                  <span aria-hidden="true">⚠ </span>
                  {t('operator.catalog.errorsTitle', { count: c.errors.length, n: n(c.errors.length) })}
                </p>
              ) : (
                <p className="op-status ok">
                  <span aria-hidden="true">✓ </span>
                  {t('operator.catalog.noErrors')}
                </p>
              )}
              <dl className="facts">
                <Fact term={t('operator.catalog.services')}>{n(c.services.length)}</Fact>
                <Fact term={t('operator.catalog.agencies')}>{n(c.agencies.length)}</Fact>
                <Fact term={t('operator.catalog.loadedAt')}>{fmt.dateTime(c.loadedAt)}</Fact>
                <Fact term={t('operator.catalog.evidenceGaps')}>
                  {gapped(c).length === 0 ? t('operator.overview.noWarnings') : gapped(c).map((s) => s.title).join(', ')}
                </Fact>
              </dl>
            </>
          )}
        </Card>

        <Card id="op-ov-agencies" title={t('operator.pages.agencies')} to="/operator/agencies" linkText={t('operator.overview.toAgencies')} state={agencies}>
          {({ items }) => {
            const open = items.reduce((s, a) => s + a.openApplications, 0);
            const overdue = items.reduce((s, a) => s + a.overdueApplications, 0);
            const officers = items.reduce((s, a) => s + a.officers.length, 0);
            return (
              <dl className="facts">
                <Fact term={t('operator.catalog.agencies')}>{n(items.length)}</Fact>
                <Fact term={t('operator.agencies.officers')}>{n(officers)}</Fact>
                <Fact term={t('operator.agencies.open')}>{n(open)}</Fact>
                <Fact term={t('operator.agencies.overdue')}>
                  {n(overdue)}
                  {overdue > 0 && <span className="badge bad op-inline">{t('operator.agencies.overdueBadge')}</span>}
                </Fact>
              </dl>
            );
          }}
        </Card>

        <Card id="op-ov-exchange" title={t('operator.pages.exchange')} to="/operator/exchange" linkText={t('operator.overview.toExchange')} state={exchange}>
          {(x) => (
            <dl className="facts">
              <Fact term={t('operator.exchange.servicesCount')}>{n(x.services.length)}</Fact>
              <Fact term={t('operator.exchange.rightsCount')}>{n(x.rights.length)}</Fact>
              <Fact term={t('operator.exchange.subjectsCount')}>{n(new Set(x.rights.map((r) => `${r.subjectType} ${r.subject}`)).size)}</Fact>
              <Fact term={t('operator.exchange.clientsRegistered')}>{n(x.clients.length)}</Fact>
            </dl>
          )}
        </Card>
      </div>
    </>
  );
}
