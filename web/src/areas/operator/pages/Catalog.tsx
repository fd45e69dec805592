import { useId, useMemo } from 'react';
import { api } from '../../../api';
import { Deadline, Fee, Loading, useLabel } from '../../../components';
import { useLoad } from '../../../hooks';
import { useI18n } from '../../../i18n';
import { Link, useRouter } from '../../../router';
import type { OperatorCatalog, OperatorCatalogAgency, OperatorCatalogService } from '../api';
import { byStateOrder, DataTable, OperatorError, OperatorFrame, type Column } from '../shared';

export function CatalogPage() {
  const { t } = useI18n();
  return (
    <OperatorFrame title={t('operator.catalog.title')} intro={t('operator.catalog.intro')}>
      {() => <Catalog />}
    </OperatorFrame>
  );
}

function Catalog() {
  const { t, fmt, lang } = useI18n();
  const label = useLabel();
  const { search, navigate, path } = useRouter();
  const ids = useId();
  const catalog = useLoad((signal) => api<OperatorCatalog>('/api/v1/operator/catalog', { signal, lang: true }), [lang]);
  const state = search.get('state') ?? '';

  const groups = useMemo(() => {
    if (catalog.status !== 'ok') return [];
    const { services, agencies } = catalog.data;
    const states = [...new Set([...services.map((s) => s.state), ...agencies.map((a) => a.state)])].sort(byStateOrder);
    return states.map((st) => ({
      state: st,
      services: services.filter((s) => s.state === st).sort((a, b) => a.code.localeCompare(b.code)),
      agencies: agencies.filter((a) => a.state === st).sort((a, b) => a.code.localeCompare(b.code)),
    }));
  }, [catalog]);

  if (catalog.status === 'loading') return <Loading />;
  if (catalog.status === 'error') return <OperatorError error={catalog.error} />;
  const c = catalog.data;
  const agencyName = new Map(c.agencies.map((a) => [a.code, a.name]));
  const shown = state ? groups.filter((g) => g.state === state) : groups;

  const serviceColumns: Column<OperatorCatalogService>[] = [
    {
      key: 'title',
      header: t('operator.catalog.service'),
      rowHeader: true,
      cell: (s) => (
        <>
          <Link to={`/services/${encodeURIComponent(s.code)}`}>{s.title}</Link>
          <span className="op-code mono">{s.code}</span>
        </>
      ),
    },
    { key: 'version', header: t('operator.catalog.version'), numeric: true, cell: (s) => fmt.number(s.version) },
    { key: 'agency', header: t('service.agency'), cell: (s) => agencyName.get(s.agency) ?? <span className="mono">{s.agency}</span> },
    { key: 'category', header: t('service.category'), cell: (s) => label('category', s.category) },
    { key: 'fee', header: t('service.fee'), cell: (s) => <Fee {...s.fee} /> },
    { key: 'deadline', header: t('service.deadline'), cell: (s) => <Deadline {...s.deadline} /> },
    { key: 'steps', header: t('operator.catalog.steps'), numeric: true, cell: (s) => fmt.number(s.steps) },
    { key: 'file', header: t('operator.catalog.file'), className: 'op-file', cell: (s) => <code>{s.file}</code> },
  ];
  const agencyColumns: Column<OperatorCatalogAgency>[] = [
    { key: 'name', header: t('operator.agencies.name'), rowHeader: true, cell: (a) => a.name },
    { key: 'code', header: t('operator.agencies.code'), cell: (a) => <code>{a.code}</code> },
    { key: 'member', header: t('operator.agencies.member'), cell: (a) => <code>{a.member}</code> },
  ];

  return (
    <>
      <p className="muted">{t('operator.catalog.loaded', { at: fmt.dateTime(c.loadedAt), services: fmt.number(c.services.length), agencies: fmt.number(c.agencies.length) })}</p>

      {c.errors.length > 0 ? (
        <section className="notice error op-errors" aria-labelledby={`${ids}-errors`}>
          <h2 id={`${ids}-errors`}>{t('operator.catalog.errorsTitle', { count: c.errors.length, n: fmt.number(c.errors.length) })}</h2>
          <p>{t('operator.catalog.errorsIntro')}</p>
          <ul>
            {c.errors.map((e, i) => (
              <li key={i}>
                <code>{e}</code>
              </li>
            ))}
          </ul>
        </section>
      ) : (
        <p className="notice ok">
          <span aria-hidden="true">✓ </span>
          {t('operator.catalog.noErrors')}
        </p>
      )}

      <div className="op-filters">
        <div className="field">
          <label htmlFor={`${ids}-state`}>{t('operator.catalog.filterState')}</label>
          <select id={`${ids}-state`} value={state} onChange={(e) => navigate(e.target.value ? `${path}?state=${encodeURIComponent(e.target.value)}` : path, { replace: true })}>
            <option value="">{t('operator.catalog.allStates')}</option>
            {groups.map((g) => (
              <option key={g.state} value={g.state}>
                {t('operator.catalog.stateOption', { state: fmt.region(g.state), count: g.services.length, n: fmt.number(g.services.length) })}
              </option>
            ))}
          </select>
        </div>
      </div>

      {shown.length === 0 ? (
        <p className="notice info">{t('operator.catalog.none')}</p>
      ) : (
        shown.map((g) => (
          <section key={g.state} className="op-group" aria-labelledby={`${ids}-${g.state}`}>
            <h2 id={`${ids}-${g.state}`}>{fmt.region(g.state)}</h2>
            {g.services.length === 0 ? (
              <p>{t('operator.catalog.noServices')}</p>
            ) : (
              <DataTable
                caption={t('operator.catalog.servicesOf', { state: fmt.region(g.state), count: g.services.length, n: fmt.number(g.services.length) })}
                columns={serviceColumns}
                rows={g.services}
                rowKey={(s) => `${s.code}@${s.version}`}
              />
            )}
            {g.agencies.length > 0 && (
              <DataTable caption={t('operator.catalog.agenciesOf', { state: fmt.region(g.state), count: g.agencies.length, n: fmt.number(g.agencies.length) })} columns={agencyColumns} rows={g.agencies} rowKey={(a) => a.code} />
            )}
          </section>
        ))
      )}
    </>
  );
}
