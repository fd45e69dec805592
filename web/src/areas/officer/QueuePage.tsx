import { useEffect, useId, useRef, useState } from 'react';
import { ErrorNotice, Loading, StatusBadge } from '../../components';
import { useTitle } from '../../hooks';
import { useI18n } from '../../i18n';
import { Link, useRouter } from '../../router';
import { OPEN_STATUSES, queue, type QueueFilter, type QueueItem } from './api';
import { GateNotice, stepTitle, useAgencyServices, useAssignee, useOfficer, Urgency } from './common';

type Pages = { key: string; items: QueueItem[]; nextCursor?: string };

/** The filters live in the address (`?status=…&service=…&mine=1&overdue=1`): a filtered queue can be bookmarked. */
function useFilter(): [QueueFilter, (next: QueueFilter) => void] {
  const { search, navigate } = useRouter();
  const filter: QueueFilter = {
    status: search.get('status') ?? undefined,
    service: search.get('service') ?? undefined,
    mine: search.get('mine') === '1',
    overdue: search.get('overdue') === '1',
  };
  const set = (next: QueueFilter) => {
    const qs = new URLSearchParams();
    if (next.status) qs.set('status', next.status);
    if (next.service) qs.set('service', next.service);
    if (next.mine) qs.set('mine', '1');
    if (next.overdue) qs.set('overdue', '1');
    const s = qs.toString();
    navigate(s ? `/officer?${s}` : '/officer', { replace: true });
  };
  return [filter, set];
}

export function QueuePage() {
  const { t, fmt } = useI18n();
  const gate = useOfficer();
  const me = gate.state === 'ok' ? gate.me : null;
  const ids = useId();
  const [filter, setFilter] = useFilter();
  const services = useAgencyServices(me?.agency ?? null);
  const assignee = useAssignee(me);
  useTitle(t('officer.queue.title'));

  const filterKey = JSON.stringify(filter);
  const [pages, setPages] = useState<Pages | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [more, setMore] = useState(false);
  const firstNew = useRef<HTMLTableRowElement>(null);
  const [focusIndex, setFocusIndex] = useState<number | null>(null);

  useEffect(() => {
    if (!me) return;
    const controller = new AbortController();
    setError(null);
    queue(filter, undefined, controller.signal).then(
      (page) => setPages({ key: filterKey, ...page }),
      (e: unknown) => !controller.signal.aborted && setError(e),
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [filterKey, me?.accountId]);

  // After "more", focus moves to the first of the newly shown applications.
  useEffect(() => {
    if (focusIndex !== null) firstNew.current?.querySelector('a')?.focus();
  }, [focusIndex]);

  const loadMore = async () => {
    if (!pages?.nextCursor) return;
    setMore(true);
    try {
      const next = await queue(filter, pages.nextCursor);
      setFocusIndex(pages.items.length);
      setPages({ key: pages.key, items: [...pages.items, ...next.items], nextCursor: next.nextCursor });
    } catch (e) {
      setError(e);
    } finally {
      setMore(false);
    }
  };

  if (!me)
    return (
      <>
        <h1>{t('officer.queue.title')}</h1>
        <GateNotice gate={gate} next="/officer" />
      </>
    );

  const filtered = Boolean(filter.status || filter.service || filter.mine || filter.overdue);
  const current = pages && pages.key === filterKey ? pages : null;
  const agencyName = services.list[0]?.agency.name;
  const serviceLanguage = services.list[0]?.language;

  return (
    <>
      <h1>{t('officer.queue.title')}</h1>
      <p className="lead" lang={agencyName ? serviceLanguage : undefined}>
        {agencyName ?? me.agency}
      </p>
      <p>{t('officer.queue.intro')}</p>

      <form className="officer-filters" aria-labelledby={`${ids}-filters`} onSubmit={(e) => e.preventDefault()}>
        <h2 id={`${ids}-filters`}>{t('officer.queue.filters')}</h2>
        <div className="officer-filter-row">
          <div className="field">
            <label htmlFor={`${ids}-status`}>{t('officer.queue.status')}</label>
            <select id={`${ids}-status`} value={filter.status ?? ''} onChange={(e) => setFilter({ ...filter, status: e.target.value || undefined })}>
              <option value="">{t('officer.queue.anyStatus')}</option>
              {OPEN_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${ids}-service`}>{t('officer.queue.service')}</label>
            <select id={`${ids}-service`} value={filter.service ?? ''} onChange={(e) => setFilter({ ...filter, service: e.target.value || undefined })}>
              <option value="">{t('officer.queue.anyService')}</option>
              {services.list.map((s) => (
                <option key={s.code} value={s.code} lang={s.language}>
                  {s.title}
                </option>
              ))}
              {filter.service && !services.byCode[filter.service] && <option value={filter.service}>{filter.service}</option>}
            </select>
          </div>
          <div className="officer-checks">
            <div className="officer-check">
              <input id={`${ids}-mine`} type="checkbox" checked={filter.mine} onChange={(e) => setFilter({ ...filter, mine: e.target.checked })} />
              <label htmlFor={`${ids}-mine`}>{t('officer.queue.mine')}</label>
            </div>
            <div className="officer-check">
              <input id={`${ids}-overdue`} type="checkbox" checked={filter.overdue} onChange={(e) => setFilter({ ...filter, overdue: e.target.checked })} />
              <label htmlFor={`${ids}-overdue`}>{t('officer.queue.overdue')}</label>
            </div>
          </div>
        </div>
        {filtered && (
          <button type="button" className="secondary" onClick={() => setFilter({})}>
            {t('officer.queue.clear')}
          </button>
        )}
      </form>

      <section aria-labelledby={`${ids}-results`}>
        <h2 id={`${ids}-results`} className="visually-hidden">
          {t('officer.queue.results')}
        </h2>
        <p className="count" role="status" aria-live="polite">
          {current ? t('officer.queue.shown', { count: current.items.length, n: fmt.number(current.items.length) }) : ''}
        </p>
        {error !== null && <ErrorNotice error={error} />}
        {!current && error === null && <Loading />}
        {current && current.items.length === 0 && (
          <div className="notice info">
            <p>{filtered ? t('officer.queue.emptyFiltered') : t('officer.queue.empty')}</p>
          </div>
        )}
        {current && current.items.length > 0 && (
          <div className="officer-table-wrap">
            <table className="officer-queue">
              <caption>{t('officer.queue.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('officer.queue.col.number')}</th>
                  <th scope="col">{t('officer.queue.col.applicant')}</th>
                  <th scope="col">{t('officer.queue.col.service')}</th>
                  <th scope="col">{t('officer.queue.col.deadline')}</th>
                  <th scope="col">{t('officer.queue.col.status')}</th>
                  <th scope="col">{t('officer.queue.col.assignee')}</th>
                </tr>
              </thead>
              <tbody>
                {current.items.map((item, i) => {
                  const s = services.byCode[item.service];
                  return (
                    <tr key={item.id} ref={i === focusIndex ? firstNew : undefined} className={item.urgency !== 'on_time' ? `officer-row-${item.urgency}` : undefined}>
                      <th scope="row" data-label={t('officer.queue.col.number')}>
                        <Link to={`/officer/applications/${encodeURIComponent(item.id)}`} className="mono">
                          {item.number}
                        </Link>
                      </th>
                      <td data-label={t('officer.queue.col.applicant')}>
                        <span className="officer-applicant">{item.applicant.name}</span>
                        <span className="officer-identifier mono">{item.applicant.identifier}</span>
                      </td>
                      <td data-label={t('officer.queue.col.service')}>
                        <span lang={s?.language}>{s?.title ?? item.service}</span>
                      </td>
                      {/* the deadline with when it was submitted, the status with its step: six columns fit 1024 px */}
                      <td data-label={t('officer.queue.col.deadline')}>
                        <span className="officer-deadline">{fmt.day(item.deadline)}</span> <Urgency urgency={item.urgency} />
                        <span className="officer-sub">
                          {t('officer.queue.col.submitted')}: {fmt.dateTime(item.submittedAt)}
                        </span>
                      </td>
                      <td data-label={t('officer.queue.col.status')}>
                        <StatusBadge status={item.status} />
                        <span className="officer-sub" lang={s?.language}>
                          {stepTitle(s, item.currentStep) || '—'}
                        </span>
                      </td>
                      <td data-label={t('officer.queue.col.assignee')}>{assignee(item.assignedTo)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {current?.nextCursor && (
          <p>
            <button type="button" className="secondary" onClick={() => void loadMore()} disabled={more} aria-busy={more}>
              {t('officer.queue.more')}
            </button>
          </p>
        )}
      </section>
    </>
  );
}
