import { useEffect, useRef, type ReactNode } from 'react';
import { ApiError } from './api';
import type { Area } from './areas/area';
import { ENDONYMS, isLang, LANGUAGES, useI18n } from './i18n';
import { Link, useRouter } from './router';
import { useSession } from './session';

function LanguageSwitcher() {
  const { lang, t, setLang } = useI18n();
  return (
    <div className="language">
      <label htmlFor="language-select">{t('layout.language')}</label>
      <select
        id="language-select"
        value={lang}
        onChange={(e) => {
          if (isLang(e.target.value)) void setLang(e.target.value);
        }}
      >
        {LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>
            {ENDONYMS[l]}
          </option>
        ))}
      </select>
    </div>
  );
}

function SessionControls() {
  const { t } = useI18n();
  const { me, signOut } = useSession();
  const { navigate } = useRouter();
  // While the node is asked who is signed in, the room of the sign-in button (what a visitor gets), unseen: the
  // header keeps its size when the answer comes.
  if (me === undefined)
    return (
      <span className="button secondary pending" aria-hidden="true">
        {t('layout.signIn')}
      </span>
    );
  if (!me) {
    return (
      <Link className="button secondary" to="/signin">
        {t('layout.signIn')}
      </Link>
    );
  }
  return (
    <div className="who">
      <span className="who-name">{t('layout.signedInAs', { name: me.name })}</span>
      <button
        type="button"
        className="secondary"
        onClick={async () => {
          await signOut();
          navigate('/');
        }}
      >
        {t('layout.signOut')}
      </button>
    </div>
  );
}

export function Layout({ children, areas }: { children: ReactNode; areas: Area[] }) {
  const { t } = useI18n();
  const { path, navigations } = useRouter();
  const { me } = useSession();
  const main = useRef<HTMLElement>(null);

  // After a navigation inside the portal, focus goes to the new page's content, as after a page load.
  useEffect(() => {
    if (navigations > 0) main.current?.focus();
  }, [navigations]);

  const nav = [
    { to: '/', label: t('nav.services'), current: path === '/' || path.startsWith('/services/') },
    { to: '/check', label: t('nav.check'), current: path === '/check' || path.startsWith('/verify/') },
    ...(me?.role === 'citizen' ? [{ to: '/my/applications', label: t('nav.myApplications'), current: path.startsWith('/my/applications') }] : []),
    ...areas.flatMap((a) => a.nav(me, path, t)),
  ];

  return (
    <>
      <a className="skip-link" href="#main">
        {t('layout.skip')}
      </a>
      <header className="site-header">
        <div className="bar">
          <Link to="/" className="brand">
            <span className="brand-mark" aria-hidden="true" />
            <span>
              Ortak <span className="brand-sub">{t('layout.tagline')}</span>
            </span>
          </Link>
          <div className="header-tools">
            <LanguageSwitcher />
            <SessionControls />
          </div>
        </div>
        <nav aria-label={t('nav.label')} className="main-nav">
          <ul>
            {nav.map((n) => (
              <li key={n.to}>
                <Link to={n.to} aria-current={n.current ? 'page' : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">
        <p>{t('layout.footer')}</p>
        <p>
          <a href="/docs">{t('layout.apiDocs')}</a>
        </p>
      </footer>
    </>
  );
}

/**
 * "Loading…". With `reserve`, it stands for a page's content (or the main part of it) and takes the room of the least
 * of it (see .loading.reserve): the footer is not shown first and then pushed away when the content comes.
 */
export function Loading({ reserve = false }: { reserve?: boolean }) {
  const { t } = useI18n();
  return (
    <p className={reserve ? 'loading reserve' : 'loading'} role="status">
      {t('common.loading')}
    </p>
  );
}

export function ErrorNotice({ error }: { error: unknown }) {
  const { t } = useI18n();
  const detail = error instanceof ApiError && error.problem ? error.problem.detail : t('common.networkError');
  return (
    <div className="notice error" role="alert">
      <p>{detail}</p>
    </div>
  );
}

const STATUS_TONE: Record<string, string> = {
  approved: 'ok',
  rejected: 'bad',
  withdrawn: 'neutral',
  info_requested: 'warn',
  awaiting_payment: 'warn',
  awaiting_consent: 'warn',
  declined: 'bad',
};

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  const label = t(`status.${status}`);
  return <span className={`badge ${STATUS_TONE[status] ?? 'info'}`}>{label.startsWith('status.') ? status : label}</span>;
}

export function Deadline({ days, type }: { days: number; type: 'working' | 'calendar' }) {
  const { t } = useI18n();
  return <>{t(type === 'working' ? 'service.workingDays' : 'service.calendarDays', { count: days })}</>;
}

export function Fee({ amount, currency }: { amount: number; currency: string }) {
  const { t, fmt } = useI18n();
  return <>{amount === 0 ? t('service.free') : fmt.money(amount, currency)}</>;
}

/** A translated label for a code (`category.family`), or the code itself when there is none. */
export function useLabel(): (prefix: string, code: string) => string {
  const { t } = useI18n();
  return (prefix, code) => {
    const label = t(`${prefix}.${code}`);
    return label === `${prefix}.${code}` ? code : label;
  };
}

/** A page's breadcrumb trail: entries with `to` are links, the one without is the current page. */
export function Breadcrumb({ trail, label }: { trail: { to?: string; label: ReactNode; lang?: string; mono?: boolean }[]; label?: string }) {
  const { t } = useI18n();
  return (
    <nav aria-label={label ?? t('service.breadcrumb')} className="breadcrumb">
      <ol>
        {trail.map((c, i) =>
          c.to ? (
            <li key={i} lang={c.lang}>
              <Link to={c.to}>{c.label}</Link>
            </li>
          ) : (
            <li key={i} aria-current="page" lang={c.lang} className={c.mono ? 'mono' : undefined}>
              {c.label}
            </li>
          ),
        )}
      </ol>
    </nav>
  );
}
