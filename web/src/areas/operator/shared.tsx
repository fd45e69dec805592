// What the operator's pages share: the gate (operators only), the sub-navigation, tables that stack on a phone,
// durations and the translated names of queues, permissions and message-log sides.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { ApiError } from '../../api';
import { ErrorNotice, Loading } from '../../components';
import { useTitle } from '../../hooks';
import { useI18n } from '../../i18n';
import { Link, useRouter } from '../../router';
import { useSession } from '../../session';

export const PAGES = [
  { to: '/operator', key: 'overview' },
  { to: '/operator/catalog', key: 'catalog' },
  { to: '/operator/agencies', key: 'agencies' },
  { to: '/operator/exchange', key: 'exchange' },
  { to: '/operator/exchange/clients', key: 'clients' },
  { to: '/operator/exchange/local-groups', key: 'localGroups' },
  { to: '/operator/exchange/external-services', key: 'externalServices' },
  { to: '/operator/health', key: 'health' },
] as const;

export type Gate = 'wait' | 'signin' | 'forbidden' | 'ok';

export function useOperatorGate(): Gate {
  const { me } = useSession();
  if (me === undefined) return 'wait';
  if (me === null) return 'signin';
  return me.role === 'operator' ? 'ok' : 'forbidden';
}

function SubNav() {
  const { t } = useI18n();
  const { path } = useRouter();
  return (
    <nav aria-label={t('operator.subnav')} className="op-subnav">
      <ul>
        {PAGES.map((p) => (
          <li key={p.to}>
            <Link to={p.to} aria-current={path === p.to ? 'page' : undefined}>
              {t(`operator.pages.${p.key}`)}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function NotAllowed() {
  const { t } = useI18n();
  const { me } = useSession();
  useTitle(t('operator.denied.title'));
  return (
    <div className="op-denied">
      <h1>{t('operator.denied.title')}</h1>
      <div className="notice warn">
        <p>{t('operator.denied.text')}</p>
        {me && <p>{t('operator.denied.who', { name: me.name, role: t(`operator.roles.${me.role}`) })}</p>}
        <p>
          <Link to="/">{t('operator.denied.home')}</Link>
        </p>
      </div>
    </div>
  );
}

function SignInFirst({ title }: { title: string }) {
  const { t } = useI18n();
  const { path } = useRouter();
  return (
    <>
      <h1>{title}</h1>
      <div className="notice info">
        <p>{t('operator.signInFirst')}</p>
        <p>
          <Link className="button" to={`/signin?next=${encodeURIComponent(path)}`}>
            {t('layout.signIn')}
          </Link>
        </p>
      </div>
    </>
  );
}

/**
 * The frame of every operator page: the gate, then the sub-navigation, the heading and the page. `children` renders
 * only for the operator, so that pages ask the API only when they may.
 */
export function OperatorFrame({ title, intro, actions, children }: { title: string; intro?: ReactNode; actions?: ReactNode; children: () => ReactNode }) {
  const gate = useOperatorGate();
  useTitle(gate === 'forbidden' ? undefined : title);
  if (gate === 'wait') return <Loading />;
  if (gate === 'forbidden') return <NotAllowed />;
  if (gate === 'signin') return <SignInFirst title={title} />;
  return (
    <div className="op">
      <SubNav />
      <div className="op-head">
        <h1>{title}</h1>
        {actions}
      </div>
      {intro && <p className="op-intro">{intro}</p>}
      {children()}
    </div>
  );
}

/** An API error: a 403 or 401 (the session ended or changed) says so plainly; others as the API put them. */
export function OperatorError({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
    return (
      <div className="notice error" role="alert">
        <p>{t(error.status === 401 ? 'operator.sessionEnded' : 'operator.denied.text')}</p>
        {error.problem?.detail && <p>{error.problem.detail}</p>}
      </div>
    );
  }
  if (error instanceof ApiError && error.status === 404 && error.problem?.code === 'route_not_found') {
    return (
      <div className="notice error" role="alert">
        <p>{t('operator.notAvailable')}</p>
      </div>
    );
  }
  return <ErrorNotice error={error} />;
}

export interface Column<R> {
  key: string;
  header: string;
  cell: (row: R) => ReactNode;
  /** the row's header cell (th scope=row) */
  rowHeader?: boolean;
  numeric?: boolean;
  className?: string;
}

/**
 * A table with a caption and scoped headers. On a narrow screen its rows become stacked cards, each value under its
 * column's name (data-label), so that nothing scrolls sideways.
 */
export function DataTable<R>({ caption, captionHidden, columns, rows, rowKey, rowClass, id }: { caption: string; captionHidden?: boolean; columns: Column<R>[]; rows: R[]; rowKey: (row: R) => string; rowClass?: (row: R) => string | undefined; id?: string }) {
  return (
    <div className="op-table-wrap">
      <table className="op-table" id={id}>
        <caption className={captionHidden ? 'visually-hidden' : undefined}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" className={c.numeric ? 'num' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={rowKey(r)} className={rowClass?.(r)}>
              {columns.map((c) => {
                const cls = [c.numeric ? 'num' : '', c.className ?? ''].join(' ').trim() || undefined;
                return c.rowHeader ? (
                  <th key={c.key} scope="row" data-label={c.header} className={cls}>
                    {c.cell(r)}
                  </th>
                ) : (
                  <td key={c.key} data-label={c.header} className={cls}>
                    {c.cell(r)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Translated label for a code with dots in it (queue names: `notification.dispatch`), else the code. */
export function useCodeLabel(): (prefix: string, code: string) => string {
  const { t } = useI18n();
  return (prefix, code) => {
    const key = `${prefix}.${code.replace(/[.\s]/g, '_')}`;
    const label = t(key);
    return label === key ? code : label;
  };
}

/** Seconds as the largest whole unit: 45 s, 3 min, 2 h, 1 day. */
export function useDuration(): (seconds: number) => string {
  const { t, fmt } = useI18n();
  return (seconds) => {
    const s = Math.max(0, Math.floor(seconds));
    const [unit, count] = s < 60 ? ['seconds', s] : s < 3600 ? ['minutes', Math.floor(s / 60)] : s < 86400 ? ['hours', Math.floor(s / 3600)] : ['days', Math.floor(s / 86400)];
    return t(`operator.duration.${unit}`, { count, n: fmt.number(count) });
  };
}

/** A loader that can be run again (refresh), keeping the last answer on screen while it runs. */
export function useReload<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]) {
  // `at`: when the last successful answer came
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean; at?: Date }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    load(controller.signal).then(
      (data) => !controller.signal.aborted && setState({ data, loading: false, at: new Date() }),
      (error: unknown) => !controller.signal.aborted && setState((s) => ({ ...s, error, loading: false })),
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}

/** The states a list can be narrowed to, in the catalog's order, then any others. */
export const STATE_ORDER = ['KZ', 'AZ', 'KG', 'TR', 'UZ'];
export const byStateOrder = (a: string, b: string) => {
  const [x, y] = [STATE_ORDER.indexOf(a), STATE_ORDER.indexOf(b)];
  return (x < 0 ? 99 : x) - (y < 0 ? 99 : y) || a.localeCompare(b);
};

/** A link to a section of this page: focus and scroll there, without a navigation (which would focus the page's main). */
export function JumpLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <a
      href={`#${to}`}
      onClick={(e) => {
        const target = document.getElementById(to);
        if (!target) return;
        e.preventDefault();
        target.focus();
        target.scrollIntoView({ block: 'start' });
      }}
    >
      {children}
    </a>
  );
}
