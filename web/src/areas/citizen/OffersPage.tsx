import { useId, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, newIdempotencyKey, type ApplicationSummary, type Offer, type OfferAccepted, type ServiceSummary } from '../../api';
import { ErrorNotice, Loading } from '../../components';
import { useLoad, useTitle } from '../../hooks';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { Breadcrumb, CitizenGate, ErrorSummary, retryable, useCitizen } from './shared';

/** Proactive offers: after a registry event (a birth), the state offers to make the applications without a form. */
export function OffersPage() {
  const { t, lang } = useI18n();
  const gate = useCitizen();
  const [version, setVersion] = useState(0);
  useTitle(t('citizen.offers.title'));
  const offers = useLoad((signal) => (gate === 'ok' ? api<{ items: Offer[] }>('/api/v1/me/offers', { signal }) : new Promise<never>(() => {})), [gate, version]);
  const apps = useLoad((signal) => (gate === 'ok' ? api<{ items: ApplicationSummary[] }>('/api/v1/applications', { signal, query: { limit: 100 } }) : new Promise<never>(() => {})), [gate, version]);
  const catalog = useLoad((signal) => api<{ items: ServiceSummary[] }>('/api/v1/services', { lang: true, signal }), [lang]);
  const services = catalog.status === 'ok' ? Object.fromEntries(catalog.data.items.map((s) => [s.code, s])) : {};
  const byId = apps.status === 'ok' ? Object.fromEntries(apps.data.items.map((a) => [a.id, a])) : {};

  return (
    <>
      <Breadcrumb trail={[{ to: '/my', label: t('citizen.account.title') }, { label: t('citizen.offers.title') }]} />
      <h1>{t('citizen.offers.title')}</h1>
      <p>{t('citizen.offers.intro')}</p>
      {gate !== 'ok' ? (
        <CitizenGate state={gate} next="/my/offers" />
      ) : offers.status === 'loading' ? (
        <Loading />
      ) : offers.status === 'error' ? (
        <ErrorNotice error={offers.error} />
      ) : offers.data.items.length === 0 ? (
        <p className="notice info">{t('citizen.offers.none')}</p>
      ) : (
        <ul className="cards">
          {offers.data.items.map((o) => (
            <li key={o.id} className="card">
              <OfferCard offer={o} onAccepted={() => setVersion((v) => v + 1)} applications={o.applications.map((id) => ({ id, app: byId[id] }))} services={services} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function OfferCard({
  offer: o,
  onAccepted,
  applications,
  services,
}: {
  offer: Offer;
  onAccepted(): void;
  applications: { id: string; app?: ApplicationSummary }[];
  services: Record<string, ServiceSummary>;
}) {
  const { t, fmt } = useI18n();
  const ids = useId();
  const [name, setName] = useState('');
  const [iban, setIban] = useState('');
  const [errors, setErrors] = useState<{ name?: string; iban?: string }>({});
  const [summaryKey, setSummaryKey] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [made, setMade] = useState<OfferAccepted | null>(null);
  const key = useRef<string | null>(null);

  const accept = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const found: typeof errors = {};
    const cleanIban = iban.replace(/\s+/g, '').toUpperCase();
    if (!name.trim()) found.name = t('citizen.offers.nameRequired');
    if (!/^[A-Z]{2}[0-9]{2}[0-9A-Z]{11,36}$/.test(cleanIban)) found.iban = t('citizen.offers.ibanInvalid');
    setErrors(found);
    setSummaryKey((k) => k + 1);
    if (found.name || found.iban) return;
    setBusy(true);
    key.current ??= newIdempotencyKey();
    try {
      const answer = await api<OfferAccepted>(`/api/v1/me/offers/${encodeURIComponent(o.id)}/accept`, {
        method: 'POST',
        body: { childGivenName: name.trim(), iban: cleanIban },
        idempotencyKey: key.current,
      });
      key.current = null;
      setMade(answer);
      onAccepted();
    } catch (err) {
      if (!retryable(err)) key.current = null;
      if (err instanceof ApiError && err.status === 422 && err.problem?.errors?.length) {
        const next: typeof errors = {};
        for (const x of err.problem.errors) {
          if (/iban/i.test(x.field)) next.iban = x.message;
          else next.name = [next.name, x.message].filter(Boolean).join(' ');
        }
        setErrors(next);
        setSummaryKey((k) => k + 1);
      } else setError(err);
    } finally {
      setBusy(false);
    }
  };

  const summary = [
    ...(errors.name ? [{ target: `${ids}-name`, text: `${t('citizen.offers.childName')}: ${errors.name}` }] : []),
    ...(errors.iban ? [{ target: `${ids}-iban`, text: `${t('citizen.offers.iban')}: ${errors.iban}` }] : []),
  ];
  const listed = made ? made.applications.map((a) => ({ id: a.id, number: a.number, service: a.service })) : applications.map((a) => ({ id: a.id, number: a.app?.number, service: a.app?.service }));

  return (
    <article aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t(`citizen.offers.kind.${o.kind === 'birth' ? 'birth' : 'other'}`)}</h2>
      <p>
        <span className={`badge ${o.status === 'offered' ? 'warn' : o.status === 'accepted' ? 'ok' : 'neutral'}`}>{t(`citizen.offers.status.${['offered', 'accepted'].includes(o.status) ? o.status : 'other'}`)}</span>
      </p>
      <dl className="facts wide">
        <div>
          <dt>{t('citizen.offers.birthDate')}</dt>
          <dd>{fmt.day(o.event.childBirthDate)}</dd>
        </div>
        <div>
          <dt>{t('citizen.offers.sex')}</dt>
          <dd>{t(`citizen.offers.sexes.${o.event.childSex === 'female' ? 'female' : 'male'}`)}</dd>
        </div>
        <div>
          <dt>{t('citizen.offers.hospital')}</dt>
          <dd>{o.event.hospital}</dd>
        </div>
        <div>
          <dt>{t('citizen.offers.offeredAt')}</dt>
          <dd>{fmt.dateTime(o.createdAt)}</dd>
        </div>
      </dl>
      {o.status === 'offered' && !made && (
        <>
          <p>{t('citizen.offers.explain')}</p>
          <form onSubmit={(e) => void accept(e)} noValidate>
            <ErrorSummary title={t('citizen.form.errorTitle')} items={summary} focusKey={summaryKey} />
            <div className="field">
              <label htmlFor={`${ids}-name`}>{t('citizen.offers.childName')}</label>
              {errors.name && (
                <p id={`${ids}-name-error`} className="error-message">
                  {errors.name}
                </p>
              )}
              <input id={`${ids}-name`} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required aria-invalid={errors.name ? true : undefined} aria-describedby={errors.name ? `${ids}-name-error` : undefined} />
            </div>
            <div className="field">
              <label htmlFor={`${ids}-iban`}>{t('citizen.offers.iban')}</label>
              <p id={`${ids}-iban-hint`} className="hint">
                {t('citizen.offers.ibanHint')}
              </p>
              {errors.iban && (
                <p id={`${ids}-iban-error`} className="error-message">
                  {errors.iban}
                </p>
              )}
              <input
                id={`${ids}-iban`}
                className="width-iban mono"
                value={iban}
                onChange={(e) => setIban(e.target.value)}
                maxLength={40}
                autoComplete="off"
                spellCheck={false}
                required
                aria-invalid={errors.iban ? true : undefined}
                aria-describedby={`${ids}-iban-hint${errors.iban ? ` ${ids}-iban-error` : ''}`}
              />
            </div>
            {error !== null && <ErrorNotice error={error} />}
            <button type="submit" disabled={busy} aria-busy={busy}>
              {t('citizen.offers.accept')}
            </button>
          </form>
        </>
      )}
      <div role="status">{made && <p className="notice ok">{t('citizen.offers.accepted')}</p>}</div>
      {listed.length > 0 && (
        <>
          <h3>{t('citizen.offers.applications')}</h3>
          <ul>
            {listed.map((a) => (
              <li key={a.id}>
                <Link to={`/my/applications/${encodeURIComponent(a.id)}`}>
                  {a.service ? (services[a.service]?.title ?? a.service) : t('citizen.documents.application')}
                </Link>
                {a.number && <span className="mono"> · {a.number}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </article>
  );
}
