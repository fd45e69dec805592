import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { api, type ServiceSummary } from '../api';
import { Deadline, ErrorNotice, Fee, Loading, useLabel } from '../components';
import { useLoad, useTitle } from '../hooks';
import { useI18n } from '../i18n';
import { Link, useRouter } from '../router';

const STATES = ['KZ', 'AZ', 'KG', 'TR', 'UZ'];
type Catalog = { items: ServiceSummary[]; total: number };
const FILTERS = ['state', 'category', 'lifeEvent'] as const;

export function CatalogPage() {
  const { t, fmt, lang } = useI18n();
  const label = useLabel();
  const { search, navigate } = useRouter();
  const ids = useId();
  useTitle(t('catalog.title'));

  const params = { q: search.get('q') ?? '', state: search.get('state') ?? '', category: search.get('category') ?? '', lifeEvent: search.get('lifeEvent') ?? '' };
  const [query, setQuery] = useState(params.q);
  // Back and forward change the address: the search box follows it.
  useEffect(() => setQuery(params.q), [params.q]);

  // Every service once, for the filters' choices; then the API's own filtering and search for the list.
  const all = useLoad((signal) => api<Catalog>('/api/v1/services', { lang: true, signal }), [lang]);
  const found = useLoad((signal) => api<Catalog>('/api/v1/services', { lang: true, signal, query: params }), [lang, params.q, params.state, params.category, params.lifeEvent]);

  const choices = useMemo(() => {
    const items = all.status === 'ok' ? all.data.items : [];
    return {
      category: [...new Set(items.map((s) => s.category))].sort(),
      lifeEvent: [...new Set(items.flatMap((s) => s.lifeEvents))].sort(),
    };
  }, [all]);

  const go = (next: Partial<typeof params>) => {
    const merged = { ...params, ...next };
    const qs = new URLSearchParams(Object.entries(merged).filter(([, v]) => v) as [string, string][]).toString();
    navigate(qs ? `/?${qs}` : '/', { replace: true });
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    go({ q: query.trim() });
  };

  const filtered = params.q || FILTERS.some((f) => params[f]);

  return (
    <>
      <div className="intro">
        <h1>{t('catalog.title')}</h1>
        <p>{t('catalog.intro')}</p>
      </div>

      <form role="search" className="search" onSubmit={submit} aria-label={t('catalog.searchLabel')}>
        <label htmlFor={`${ids}-q`}>{t('catalog.searchLabel')}</label>
        <div className="search-row">
          <input id={`${ids}-q`} type="search" name="q" value={query} onChange={(e) => setQuery(e.target.value)} placeholder={t('catalog.searchPlaceholder')} maxLength={200} autoComplete="off" />
          <button type="submit">{t('catalog.searchButton')}</button>
        </div>
      </form>

      <div className="catalog">
        <section className="filters" aria-labelledby={`${ids}-filters`}>
          <h2 id={`${ids}-filters`}>{t('catalog.filters')}</h2>
          <div className="field">
            <label htmlFor={`${ids}-state`}>{t('catalog.state')}</label>
            <select id={`${ids}-state`} value={params.state} onChange={(e) => go({ state: e.target.value })}>
              <option value="">{t('catalog.allStates')}</option>
              {STATES.map((s) => (
                <option key={s} value={s}>
                  {fmt.region(s)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${ids}-category`}>{t('catalog.category')}</label>
            <select id={`${ids}-category`} value={params.category} onChange={(e) => go({ category: e.target.value })}>
              <option value="">{t('catalog.allCategories')}</option>
              {choices.category.map((c) => (
                <option key={c} value={c}>
                  {label('category', c)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${ids}-life`}>{t('catalog.lifeEvent')}</label>
            <select id={`${ids}-life`} value={params.lifeEvent} onChange={(e) => go({ lifeEvent: e.target.value })}>
              <option value="">{t('catalog.allLifeEvents')}</option>
              {choices.lifeEvent.map((c) => (
                <option key={c} value={c}>
                  {label('lifeEvent', c)}
                </option>
              ))}
            </select>
          </div>
          {filtered && (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setQuery('');
                navigate('/', { replace: true });
              }}
            >
              {t('catalog.clear')}
            </button>
          )}
        </section>

        <section className="results" aria-labelledby={`${ids}-results`}>
          <h2 id={`${ids}-results`} className="visually-hidden">
            {t('catalog.results')}
          </h2>
          <p className="count" role="status" aria-live="polite">
            {found.status === 'ok' ? t('catalog.found', { count: found.data.total, n: fmt.number(found.data.total) }) : ''}
          </p>
          {found.status === 'loading' && <Loading reserve />}
          {found.status === 'error' && <ErrorNotice error={found.error} />}
          {found.status === 'ok' && found.data.items.length === 0 && <p>{t('catalog.none')}</p>}
          {found.status === 'ok' && found.data.items.length > 0 && (
            <ul className="cards">
              {found.data.items.map((s) => (
                <li key={s.code} className="card">
                  <h3 lang={s.language}>
                    <Link to={`/services/${encodeURIComponent(s.code)}`}>{s.title}</Link>
                  </h3>
                  <p lang={s.language}>{s.description}</p>
                  <dl className="facts">
                    <div>
                      <dt>{t('service.state')}</dt>
                      <dd>{fmt.region(s.state)}</dd>
                    </div>
                    <div>
                      <dt>{t('service.fee')}</dt>
                      <dd>
                        <Fee {...s.fee} />
                      </dd>
                    </div>
                    <div>
                      <dt>{t('service.deadline')}</dt>
                      <dd>
                        <Deadline {...s.deadline} />
                      </dd>
                    </div>
                    <div className="span-all">
                      <dt>{t('service.agency')}</dt>
                      <dd lang={s.language}>{s.agency.name}</dd>
                    </div>
                  </dl>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </>
  );
}
