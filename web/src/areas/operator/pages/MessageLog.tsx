// The exchange gateway's message log, on /operator/exchange: filters (request ID, a client or a member's subsystems,
// a service, errors only) kept in the page's address so that a reload or a shared link shows the same messages, and
// paging (newest first, by the `before` cursor) within them.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { api } from '../../../api';
import { Loading } from '../../../components';
import { useI18n } from '../../../i18n';
import { useRouter } from '../../../router';
import type { ExchangeService, MessageLogEntry } from '../api';
import { DataTable, OperatorError, useReload, type Column } from '../shared';

const PAGE_SIZES = [25, 50, 100];
const DEFAULT_LIMIT = PAGE_SIZES[0];

/** The filters of the log, as the page's address holds them (the same names as the API's query parameters). */
interface LogFilters {
  requestId: string;
  client: string;
  service: string;
  errors: boolean;
}

const NO_FILTERS: LogFilters = { requestId: '', client: '', service: '', errors: false };

function readFilters(search: URLSearchParams): LogFilters & { limit: number } {
  const limit = Number(search.get('limit'));
  return {
    requestId: (search.get('requestId') ?? '').trim().slice(0, 64),
    client: (search.get('client') ?? '').trim().slice(0, 500),
    service: (search.get('service') ?? '').trim().slice(0, 500),
    errors: search.get('errors') === 'true',
    limit: PAGE_SIZES.includes(limit) ? limit : DEFAULT_LIMIT,
  };
}

/** The address of this page with these filters; the page's other query parameters stay as they are. */
function withFilters(path: string, search: URLSearchParams, f: LogFilters & { limit: number }): string {
  const next = new URLSearchParams(search);
  const set = (name: string, value: string) => (value ? next.set(name, value) : next.delete(name));
  set('requestId', f.requestId.trim());
  set('client', f.client.trim());
  set('service', f.service.trim());
  set('errors', f.errors ? 'true' : '');
  set('limit', f.limit === DEFAULT_LIMIT ? '' : String(f.limit));
  const qs = next.toString();
  return qs ? `${path}?${qs}` : path;
}

const isFiltered = (f: LogFilters) => Boolean(f.requestId || f.client || f.service || f.errors);

export function MessageLog({ services }: { services: ExchangeService[] }) {
  const { t, fmt } = useI18n();
  const ids = useId();
  const { path, search, navigate } = useRouter();
  const applied = readFilters(search);
  const key = JSON.stringify(applied);
  const filtered = isFiltered(applied);

  // What the fields hold until "Show": they follow the address (a reload, Back, a shared link, "Clear filters"), but
  // a new page size keeps what is typed.
  const [draft, setDraft] = useState<LogFilters>(applied);
  const filterKey = JSON.stringify({ ...applied, limit: undefined });
  useEffect(() => setDraft(applied), [filterKey]); // eslint-disable-line react-hooks/exhaustive-deps

  // The `before` cursors of the pages seen, newest first; they belong to one set of filters and restart with another.
  const [paging, setPaging] = useState<{ key: string; cursors: (number | undefined)[] }>({ key, cursors: [undefined] });
  const cursors = paging.key === key ? paging.cursors : [undefined];
  const before = cursors[cursors.length - 1];

  const log = useReload(
    (signal) =>
      api<{ items: MessageLogEntry[] }>('/api/v1/exchange/message-log', {
        signal,
        query: {
          limit: applied.limit,
          before,
          requestId: applied.requestId || undefined,
          client: applied.client || undefined,
          service: applied.service || undefined,
          errors: applied.errors ? 'true' : undefined,
        },
      }),
    [key, before],
  );
  const items = log.data?.items ?? [];
  const heading = useRef<HTMLHeadingElement>(null);

  // Paging replaces the rows: the focus goes to the log's heading, above them (a button at the end would be disabled).
  const page = (step: 1 | -1) => {
    if (log.loading) return;
    setPaging({ key, cursors: step === 1 ? [...cursors, items[items.length - 1].id] : cursors.slice(0, -1) });
    heading.current?.focus();
  };

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const next = withFilters(path, search, { ...draft, limit: applied.limit });
    // the same filters again: show the newest messages for them
    if (next === withFilters(path, search, applied)) {
      setPaging({ key, cursors: [undefined] });
      if (!log.loading) log.reload();
    } else navigate(next);
  };

  const clear = () => {
    setDraft(NO_FILTERS);
    navigate(withFilters(path, search, { ...NO_FILTERS, limit: applied.limit }));
    // the button goes away with the filters: the focus goes to the log's heading rather than to the page's start
    heading.current?.focus();
  };

  const columns: Column<MessageLogEntry>[] = [
    { key: 'at', header: t('operator.log.time'), rowHeader: true, cell: (m) => <time dateTime={m.at}>{fmt.dateTime(m.at)}</time> },
    {
      key: 'direction',
      header: t('operator.log.direction'),
      cell: (m) => (
        <>
          {t(`operator.log.dir.${m.direction === 'response' ? 'response' : 'request'}`)}
          <span className="op-code">{t(`operator.log.side.${m.side === 'provider' ? 'provider' : 'client'}`)}</span>
        </>
      ),
    },
    { key: 'client', header: t('operator.exchange.client'), className: 'op-id', cell: (m) => <code>{m.client}</code> },
    {
      key: 'service',
      header: t('operator.exchange.service'),
      className: 'op-id',
      cell: (m) => (
        <>
          <code>{m.service}</code>
          <span className="op-code mono">
            {m.method} {m.path}
          </span>
        </>
      ),
    },
    { key: 'user', header: t('operator.log.user'), className: 'op-id', cell: (m) => (m.userId ? <code>{m.userId}</code> : <span className="muted">{t('operator.log.none')}</span>) },
    { key: 'request', header: t('operator.log.requestId'), className: 'op-id', cell: (m) => <code>{m.requestId}</code> },
    {
      key: 'status',
      header: t('operator.log.status'),
      cell: (m) => {
        if (m.errorType) return <span className="badge bad">{t('operator.log.error', { type: m.errorType })}</span>;
        if (m.status === null) return <span className="muted">{t('operator.log.none')}</span>;
        return <span className={`badge ${m.status < 400 ? 'ok' : 'bad'}`}>{t(m.status < 400 ? 'operator.log.ok' : 'operator.log.failed', { status: m.status })}</span>;
      },
    },
  ];

  const count = { count: items.length, n: fmt.number(items.length), page: fmt.number(cursors.length) };
  const empty = cursors.length > 1 ? (
    <p className="notice info">{t('operator.log.noOlder')}</p>
  ) : filtered ? (
    <div className="notice info">
      <p>{t('operator.log.noMatch')}</p>
      <p>{t('operator.log.noMatchHint')}</p>
    </div>
  ) : (
    <p className="notice info">{t('operator.log.empty')}</p>
  );

  return (
    <section aria-labelledby="op-log" className="op-section">
      <h2 id="op-log" ref={heading} tabIndex={-1}>
        {t('operator.exchange.logTitle')}
      </h2>
      <p className="hint">{t('operator.exchange.logIntro')}</p>
      <form className="op-log-filters" onSubmit={apply} role="search" aria-label={t('operator.log.filters')}>
        <div className="field">
          <label htmlFor={`${ids}-rid`}>{t('operator.log.requestId')}</label>
          <input
            id={`${ids}-rid`}
            name="requestId"
            value={draft.requestId}
            onChange={(e) => setDraft((d) => ({ ...d, requestId: e.target.value }))}
            maxLength={64}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-client`}>{t('operator.log.client')}</label>
          <p id={`${ids}-client-hint`} className="hint">
            {t('operator.log.clientHint', { subsystem: 'KG/GOV/MVD/WORKPERMITS', member: 'KG/GOV/MVD' })}
          </p>
          <input
            id={`${ids}-client`}
            name="client"
            value={draft.client}
            onChange={(e) => setDraft((d) => ({ ...d, client: e.target.value }))}
            aria-describedby={`${ids}-client-hint`}
            maxLength={500}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-service`}>{t('operator.log.service')}</label>
          <p id={`${ids}-service-hint`} className="hint">
            {t('operator.log.serviceHint')}
          </p>
          <input
            id={`${ids}-service`}
            name="service"
            list={`${ids}-services`}
            value={draft.service}
            onChange={(e) => setDraft((d) => ({ ...d, service: e.target.value }))}
            aria-describedby={`${ids}-service-hint`}
            maxLength={500}
            autoComplete="off"
            spellCheck={false}
          />
          <datalist id={`${ids}-services`}>
            {services.map((s) => (
              <option key={s.id} value={s.id} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-limit`}>{t('operator.log.pageSize')}</label>
          <select
            id={`${ids}-limit`}
            value={applied.limit}
            onChange={(e) => navigate(withFilters(path, search, { ...applied, limit: Number(e.target.value) }), { replace: true })}
          >
            {PAGE_SIZES.map((s) => (
              <option key={s} value={s}>
                {fmt.number(s)}
              </option>
            ))}
          </select>
        </div>
        <div className="op-check op-log-errors">
          <input id={`${ids}-errors`} name="errors" type="checkbox" checked={draft.errors} onChange={(e) => setDraft((d) => ({ ...d, errors: e.target.checked }))} />
          <label htmlFor={`${ids}-errors`}>{t('operator.log.errorsOnly')}</label>
        </div>
        <div className="op-filter-buttons">
          <button type="submit">{t('operator.log.apply')}</button>
          {filtered && (
            <button type="button" className="secondary" onClick={clear}>
              {t('operator.log.clear')}
            </button>
          )}
          <button type="button" className="secondary" onClick={() => !log.loading && log.reload()} aria-busy={log.loading}>
            {t('operator.health.refresh')}
          </button>
        </div>
      </form>

      <p className="muted" role="status">
        {log.data && !log.loading ? t(filtered ? 'operator.log.shownFiltered' : 'operator.log.shown', count) : ''}
      </p>
      {log.error !== undefined && <OperatorError error={log.error} />}
      {!log.data && log.loading && <Loading />}
      {log.data &&
        (items.length === 0 ? (
          empty
        ) : (
          <DataTable caption={t('operator.exchange.logTitle')} captionHidden columns={columns} rows={items} rowKey={(m) => String(m.id)} rowClass={(m) => (m.errorType || (m.status ?? 0) >= 400 ? 'op-warn-row' : undefined)} />
        ))}
      {(cursors.length > 1 || items.length >= applied.limit) && (
        <div className="op-pager">
          <button type="button" className="secondary" disabled={cursors.length === 1} onClick={() => page(-1)}>
            {t('operator.log.newer')}
          </button>
          <button type="button" className="secondary" disabled={items.length < applied.limit} onClick={() => page(1)}>
            {t('operator.log.older')}
          </button>
        </div>
      )}
    </section>
  );
}
