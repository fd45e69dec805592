import { useId, useMemo } from 'react';
import { api } from '../../../api';
import { Loading } from '../../../components';
import { useLoad } from '../../../hooks';
import { useI18n } from '../../../i18n';
import { useRouter } from '../../../router';
import type { AgencyOfficer, OperatorAgency } from '../api';
import { byStateOrder, DataTable, OperatorError, OperatorFrame, useCodeLabel, type Column } from '../shared';

export function AgenciesPage() {
  const { t } = useI18n();
  return (
    <OperatorFrame title={t('operator.agencies.title')} intro={t('operator.agencies.intro')}>
      {() => <Agencies />}
    </OperatorFrame>
  );
}

function Agencies() {
  const { t, fmt, lang } = useI18n();
  const code = useCodeLabel();
  const { search, navigate, path } = useRouter();
  const ids = useId();
  const agencies = useLoad((signal) => api<{ items: OperatorAgency[] }>('/api/v1/operator/agencies', { signal, lang: true }), [lang]);
  const state = search.get('state') ?? '';
  const states = useMemo(() => (agencies.status === 'ok' ? [...new Set(agencies.data.items.map((a) => a.state))].sort(byStateOrder) : []), [agencies]);

  if (agencies.status === 'loading') return <Loading />;
  if (agencies.status === 'error') return <OperatorError error={agencies.error} />;
  const items = agencies.data.items
    .filter((a) => !state || a.state === state)
    .sort((a, b) => byStateOrder(a.state, b.state) || a.code.localeCompare(b.code));
  const n = fmt.number;
  const totals = {
    officers: items.reduce((s, a) => s + a.officers.length, 0),
    open: items.reduce((s, a) => s + a.openApplications, 0),
    overdue: items.reduce((s, a) => s + a.overdueApplications, 0),
  };

  const officerColumns: Column<AgencyOfficer>[] = [
    { key: 'name', header: t('operator.agencies.officerName'), rowHeader: true, cell: (o) => o.name },
    { key: 'identifier', header: t('operator.agencies.identifier'), cell: (o) => <span className="mono">{o.identifier}</span> },
    {
      key: 'permissions',
      header: t('operator.agencies.permissions'),
      cell: (o) =>
        o.permissions.length === 0 ? (
          <span className="muted">{t('operator.agencies.noPermissions')}</span>
        ) : (
          <ul className="op-tags">
            {o.permissions.map((p) => (
              <li key={p}>{code('operator.permission', p)}</li>
            ))}
          </ul>
        ),
    },
    {
      key: 'active',
      header: t('operator.agencies.account'),
      cell: (o) => <span className={`badge ${o.active ? 'ok' : 'neutral'}`}>{t(o.active ? 'operator.agencies.active' : 'operator.agencies.inactive')}</span>,
    },
    { key: 'assigned', header: t('operator.agencies.assignedOpen'), numeric: true, cell: (o) => n(o.assignedOpen) },
  ];

  return (
    <>
      <div className="op-filters">
        <div className="field">
          <label htmlFor={`${ids}-state`}>{t('operator.catalog.filterState')}</label>
          <select id={`${ids}-state`} value={state} onChange={(e) => navigate(e.target.value ? `${path}?state=${encodeURIComponent(e.target.value)}` : path, { replace: true })}>
            <option value="">{t('operator.catalog.allStates')}</option>
            {states.map((s) => (
              <option key={s} value={s}>
                {fmt.region(s)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p className="muted" role="status">
        {t('operator.agencies.summary', { count: items.length, n: n(items.length), officers: n(totals.officers), open: n(totals.open), overdue: n(totals.overdue) })}
      </p>

      {items.length === 0 ? (
        <p className="notice info">{t('operator.agencies.none')}</p>
      ) : (
        <ul className="cards op-agencies">
          {items.map((a) => (
            <li key={a.code} className="card">
              <section aria-labelledby={`${ids}-${a.code}`}>
                <h2 id={`${ids}-${a.code}`}>{a.name}</h2>
                <dl className="facts">
                  <div>
                    <dt>{t('operator.agencies.code')}</dt>
                    <dd className="mono">{a.code}</dd>
                  </div>
                  <div>
                    <dt>{t('service.state')}</dt>
                    <dd>{fmt.region(a.state)}</dd>
                  </div>
                  <div>
                    <dt>{t('operator.agencies.member')}</dt>
                    <dd className="mono">{a.member}</dd>
                  </div>
                  <div>
                    <dt>{t('operator.agencies.open')}</dt>
                    <dd>{n(a.openApplications)}</dd>
                  </div>
                  <div>
                    <dt>{t('operator.agencies.overdue')}</dt>
                    <dd>
                      {n(a.overdueApplications)}
                      {a.overdueApplications > 0 && <span className="badge bad op-inline">{t('operator.agencies.overdueBadge')}</span>}
                    </dd>
                  </div>
                </dl>
                {a.officers.length === 0 ? (
                  <p className="notice warn">{t('operator.agencies.noOfficers')}</p>
                ) : (
                  <DataTable caption={t('operator.agencies.officersOf', { agency: a.name })} columns={officerColumns} rows={a.officers} rowKey={(o) => o.accountId} />
                )}
              </section>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
