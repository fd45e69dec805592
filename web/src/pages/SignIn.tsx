import { useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, type Me, type Persona, type Role, type ServiceSummary } from '../api';
import { KeyFileField, p12Problem, type ChosenKey } from '../areas/citizen/KeyFileField';
import { loadNcaLayer, NcaLayerChoice, ncaLayerProblem } from '../areas/citizen/NcaLayer';
import { KeyFileError, parseKeyFile, type CertificateHolder } from '../areas/citizen/signing';
import { ErrorNotice, Loading } from '../components';
import { useLoad, useTitle } from '../hooks';
import { useI18n } from '../i18n';
import { Link, useRouter } from '../router';
import { useSession } from '../session';

const ROLES: Role[] = ['citizen', 'officer', 'operator'];
const HOME: Record<Role, string> = { citizen: '/my/applications', officer: '/officer', operator: '/operator' };

/** Only paths inside the portal, so that `?next=` cannot send anyone elsewhere. */
const inside = (next: string | null | undefined): next is string => !!next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') && !next.startsWith('/signin');

/** Where to go after signing in: where the user was going, if it is a page of their role; else their role's home. */
function destination(me: Me, next: string | null, returnTo: string | null): string {
  const own = (p: string) => (me.role === 'citizen' ? !p.startsWith('/officer') && !p.startsWith('/operator') : p.startsWith(HOME[me.role]));
  for (const p of [next, returnTo]) if (inside(p) && own(p)) return p;
  return HOME[me.role];
}

const STATES = ['KZ', 'AZ', 'KG', 'TR', 'UZ'];

export function SignInPage() {
  const { t, fmt, lang } = useI18n();
  const { me, signInWithKey, signInWithCms, returnTo } = useSession();
  const { search, navigate } = useRouter();
  const ids = useId();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [keyFile, setKeyFile] = useState<ChosenKey | null>(null);
  // a .p12 file chosen, its password not yet typed
  const [sealed, setSealed] = useState(false);
  const [keyError, setKeyError] = useState<string | null>(null);
  const [role, setRole] = useState<Role>('citizen');
  const [roleError, setRoleError] = useState<string | null>(null);
  const roleRef = useRef<HTMLFieldSetElement>(null);
  // NCALayer's signature over the challenge, with the certificate it was made with: shown, then sent
  const [nca, setNca] = useState<{ cms: string; holder: CertificateHolder | null } | null>(null);
  const [ncaError, setNcaError] = useState<string | null>(null);
  useTitle(t('signin.title'));

  const personas = useLoad((signal) => api<Persona[]>('/api/v1/auth/demo-personas', { signal }), []);
  const catalog = useLoad((signal) => api<{ items: ServiceSummary[] }>('/api/v1/services', { lang: true, signal }), [lang]);
  const agencies = useMemo(() => (catalog.status === 'ok' ? Object.fromEntries(catalog.data.items.map((s) => [s.agency.code, s.agency.name])) : {}), [catalog]);

  const go = (m: Me) => navigate(destination(m, search.get('next'), returnTo));

  const withKey = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setRoleError(null);
    if (!keyFile) {
      setKeyError(t(sealed ? 'citizen.keyFile.openFirst' : 'signin.key.missing'));
      return;
    }
    setBusy('key');
    try {
      go(await signInWithKey(keyFile, role));
    } catch (err) {
      setBusy(null);
      if (err instanceof ApiError && err.problem?.code === 'signin_no_account') {
        setRoleError(err.problem.detail);
        roleRef.current?.querySelector('input')?.focus();
      } else if (err instanceof KeyFileError) setKeyError(t(`citizen.keyFile.error.${err.problem}`));
      else if (err instanceof Error && !(err instanceof ApiError) && 'problem' in err) setKeyError(p12Problem(t, err));
      else setError(err);
    }
  };

  const refused = (err: unknown) => {
    if (err instanceof ApiError && err.problem?.code === 'signin_no_account') {
      setRoleError(err.problem.detail);
      roleRef.current?.querySelector('input')?.focus();
      return true;
    }
    return false;
  };

  // NCALayer (on the citizen's computer) signs the challenge with an authentication key it lets them choose.
  const withNcaLayer = async () => {
    setError(null);
    setRoleError(null);
    setNcaError(null);
    setNca(null);
    setBusy('nca');
    try {
      const { signWithNcaLayer } = await loadNcaLayer();
      const { nonce } = await api<{ nonce: string }>('/api/v1/auth/challenge', { method: 'POST' });
      setNca(await signWithNcaLayer(nonce, 'auth', lang));
    } catch (err) {
      const problem = ncaLayerProblem(t, err);
      if (problem) setNcaError(problem);
      else setError(err);
    } finally {
      setBusy(null);
    }
  };

  const sendNcaLayer = async () => {
    if (!nca) return;
    setError(null);
    setRoleError(null);
    setBusy('ncaSend');
    try {
      go(await signInWithCms(nca.cms, role));
    } catch (err) {
      setBusy(null);
      // a challenge signs in once: another signature is needed after a refusal
      setNca(null);
      if (!refused(err)) setError(err);
    }
  };

  // A demo persona signs in the same way: its key file signs the node's challenge, with the persona's role.
  const asPersona = async (p: Persona) => {
    setBusy(p.qualifiedIdentifier + p.role);
    setError(null);
    try {
      if (!p.keyFile) throw new KeyFileError('notKey');
      go(await signInWithKey(parseKeyFile(p.keyFile), p.role, { demo: true }));
    } catch (err) {
      setError(err);
      setBusy(null);
    }
  };

  const personaButton = (p: Persona) => (
    <li key={p.qualifiedIdentifier + p.role}>
      <button type="button" className="persona" onClick={() => void asPersona(p)} disabled={busy !== null} aria-busy={busy === p.qualifiedIdentifier + p.role}>
        <span className="persona-name" lang={p.language}>
          {p.name}
        </span>
        <span className="persona-meta">
          {fmt.region(p.state)} · <span className="mono">{p.identifier}</span>
        </span>
        {p.agency && (
          <span className="persona-meta">
            {agencies[p.agency] ?? p.agency}
            {p.permissions?.includes('head') ? ` · ${t('signin.demo.head')}` : ''}
          </span>
        )}
      </button>
    </li>
  );

  const list = personas.status === 'ok' ? personas.data : [];
  const byRole = (r: Role) => list.filter((p) => p.role === r);

  return (
    <>
      <h1>{t('signin.title')}</h1>
      {me && (
        <p className="notice info">
          {t('signin.already', { name: me.name })} <Link to={HOME[me.role]}>{t(`signin.home.${me.role}`)}</Link>
        </p>
      )}
      <p>{t('signin.intro')}</p>
      {error !== null &&
        (error instanceof KeyFileError ? (
          <div className="notice error" role="alert">
            <p>{t(`citizen.keyFile.error.${error.problem}`)}</p>
          </div>
        ) : (
          <ErrorNotice error={error} />
        ))}

      <section aria-labelledby={`${ids}-key`} className="panel">
        <h2 id={`${ids}-key`}>{t('signin.key.title')}</h2>
        <form onSubmit={(e) => void withKey(e)} noValidate>
          <KeyFileField
            label={t('signin.key.label')}
            hint={t('signin.key.hint')}
            error={keyError}
            required
            p12
            onChange={(k, _holder, pending) => {
              setKeyFile(k);
              setSealed(!!pending);
              setKeyError(null);
            }}
          />
          <fieldset className="choices" ref={roleRef} aria-describedby={roleError ? `${ids}-role-error` : undefined}>
            <legend>{t('signin.key.role')}</legend>
            {roleError && (
              <p id={`${ids}-role-error`} className="error-message" role="alert">
                {roleError}
              </p>
            )}
            {ROLES.map((r) => (
              <div className="choice" key={r}>
                <input type="radio" id={`${ids}-role-${r}`} name="role" value={r} checked={role === r} onChange={() => setRole(r)} aria-invalid={roleError ? true : undefined} />
                <label htmlFor={`${ids}-role-${r}`}>{t(`signin.role.${r}`)}</label>
              </div>
            ))}
          </fieldset>
          <button type="submit" disabled={busy !== null} aria-busy={busy === 'key'}>
            {busy === 'key' ? t('signin.key.signing') : t('signin.key.submit')}
          </button>
          <NcaLayerChoice
            id={`${ids}-nca`}
            label={t('citizen.ncalayer.signIn')}
            confirmLabel={t('citizen.ncalayer.confirmSignIn')}
            signed={nca}
            problem={ncaError}
            busy={busy === 'nca' ? 'signing' : busy === 'ncaSend' ? 'sending' : null}
            disabled={busy !== null}
            onSign={() => void withNcaLayer()}
            onConfirm={() => void sendNcaLayer()}
            onDiscard={() => setNca(null)}
          />
        </form>
      </section>

      {personas.status === 'loading' && <Loading />}
      {personas.status === 'error' &&
        (personas.error instanceof ApiError && personas.error.status === 404 ? null : <ErrorNotice error={personas.error} />)}
      {personas.status === 'ok' && (
        <section aria-labelledby={`${ids}-demo`}>
          <h2 id={`${ids}-demo`}>{t('signin.demoTitle')}</h2>
          <p className="notice warn">{t('signin.demoNote')}</p>
          <h3>{t('signin.demo.citizens')}</h3>
          <ul className="personas">{byRole('citizen').map(personaButton)}</ul>
          {byRole('officer').length > 0 && (
            <>
              <h3>{t('signin.demo.officers')}</h3>
              {STATES.filter((s) => byRole('officer').some((p) => p.state === s)).map((s) => (
                <section key={s} aria-labelledby={`${ids}-officers-${s}`}>
                  <h4 id={`${ids}-officers-${s}`}>{fmt.region(s)}</h4>
                  <ul className="personas">{byRole('officer').filter((p) => p.state === s).map(personaButton)}</ul>
                </section>
              ))}
            </>
          )}
          {byRole('operator').length > 0 && (
            <>
              <h3>{t('signin.demo.operator')}</h3>
              <ul className="personas">{byRole('operator').map(personaButton)}</ul>
            </>
          )}
        </section>
      )}
    </>
  );
}
