import { useState } from 'react';
import { api, ApiError, type Persona } from '../api';
import { ErrorNotice, Loading } from '../components';
import { useLoad, useTitle } from '../hooks';
import { useI18n } from '../i18n';
import { Link, useRouter } from '../router';
import { useSession } from '../session';

/** Only paths inside the portal, so that `?next=` cannot send anyone elsewhere. */
const safeNext = (next: string | null) => (next && next.startsWith('/') && !next.startsWith('//') ? next : '/my/applications');

export function SignInPage() {
  const { t, fmt } = useI18n();
  const { me, demoSignIn } = useSession();
  const { search, navigate } = useRouter();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useTitle(t('signin.title'));

  const personas = useLoad((signal) => api<Persona[]>('/api/v1/auth/demo-personas', { signal }), []);

  const signIn = async (p: Persona) => {
    setBusy(p.identifier);
    setError(null);
    try {
      await demoSignIn(p.identifier);
      navigate(safeNext(search.get('next')));
    } catch (e) {
      setError(e);
      setBusy(null);
    }
  };

  return (
    <>
      <h1>{t('signin.title')}</h1>
      {me && (
        <p className="notice info">
          {t('signin.already', { name: me.name })} <Link to="/my/applications">{t('nav.myApplications')}</Link>
        </p>
      )}
      <p>{t('signin.intro')}</p>
      {error !== null && <ErrorNotice error={error} />}
      {personas.status === 'loading' && <Loading />}
      {personas.status === 'error' &&
        (personas.error instanceof ApiError && personas.error.status === 404 ? <p className="notice info">{t('signin.noDemo')}</p> : <ErrorNotice error={personas.error} />)}
      {personas.status === 'ok' && (
        <section aria-labelledby="demo-personas">
          <h2 id="demo-personas">{t('signin.demoTitle')}</h2>
          <p className="notice warn">{t('signin.demoNote')}</p>
          <ul className="personas">
            {personas.data
              .filter((p) => p.role === 'citizen')
              .map((p) => (
                <li key={p.qualifiedIdentifier}>
                  <button type="button" className="persona" onClick={() => void signIn(p)} disabled={busy !== null} aria-busy={busy === p.identifier}>
                    <span className="persona-name" lang={p.language}>
                      {p.name}
                    </span>
                    <span className="persona-meta">
                      {fmt.region(p.state)} · <span className="mono">{p.identifier}</span>
                    </span>
                  </button>
                </li>
              ))}
          </ul>
        </section>
      )}
    </>
  );
}
