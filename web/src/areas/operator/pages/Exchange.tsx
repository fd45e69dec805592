import { api } from '../../../api';
import { Loading, useLabel } from '../../../components';
import { useI18n } from '../../../i18n';
import type { AccessRight, ExchangeClient, ExchangeService, LocalGroup } from '../api';
import { DataTable, JumpLink, OperatorError, OperatorFrame, useReload, type Column } from '../shared';
import { AccessRights } from './AccessRights';
import { MessageLog } from './MessageLog';

export function ExchangePage() {
  const { t } = useI18n();
  return (
    <OperatorFrame title={t('operator.exchange.title')} intro={t('operator.exchange.intro')}>
      {() => <Exchange />}
    </OperatorFrame>
  );
}

function Exchange() {
  const { t } = useI18n();
  const services = useReload((signal) => api<{ items: ExchangeService[] }>('/api/v1/exchange/services', { signal }), []);
  const rights = useReload((signal) => api<{ items: AccessRight[] }>('/api/v1/exchange/access-rights', { signal }), []);
  // for the grant form's suggestions only: a failure leaves the fields without them
  const clients = useReload((signal) => api<{ items: ExchangeClient[] }>('/api/v1/exchange/clients', { signal }), []);
  const groups = useReload((signal) => api<{ items: LocalGroup[] }>('/api/v1/exchange/local-groups', { signal }), []);
  return (
    <>
      <nav aria-label={t('operator.exchange.sections')} className="op-jump">
        <ul>
          <li>
            <JumpLink to="op-services">{t('operator.exchange.servicesTitle')}</JumpLink>
          </li>
          <li>
            <JumpLink to="op-rights">{t('operator.exchange.rightsTitle')}</JumpLink>
          </li>
          <li>
            <JumpLink to="op-log">{t('operator.exchange.logTitle')}</JumpLink>
          </li>
        </ul>
      </nav>
      <ProvidedServices services={services} rights={rights.data?.items} />
      <AccessRights services={services.data?.items ?? []} rights={rights} clients={clients.data?.items ?? []} groups={groups.data?.items ?? []} />
      <MessageLog services={services.data?.items ?? []} />
    </>
  );
}

type Reloadable<T> = ReturnType<typeof useReload<T>>;

function ProvidedServices({ services, rights }: { services: Reloadable<{ items: ExchangeService[] }>; rights: AccessRight[] | undefined }) {
  const { t, fmt } = useI18n();
  const label = useLabel();
  const columns: Column<ExchangeService>[] = [
    { key: 'id', header: t('operator.exchange.serviceId'), rowHeader: true, className: 'op-id', cell: (s) => <code>{s.id}</code> },
    { key: 'registry', header: t('operator.exchange.registry'), cell: (s) => label('registry', s.registry) },
    { key: 'state', header: t('service.state'), cell: (s) => fmt.region(s.state) },
    {
      key: 'subjects',
      header: t('operator.exchange.subjectsCount'),
      numeric: true,
      cell: (s) => (rights ? fmt.number(new Set(rights.filter((r) => r.serviceId === s.id).map((r) => `${r.subjectType} ${r.subject}`)).size) : '…'),
    },
  ];
  return (
    <section aria-labelledby="op-services" className="op-section">
      <h2 id="op-services" tabIndex={-1}>
        {t('operator.exchange.servicesTitle')}
      </h2>
      <p className="hint">{t('operator.exchange.servicesIntro')}</p>
      {services.error !== undefined && <OperatorError error={services.error} />}
      {!services.data && services.loading && <Loading />}
      {services.data &&
        (services.data.items.length === 0 ? (
          <p className="notice info">{t('operator.exchange.noServices')}</p>
        ) : (
          <DataTable caption={t('operator.exchange.servicesTitle')} captionHidden columns={columns} rows={services.data.items} rowKey={(s) => s.id} />
        ))}
    </section>
  );
}
