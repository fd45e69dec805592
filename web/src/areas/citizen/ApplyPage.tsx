import { useCallback, useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, newIdempotencyKey, type Prefill, type ServiceDetail, type SubmittedApplication } from '../../api';
import { Deadline, ErrorNotice, Fee, Loading, useLabel } from '../../components';
import { useLoad, useTitle } from '../../hooks';
import { useI18n } from '../../i18n';
import { Link, useRouter } from '../../router';
import { NoSigningKey, useSession, type ApplicationProof } from '../../session';
import { child, dataOf, draftOf, fieldId, formData, pointersInOrder, schemaAt, validate, type Check, type DraftObject, type FieldSchema } from './form';
import { ObjectFields, ReviewValue, useFieldLabel, type FormContext } from './FormFields';
import { CertificateDetails, HolderText, KeyFileField, p12Problem, SignedText } from './KeyFileField';
import { Breadcrumb, CitizenGate, ErrorSummary, problemCode, retryable, useCitizen, useFocusOn, type SummaryItem } from './shared';
import { loadNcaLayer, NcaLayerChoice, ncaLayerProblem } from './NcaLayer';
import { applicationPayload, KeyFileError, type CertificateHolder } from './signing';

type Step = 'form' | 'review';

/** where the node puts a complaint about the signature: the JWS's or the CMS's */
const SIGNATURE_FIELDS = ['/signature', '/cms'];

/** One submission attempt: its Idempotency-Key and the exact body, reused as is on a retry. */
interface Attempt {
  key: string;
  payload: string;
  body: { service: string; data: Record<string, unknown> } & ApplicationProof;
}

export function ApplyPage({ code }: { code: string }) {
  const { t, lang } = useI18n();
  const gate = useCitizen();
  const service = useLoad((signal) => api<ServiceDetail>(`/api/v1/services/${encodeURIComponent(code)}`, { lang: true, signal }), [code, lang]);
  const s = service.status === 'ok' ? service.data : null;
  useTitle(s ? t('citizen.apply.title', { service: s.title }) : t('citizen.apply.heading'));

  if (service.status === 'loading') return <Loading />;
  if (service.status === 'error')
    return (
      <>
        <h1>{t('service.notFoundTitle')}</h1>
        <ErrorNotice error={service.error} />
        <p>
          <Link to="/">{t('service.back')}</Link>
        </p>
      </>
    );
  const heading = (
    <>
      <Breadcrumb
        trail={[
          { to: '/', label: t('nav.services') },
          { to: `/services/${encodeURIComponent(code)}`, label: s!.title, lang: s!.language },
          { label: t('citizen.apply.heading') },
        ]}
      />
      <h1>
        <span className="h1-kicker">{t('citizen.apply.heading')}</span> <span lang={s!.language}>{s!.title}</span>
      </h1>
    </>
  );
  if (gate !== 'ok')
    return (
      <div className="apply">
        {heading}
        <CitizenGate state={gate} next={`/services/${code}/apply`} text={t('citizen.apply.signInFirst')} />
      </div>
    );
  if (!s!.applicants.includes('person'))
    return (
      <div className="apply">
        {heading}
        <p className="notice info">{t('citizen.apply.notForPersons')}</p>
      </div>
    );
  return (
    <div className="apply">
      {heading}
      <ApplyForm service={s!} />
    </div>
  );
}

function ApplyForm({ service: s }: { service: ServiceDetail }) {
  const { t, fmt, lang } = useI18n();
  const label = useLabel();
  const fieldLabel = useFieldLabel();
  const { me, signingKey, signApplication, holdKeyFile, forgetKey } = useSession();
  const { navigate } = useRouter();
  const ids = useId();
  const schema = s.form.schema as unknown as FieldSchema;
  const prefill = useLoad((signal) => api<Prefill>(`/api/v1/services/${encodeURIComponent(s.code)}/prefill`, { signal }), [s.code]);

  const [draft, setDraft] = useState<DraftObject | null>(null);
  const [prefilled, setPrefilled] = useState<DraftObject>({});
  const [step, setStep] = useState<Step>('form');
  const [checked, setChecked] = useState(false);
  // fields the citizen has left: their errors show from then on, the others' once the form is sent on
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const touch = useCallback((pointer: string) => setTouched((was) => (was.has(pointer) ? was : new Set(was).add(pointer))), []);
  const [serverErrors, setServerErrors] = useState<Map<string, string>>(new Map());
  const [summaryKey, setSummaryKey] = useState(0);
  const [busy, setBusy] = useState<null | 'signing' | 'sending'>(null);
  const [error, setError] = useState<unknown>(null);
  const [keyError, setKeyError] = useState<string | null>(null);
  const [sessionEnded, setSessionEnded] = useState(false);
  const attempt = useRef<Attempt | null>(null);
  // NCALayer's signature over the application (its exact payload), with the certificate it was made with
  const [nca, setNca] = useState<{ cms: string; holder: CertificateHolder | null; payload: string } | null>(null);
  const [ncaError, setNcaError] = useState<string | null>(null);
  const stepHeading = useRef<HTMLHeadingElement>(null);

  // The form starts from what the registers know (once-only); if they cannot be asked, it starts empty.
  useEffect(() => {
    if (draft !== null || prefill.status === 'loading') return;
    const fields = prefill.status === 'ok' ? prefill.data.fields : {};
    const values = Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, f.value]));
    const start = draftOf(schema, values) as DraftObject;
    setDraft(start);
    setPrefilled(Object.fromEntries(Object.keys(fields).map((k) => [k, start[k]])));
  }, [prefill, draft, schema]);

  const data = useMemo(() => (draft ? formData(schema, draft) : {}), [draft, schema]);
  const checks = useMemo(() => {
    const out = new Map<string, Check>();
    if (draft) validate(schema, formData(schema, draft), '/data', true, out);
    return out;
  }, [draft, schema]);
  const payload = useMemo(() => applicationPayload(s.code, data), [s.code, data]);

  const message = (c: Check): string => {
    const params: Record<string, unknown> = 'count' in c ? { count: c.count, n: fmt.number(c.count) } : 'limit' in c ? { limit: fmt.number(c.limit) } : {};
    return t(`citizen.form.error.${c.code}`, params);
  };

  const errors = useMemo(() => {
    const out = new Map<string, string>();
    for (const [p, c] of checks) if (checked || touched.has(p)) out.set(p, message(c));
    for (const [p, m] of serverErrors) if (!out.has(p)) out.set(p, m);
    return out;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [checked, touched, checks, serverErrors, t]);

  /** "Other founders 1 › Founder's IIN": a field's label with its parents', for the error summary. */
  const labelPath = (pointer: string): string => {
    const parts = pointer.replace(/^\/data\/?/, '').split('/').filter(Boolean);
    const names: string[] = [];
    let sc: FieldSchema | undefined = schema;
    for (const p of parts) {
      if (!sc) break;
      if (sc.type === 'array') {
        names[names.length - 1] = `${names[names.length - 1]} ${Number(p) + 1}`;
        sc = sc.items;
        continue;
      }
      sc = sc.properties?.[p];
      if (sc) names.push(fieldLabel(sc, p).text);
    }
    return names.join(' › ');
  };

  const summary: SummaryItem[] = useMemo(() => {
    const order = pointersInOrder(schema, draft ? dataOf(schema, draft) : {});
    const rank = (p: string) => {
      const i = order.indexOf(p);
      return i < 0 ? order.length : i;
    };
    return [...errors]
      .filter(([p]) => !SIGNATURE_FIELDS.includes(p))
      .sort(([a], [b]) => rank(a) - rank(b))
      .map(([p, m]) => {
        const known = p.startsWith('/data/') && schemaAt(schema, p);
        const name = known ? labelPath(p) : '';
        // The node's messages name the field already ("IIN of your future spouse is required").
        const named = !name || m.includes(name.split(' › ').at(-1)!);
        return { target: known ? fieldId(p) : `${ids}-form-title`, text: named ? m : `${name}: ${m}` };
      });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [errors, draft, schema]);

  useFocusOn(step, stepHeading, step === 'form' && summary.length > 0);

  const change = (next: DraftObject) => {
    // A field the applicant changes loses the node's earlier complaint about it.
    if (draft && serverErrors.size) {
      const changed = Object.keys(next).filter((k) => JSON.stringify(next[k]) !== JSON.stringify(draft[k]));
      const kept = new Map([...serverErrors].filter(([p]) => !changed.some((k) => p === child('/data', k) || p.startsWith(`${child('/data', k)}/`))));
      if (kept.size !== serverErrors.size) setServerErrors(kept);
    }
    setDraft(next);
  };

  const toReview = (e: FormEvent) => {
    e.preventDefault();
    setChecked(true);
    setSummaryKey((k) => k + 1);
    if (checks.size === 0 && [...serverErrors.keys()].every((p) => SIGNATURE_FIELDS.includes(p))) {
      setStep('review');
      window.scrollTo(0, 0);
    }
  };

  const chooseKey = async (file: Parameters<typeof holdKeyFile>[0] | null, pending?: boolean) => {
    if (!pending) setKeyError(null);
    if (!file) return;
    try {
      const held = await holdKeyFile(file);
      if (held.holder.identifier && me && held.holder.identifier !== me.identifier) {
        setKeyError(t('citizen.keyFile.notYours', { name: held.holder.name ?? held.holder.identifier }));
      }
    } catch (err) {
      setKeyError(t(`citizen.keyFile.error.${err instanceof KeyFileError ? err.problem : 'notKey'}`));
    }
  };

  // NCALayer signs the canonical JSON with a signing key the citizen chooses in its window; the page shows whose.
  const signWithNcaLayer = async () => {
    setError(null);
    setKeyError(null);
    setNcaError(null);
    setNca(null);
    setBusy('signing');
    try {
      const { signWithNcaLayer: sign } = await loadNcaLayer();
      const signed = await sign(payload, 'sign', lang);
      if (signed.holder?.identifier && me && signed.holder.identifier !== me.identifier) {
        setNcaError(t('citizen.keyFile.notYours', { name: signed.holder.name ?? signed.holder.identifier }));
        return;
      }
      setNca({ ...signed, payload });
    } catch (err) {
      setNcaError(ncaLayerProblem(t, err) ?? t('citizen.ncalayer.failed', { detail: (err as Error)?.message ?? String(err) }));
    } finally {
      setBusy(null);
    }
  };

  const submit = async (cms?: string) => {
    setError(null);
    setKeyError(null);
    setNcaError(null);
    try {
      let a = attempt.current;
      if (cms) {
        if (!a || a.payload !== payload || !('cms' in a.body) || a.body.cms !== cms) a = attempt.current = { key: newIdempotencyKey(), payload, body: { service: s.code, data, cms } };
      } else if (!a || a.payload !== payload) {
        setBusy('signing');
        const proof = await signApplication(payload);
        a = attempt.current = { key: newIdempotencyKey(), payload, body: { service: s.code, data, ...proof } };
      }
      setBusy('sending');
      const created = await api<SubmittedApplication>('/api/v1/applications', { method: 'POST', body: a.body, idempotencyKey: a.key });
      navigate(`/my/applications/${encodeURIComponent(created.id)}?submitted=1`);
    } catch (err) {
      setBusy(null);
      if (err instanceof NoSigningKey) {
        setKeyError(t('citizen.review.keyNeeded'));
        return;
      }
      if (err instanceof KeyFileError) {
        setKeyError(t(`citizen.keyFile.error.${err.problem}`));
        return;
      }
      if (err instanceof Error && !(err instanceof ApiError) && 'problem' in err) {
        setKeyError(p12Problem(t, err));
        return;
      }
      if (err instanceof ApiError && err.status === 401) {
        setSessionEnded(true);
        return;
      }
      if (err instanceof ApiError && err.status === 422 && err.problem?.errors?.length) {
        attempt.current = null;
        const signatureError = err.problem.errors.find((x) => SIGNATURE_FIELDS.includes(x.field));
        const fieldErrors = new Map(err.problem.errors.filter((x) => !SIGNATURE_FIELDS.includes(x.field)).map((x) => [x.field, x.message]));
        if (fieldErrors.size) {
          setServerErrors(fieldErrors);
          setStep('form');
          setSummaryKey((k) => k + 1);
        }
        if (signatureError && cms) {
          // NCALayer's signature refused: another key can be chosen in NCALayer
          setNca(null);
          setNcaError(signatureError.message);
        } else if (signatureError) setKeyError(signatureError.message);
        // a certificate the node refused (not for signing, revoked…): another .p12 can be chosen
        if (signatureError?.field === '/cms' && !cms) forgetKey();
        return;
      }
      // No answer, or the node could not finish: the same attempt (same key, same body) is sent again on retry.
      if (!retryable(err) || problemCode(err) === 'idempotency_key_reused') attempt.current = null;
      setError(err);
    }
  };

  if (prefill.status === 'loading' || !draft) return <Loading />;
  const ctx: FormContext = { errors, touch, prefill: prefill.status === 'ok' ? prefill.data.fields : {}, prefilled, serviceLanguage: s.language };
  const unavailable = prefill.status === 'ok' ? prefill.data.unavailable : [];
  const prefilledCount = Object.keys(ctx.prefill).length;
  const wrongKey = !!(signingKey?.holder.identifier && me && signingKey.holder.identifier !== me.identifier);

  return (
    <>
      <ol className="stepper" aria-label={t('citizen.apply.steps')}>
        <li aria-current={step === 'form' ? 'step' : undefined} className={step === 'form' ? 'current' : 'done'}>
          <span className="step-number">1</span> {t('citizen.apply.stepForm')}
        </li>
        <li aria-current={step === 'review' ? 'step' : undefined} className={step === 'review' ? 'current' : undefined}>
          <span className="step-number">2</span> {t('citizen.apply.stepReview')}
        </li>
      </ol>

      {step === 'form' && (
        <form onSubmit={toReview} noValidate aria-labelledby={`${ids}-form-title`}>
          <ErrorSummary title={t('citizen.form.errorTitle')} items={summary} focusKey={summaryKey} />
          <h2 id={`${ids}-form-title`} ref={stepHeading} tabIndex={-1}>
            {t('citizen.apply.stepForm')}
          </h2>
          <p>{t('citizen.apply.formIntro')}</p>
          {prefilledCount > 0 && (
            <p className="notice info">{t('citizen.apply.prefilledIntro', { count: prefilledCount, n: fmt.number(prefilledCount) })}</p>
          )}
          {prefill.status === 'error' && <p className="notice warn">{t('citizen.apply.prefillFailed')}</p>}
          {unavailable.length > 0 && (
            <div className="notice warn">
              <p>{t('citizen.apply.unavailable')}</p>
              <ul>
                {unavailable.map((k) => {
                  const e = s.evidence.find((x) => x.key === k);
                  return (
                    <li key={k} lang={s.language}>
                      {e?.title ?? k}
                      {e && <span className="muted"> — {label('registry', e.registry)}</span>}
                    </li>
                  );
                })}
              </ul>
            </div>
          )}
          <div className="form-fields">
            <ObjectFields schema={schema} pointer="/data" draft={draft} onChange={change} ctx={ctx} />
          </div>
          <div className="actions">
            <button type="submit">{t('citizen.apply.continue')}</button>
            <Link to={`/services/${encodeURIComponent(s.code)}`} className="button secondary">
              {t('citizen.apply.cancel')}
            </Link>
          </div>
        </form>
      )}

      {step === 'review' && (
        <section aria-labelledby={`${ids}-review-title`} className="review">
          <h2 id={`${ids}-review-title`} ref={stepHeading} tabIndex={-1}>
            {t('citizen.apply.stepReview')}
          </h2>
          <p>{t('citizen.review.intro')}</p>
          <dl className="review-list">
            {Object.entries(schema.properties ?? {})
              .filter(([k]) => data[k] !== undefined)
              .map(([k, fs]) => {
                const l = fieldLabel(fs, k);
                return (
                  <div key={k}>
                    <dt lang={l.lang}>{l.text}</dt>
                    <dd>
                      <ReviewValue schema={fs} value={data[k]} />
                      {ctx.prefill[k] && JSON.stringify(prefilled[k]) === JSON.stringify(draft[k]) && (
                        <span className="muted review-source"> — {t('citizen.form.prefilled', { registry: label('registry', ctx.prefill[k].registry) })}</span>
                      )}
                    </dd>
                  </div>
                );
              })}
          </dl>
          <p>
            <button type="button" className="secondary" onClick={() => setStep('form')} disabled={busy !== null}>
              {t('citizen.review.change')}
            </button>
          </p>

          <h3>{t('citizen.review.termsTitle')}</h3>
          <dl className="facts wide">
            <div>
              <dt>{t('service.fee')}</dt>
              <dd>
                <Fee amount={s.fee.amount} currency={s.fee.currency} />
              </dd>
            </div>
            <div>
              <dt>{t('service.deadline')}</dt>
              <dd>
                <Deadline {...s.deadline} />
              </dd>
            </div>
            <div>
              <dt>{t('service.agency')}</dt>
              <dd lang={s.language}>{s.agency.name}</dd>
            </div>
            <div>
              <dt>{t('service.result')}</dt>
              <dd lang={s.language}>{s.result.title}</dd>
            </div>
          </dl>
          <p className="notice info">{s.fee.amount > 0 ? t('citizen.review.feeNote', { amount: fmt.money(s.fee.amount, s.fee.currency) }) : t('citizen.review.freeNote')}</p>

          <SignedText payload={payload} />

          <h3>{t('citizen.review.signTitle')}</h3>
          {sessionEnded ? (
            <div className="notice error" role="alert">
              <p>{t('citizen.review.sessionEnded')}</p>
              <p>
                <Link className="button" to={`/signin?next=${encodeURIComponent(`/services/${s.code}/apply`)}`}>
                  {t('layout.signIn')}
                </Link>
              </p>
            </div>
          ) : (
            <>
              {signingKey && !wrongKey ? (
                <p className="key-holder">
                  {t('citizen.review.signingWith')} <strong>
                    <HolderText holder={signingKey.holder} />
                  </strong>
                </p>
              ) : (
                <KeyFileField label={t('citizen.review.keyLabel')} hint={t('citizen.review.keyHint')} onChange={(k, _h, pending) => void chooseKey(k, pending)} error={keyError} required p12 />
              )}
              {signingKey && !wrongKey && signingKey.kind === 'p12' && <CertificateDetails holder={signingKey.holder} />}
              {signingKey && !wrongKey && keyError && (
                <p className="error-message" role="alert">
                  {keyError}
                </p>
              )}
              {error !== null && <ErrorNotice error={error} />}
              {error !== null && attempt.current && <p className="hint">{t('citizen.review.retrySafe')}</p>}
              <p className="sr-status visually-hidden" role="status">
                {busy === 'signing' ? t('citizen.review.signing') : busy === 'sending' ? t('citizen.review.sending') : ''}
              </p>
              {!(nca && nca.payload === payload) && (
                <div className="actions">
                  <button type="button" onClick={() => void submit()} disabled={busy !== null || wrongKey} aria-busy={busy !== null}>
                    {busy === 'signing' ? t('citizen.review.signing') : busy === 'sending' ? t('citizen.review.sending') : error !== null && attempt.current ? t('citizen.review.retry') : t('citizen.review.submit')}
                  </button>
                </div>
              )}
              <NcaLayerChoice
                id={`${ids}-nca`}
                label={t('citizen.ncalayer.sign')}
                confirmLabel={error !== null && attempt.current ? t('citizen.review.retry') : t('citizen.ncalayer.confirmSubmit')}
                signed={nca && nca.payload === payload ? nca : null}
                problem={ncaError}
                busy={busy}
                onSign={() => void signWithNcaLayer()}
                onConfirm={() => void submit(nca!.cms)}
                onDiscard={() => setNca(null)}
              />
            </>
          )}
        </section>
      )}
    </>
  );
}

