// /statistics: the public statistics of the services this node provides, filtered by country and period (kept in the
// address), with charts, the same figures in tables, and links to the open data for the same filters.
import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type RefObject } from 'react';
import { ErrorNotice, Loading } from '../../components';
import { useLoad, useTitle } from '../../hooks';
import { useI18n } from '../../i18n';
import { useRouter } from '../../router';
import { fetchStats, isMonth, isState, OPEN_DATA_COLUMNS, openDataUrl, STATES, type AgencyFigures, type Figures, type Month, type MonthFigures, type ServiceFigures, type StateFigures, type Stats, type StatsQuery } from './api';
import { ChartFigure, DataTable, HBarChart, MonthChart, NoValue, PatternDefs, type Column, type Series } from './charts';
import { addMonths, monthOf, roundDays, roundShare, useStatsFormat, type StatsFormat } from './format';

type Preset = 'last12' | 'last24' | 'thisYear' | 'lastYear' | 'custom';
const PRESETS: Preset[] = ['last12', 'last24', 'thisYear', 'lastYear', 'custom'];
/** how many agencies the chart shows (the table lists them all) */
const TOP_AGENCIES = 10;

/** The periods offered, as the months they span (the last 12 months are the API's default: no months given). */
function presetRanges(now: Date): Record<Exclude<Preset, 'custom'>, { from?: Month; to?: Month }> {
  const current = monthOf(now);
  const year = now.getFullYear();
  return {
    last12: {},
    last24: { from: addMonths(current, -23), to: current },
    thisYear: { from: `${year}-01`, to: current },
    lastYear: { from: `${year - 1}-01`, to: `${year - 1}-12` },
  };
}

function queryOf(search: URLSearchParams): StatsQuery {
  const state = search.get('state');
  const from = search.get('from');
  const to = search.get('to');
  return { state: isState(state) ? state : undefined, from: isMonth(from) ? from : undefined, to: isMonth(to) ? to : undefined };
}

interface FormState {
  state: string;
  preset: Preset;
  from: string;
  to: string;
}

function formOf(q: StatsQuery, now: Date): FormState {
  const ranges = presetRanges(now);
  const preset = (Object.keys(ranges) as (keyof typeof ranges)[]).find((p) => ranges[p].from === q.from && ranges[p].to === q.to) ?? 'custom';
  return { state: q.state ?? '', preset, from: q.from ?? '', to: q.to ?? '' };
}

export function StatisticsPage() {
  const { t, fmt, lang } = useI18n();
  const { search, navigate } = useRouter();
  const ids = useId();
  useTitle(t('stats.title'));

  const query = queryOf(search);
  const now = useMemo(() => new Date(), []);
  const ranges = presetRanges(now);
  const [form, setForm] = useState<FormState>(() => formOf(query, now));
  const [errors, setErrors] = useState<{ from?: string; to?: string }>({});
  const fromRef = useRef<HTMLInputElement>(null);
  const toRef = useRef<HTMLInputElement>(null);
  // Back and forward change the address: the form follows it.
  const searchKey = `${query.state ?? ''}|${query.from ?? ''}|${query.to ?? ''}`;
  useEffect(() => {
    setForm(formOf(query, now));
    setErrors({});
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [searchKey]);

  const key = `${lang}|${searchKey}`;
  const loaded = useLoad(async (signal) => ({ key, data: await fetchStats(query, signal) }), [key]);
  const busy = loaded.status === 'loading' || (loaded.status === 'ok' && loaded.data.key !== key);
  const shown = loaded.status === 'ok' ? loaded.data.data : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    let range: { from?: Month; to?: Month };
    if (form.preset === 'custom') {
      const next: typeof errors = {};
      if (!isMonth(form.from)) next.from = t('stats.filters.errors.fromMissing');
      if (!isMonth(form.to)) next.to = t('stats.filters.errors.toMissing');
      else if (isMonth(form.from) && form.to < form.from) next.to = t('stats.filters.errors.order');
      setErrors(next);
      if (next.from) return fromRef.current?.focus();
      if (next.to) return toRef.current?.focus();
      range = { from: form.from, to: form.to };
    } else {
      range = ranges[form.preset];
    }
    setErrors({});
    const qs = new URLSearchParams();
    if (form.state) qs.set('state', form.state);
    if (range.from) qs.set('from', range.from);
    if (range.to) qs.set('to', range.to);
    const s = qs.toString();
    navigate(s ? `/statistics?${s}` : '/statistics', { replace: true });
  };

  const choosePreset = (preset: Preset) => {
    setErrors({});
    if (preset !== 'custom') return setForm({ ...form, preset });
    // Other months: start from the months on screen.
    const current = monthOf(now);
    setForm({ ...form, preset, from: form.from || shown?.from || addMonths(current, -11), to: form.to || shown?.to || current });
  };

  const presetLabel = (p: Preset) =>
    p === 'thisYear' ? t('stats.filters.thisYear', { year: now.getFullYear() }) : p === 'lastYear' ? t('stats.filters.lastYear', { year: now.getFullYear() - 1 }) : t(`stats.filters.${p}`);
  const maxMonth = monthOf(now);

  return (
    <div className="stats">
      <PatternDefs />
      <div className="intro">
        <h1>{t('stats.title')}</h1>
        <p>{t('stats.intro')}</p>
      </div>

      <form className="stats-filters" onSubmit={submit} noValidate aria-labelledby={`${ids}-filters`}>
        <h2 id={`${ids}-filters`}>{t('stats.filters.title')}</h2>
        <div className="stats-filter-fields">
          <div className="field">
            <label htmlFor={`${ids}-state`}>{t('stats.filters.state')}</label>
            <select id={`${ids}-state`} value={form.state} onChange={(e) => setForm({ ...form, state: e.target.value })}>
              <option value="">{t('stats.filters.allStates')}</option>
              {STATES.map((s) => (
                <option key={s} value={s}>
                  {fmt.region(s)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${ids}-period`}>{t('stats.filters.period')}</label>
            <select id={`${ids}-period`} value={form.preset} onChange={(e) => choosePreset(e.target.value as Preset)}>
              {PRESETS.map((p) => (
                <option key={p} value={p}>
                  {presetLabel(p)}
                </option>
              ))}
            </select>
          </div>
          {form.preset === 'custom' && (
            <>
              <MonthField id={`${ids}-from`} inputRef={fromRef} label={t('stats.filters.from')} hint={t('stats.filters.monthHint')} value={form.from} max={maxMonth} error={errors.from} onChange={(from) => setForm({ ...form, from })} />
              <MonthField id={`${ids}-to`} inputRef={toRef} label={t('stats.filters.to')} hint={t('stats.filters.monthHint')} value={form.to} max={maxMonth} error={errors.to} onChange={(to) => setForm({ ...form, to })} />
            </>
          )}
        </div>
        <button type="submit">{t('stats.filters.apply')}</button>
      </form>

      {loaded.status === 'error' ? (
        <ErrorNotice error={loaded.error} />
      ) : !shown ? (
        <Loading reserve />
      ) : (
        <div className="stats-results" aria-busy={busy}>
          {busy && <Loading />}
          <Results data={shown} />
        </div>
      )}
    </div>
  );
}

function MonthField({ id, inputRef, label, hint, value, max, error, onChange }: { id: string; inputRef: RefObject<HTMLInputElement | null>; label: string; hint: string; value: string; max: string; error?: string; onChange(v: string): void }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <p className="hint" id={`${id}-hint`}>
        {hint}
      </p>
      <input
        ref={inputRef}
        id={id}
        type="month"
        min="2000-01"
        max={max}
        value={value}
        placeholder="2026-01"
        pattern="\d{4}-\d{2}"
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}
      />
      {error && (
        <p className="stats-field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function Results({ data }: { data: Stats }) {
  const { t, fmt } = useI18n();
  const f = useStatsFormat();
  const ids = useId();
  const place = data.state ? f.region(data.state) : t('stats.filters.allStates');
  const empty = data.totals.provided === 0;
  const query: StatsQuery = { state: isState(data.state) ? data.state : undefined, from: data.from, to: data.to };

  return (
    <>
      <p className="stats-scope" role="status">
        <strong>{t('stats.scope', { place, from: f.month(data.from), to: f.month(data.to) })}</strong>{' '}
        <span className="muted">{t('stats.generated', { time: fmt.dateTime(data.generatedAt) })}</span>
      </p>

      <section aria-labelledby={`${ids}-headline`}>
        <h2 id={`${ids}-headline`}>{t('stats.headline.title')}</h2>
        <Headline totals={data.totals} f={f} />
      </section>

      {empty ? (
        <div className="notice info">
          <p>{t('stats.empty')}</p>
        </div>
      ) : (
        <>
          <MonthSection months={data.byMonth} totals={data.totals} f={f} />
          {!data.state && data.byState.length > 0 && <StateSection rows={data.byState} f={f} />}
          {data.byAgency.length > 0 && <AgencySection rows={data.byAgency} f={f} />}
          {data.byService.length > 0 && <ServiceSection rows={data.byService} f={f} />}
        </>
      )}

      <section aria-labelledby={`${ids}-open`} className="stats-open">
        <h2 id={`${ids}-open`}>{t('stats.openData.title')}</h2>
        <p>{t('stats.openData.intro')}</p>
        <ul className="stats-downloads">
          <li>
            <a className="button secondary" href={openDataUrl('csv', query)} type="text/csv" download>
              {t('stats.openData.csv')}
            </a>
          </li>
          <li>
            <a className="button secondary" href={openDataUrl('json', query)} type="application/json">
              {t('stats.openData.json')}
            </a>
          </li>
        </ul>
        <h3>{t('stats.openData.columns')}</h3>
        <dl className="stats-columns">
          {OPEN_DATA_COLUMNS.map((c) => (
            <div key={c}>
              <dt>
                <code>{c}</code>
              </dt>
              <dd>{t(`stats.openData.column.${c}`)}</dd>
            </div>
          ))}
        </dl>
        <p>{t('stats.openData.licence')}</p>
      </section>
    </>
  );
}

function Headline({ totals, f }: { totals: Figures; f: StatsFormat }) {
  const { t } = useI18n();
  const share = f.percent(totals.onTimeShare);
  const days = f.daysNumber(totals.averageDays);
  return (
    <dl className="stats-headline">
      <div>
        <dt>{t('stats.headline.provided')}</dt>
        <dd className="stats-value">
          {f.number(totals.provided)}
        </dd>
        <dd className="stats-detail">{t('stats.headline.providedDetail', { approved: f.number(totals.approved), rejected: f.number(totals.rejected) })}</dd>
      </div>
      <div>
        <dt>{t('stats.headline.onTime')}</dt>
        <dd className="stats-value">
          {share ?? <NoValue />}
        </dd>
        <dd className="stats-detail">{t('stats.headline.onTimeDetail', { onTime: f.number(totals.onTime), provided: f.number(totals.provided) })}</dd>
      </div>
      <div>
        <dt>{t('stats.headline.averageDays')}</dt>
        <dd className="stats-value">
          {days ?? <NoValue />}
        </dd>
        <dd className="stats-detail">{t('stats.headline.averageUnit', { count: totals.averageDays === null ? 0 : roundDays(totals.averageDays) })}</dd>
      </div>
    </dl>
  );
}

/** the columns every grouping shares: provided, approved, rejected, on time, share, average days */
function figureColumns<R extends Figures>(t: (k: string) => string, f: StatsFormat): Column<R>[] {
  return [
    { label: t('stats.chart.provided'), numeric: true, cell: (r) => f.number(r.provided) },
    { label: t('stats.chart.approved'), numeric: true, cell: (r) => f.number(r.approved) },
    { label: t('stats.chart.rejected'), numeric: true, cell: (r) => f.number(r.rejected) },
    { label: t('stats.chart.onTime'), numeric: true, cell: (r) => f.number(r.onTime) },
    { label: t('stats.chart.share'), numeric: true, cell: (r) => f.percent(r.onTimeShare) ?? <NoValue /> },
    { label: t('stats.chart.averageDays'), numeric: true, cell: (r) => f.daysNumber(r.averageDays) ?? <NoValue /> },
  ];
}

function useSeries(): Series[] {
  const { t } = useI18n();
  return [
    { key: 'approved', label: t('stats.chart.approved'), pattern: 'solid' },
    { key: 'rejected', label: t('stats.chart.rejected'), pattern: 'hatch' },
  ];
}

function MonthSection({ months, totals, f }: { months: MonthFigures[]; totals: Figures; f: StatsFormat }) {
  const { t } = useI18n();
  const ids = useId();
  const series = useSeries();
  const list = months.map((m) => m.month);
  const seeTable = t('stats.chart.seeTable');
  const monthColumn: Column<MonthFigures> = { label: t('stats.chart.month'), cell: (r) => f.month(r.month) };
  const all = figureColumns<MonthFigures>(t, f);
  const totalRow = { label: t('stats.chart.total'), row: { month: '', ...totals } };
  const titles = { provided: t('stats.charts.perMonth'), share: t('stats.charts.sharePerMonth'), days: t('stats.charts.daysPerMonth') };

  return (
    <section aria-labelledby={`${ids}-months`}>
      <h2 id={`${ids}-months`}>{t('stats.sections.months')}</h2>
      <div className="stats-grid">
        <ChartFigure
          title={titles.provided}
          legend={series}
          chart={
            <MonthChart
              kind="bars"
              months={list}
              series={[
                { ...series[0], values: months.map((m) => m.approved) },
                { ...series[1], values: months.map((m) => m.rejected) },
              ]}
              label={`${titles.provided}. ${seeTable}`}
              yTitle={t('stats.chart.servicesAxis')}
              xTitle={t('stats.chart.month')}
              integer
              tick={f.number}
              value={f.number}
              f={f}
            />
          }
          table={<DataTable hideCaption caption={titles.provided} columns={[monthColumn, all[0], all[1], all[2]]} rows={months} rowKey={(r) => r.month} total={totalRow} />}
        />
        <ChartFigure
          title={titles.share}
          chart={
            <MonthChart
              kind="line"
              months={list}
              series={[{ key: 'share', label: t('stats.chart.share'), pattern: 'solid', values: months.map((m) => (m.onTimeShare === null ? null : roundShare(m.onTimeShare))) }]}
              label={`${titles.share}. ${seeTable}`}
              yTitle={t('stats.chart.shareAxis')}
              xTitle={t('stats.chart.month')}
              yMax={100}
              integer
              tick={(v) => t('stats.percent', { value: f.number(v) })}
              value={(v) => t('stats.percent', { value: f.number(v) })}
              f={f}
            />
          }
          table={<DataTable hideCaption caption={titles.share} columns={[monthColumn, all[0], all[3], all[4]]} rows={months} rowKey={(r) => r.month} total={totalRow} />}
        />
        <ChartFigure
          title={titles.days}
          chart={
            <MonthChart
              kind="line"
              months={list}
              series={[{ key: 'days', label: t('stats.chart.averageDays'), pattern: 'solid', values: months.map((m) => (m.averageDays === null ? null : roundDays(m.averageDays))) }]}
              label={`${titles.days}. ${seeTable}`}
              yTitle={t('stats.chart.daysAxis')}
              xTitle={t('stats.chart.month')}
              integer={false}
              tick={f.number}
              value={f.number}
              f={f}
            />
          }
          table={<DataTable hideCaption caption={titles.days} columns={[monthColumn, all[0], all[5]]} rows={months} rowKey={(r) => r.month} total={totalRow} />}
        />
      </div>
    </section>
  );
}

const byProvided = <R extends Figures>(rows: R[]) => [...rows].sort((a, b) => b.provided - a.provided);

function StateSection({ rows, f }: { rows: StateFigures[]; f: StatsFormat }) {
  const { t } = useI18n();
  const ids = useId();
  const series = useSeries();
  const sorted = byProvided(rows);
  const title = t('stats.charts.byState');
  return (
    <section aria-labelledby={`${ids}-states`}>
      <h2 id={`${ids}-states`}>{t('stats.sections.states')}</h2>
      <ChartFigure
        title={title}
        legend={series}
        chart={<HBarChart rows={sorted.map((r) => ({ key: r.state, label: f.region(r.state), values: [r.approved, r.rejected] }))} series={series} label={`${title}. ${t('stats.chart.seeTable')}`} xTitle={t('stats.chart.servicesAxis')} tick={f.number} value={f.number} />}
        table={<DataTable hideCaption caption={title} columns={[{ label: t('stats.chart.country'), cell: (r) => f.region(r.state) }, ...figureColumns<StateFigures>(t, f)]} rows={sorted} rowKey={(r) => r.state} />}
      />
    </section>
  );
}

function AgencySection({ rows, f }: { rows: AgencyFigures[]; f: StatsFormat }) {
  const { t } = useI18n();
  const ids = useId();
  const series = useSeries();
  const sorted = byProvided(rows);
  const top = sorted.slice(0, TOP_AGENCIES).filter((r) => r.provided > 0);
  const title = t('stats.charts.byAgency');
  const tableTitle = t('stats.charts.agencyTable');
  return (
    <section aria-labelledby={`${ids}-agencies`}>
      <h2 id={`${ids}-agencies`}>{t('stats.sections.agencies')}</h2>
      <ChartFigure
        title={title}
        note={t('stats.charts.byAgencyNote', { count: top.length, n: f.number(top.length), total: f.number(sorted.length) })}
        legend={series}
        chart={<HBarChart rows={top.map((r) => ({ key: r.agency, label: r.name, values: [r.approved, r.rejected] }))} series={series} label={`${title}. ${t('stats.chart.seeTable')}`} xTitle={t('stats.chart.servicesAxis')} tick={f.number} value={f.number} />}
        table={
          <DataTable
            caption={tableTitle}
            columns={[{ label: t('stats.chart.agency'), cell: (r) => r.name }, { label: t('stats.chart.country'), cell: (r) => f.region(r.state) }, ...figureColumns<AgencyFigures>(t, f)]}
            rows={sorted}
            rowKey={(r) => r.agency}
          />
        }
      />
    </section>
  );
}

function ServiceSection({ rows, f }: { rows: ServiceFigures[]; f: StatsFormat }) {
  const { t } = useI18n();
  const ids = useId();
  const sorted = byProvided(rows);
  return (
    <section aria-labelledby={`${ids}-services`}>
      <h2 id={`${ids}-services`}>{t('stats.sections.services')}</h2>
      <DataTable
        caption={t('stats.charts.serviceTable')}
        columns={[{ label: t('stats.chart.service'), cell: (r) => r.title }, { label: t('stats.chart.country'), cell: (r) => f.region(r.state) }, ...figureColumns<ServiceFigures>(t, f)]}
        rows={sorted}
        rowKey={(r) => r.service}
      />
    </section>
  );
}
