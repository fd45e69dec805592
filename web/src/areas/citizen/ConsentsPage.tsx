import { useId, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, newIdempotencyKey, type ConsentAnswer, type ConsentRequest, type ServiceDetail } from '../../api';
import { ErrorNotice, Loading, useLabel } from '../../components';
import { useLoad, useTitle } from '../../hooks';
import { useI18n } from '../../i18n';
import { NoSigningKey, useSession } from '../../session';
import { DataList, formSchema, useFieldLabel } from './FormFields';
import { HolderText, KeyFileField, SignedText, type ChosenKey } from './KeyFileField';
import { Breadcrumb, CitizenGate, ErrorSummary, retryable, useCitizen } from './shared';
import { ConfirmWithReason } from './ConfirmWithReason';
import { applicationPayload, KeyFileError } from './signing';

const never = () => new Promise<never>(() => {});
const TONE: Record<string, string> = { pending: 'warn', given: 'ok', declined: 'bad' };

/**
 * Requests to sign: applications of others that name me (a future spouse's, the other parent's, a company's). I sign
 * the very text the applicant signed, or decline; until then nothing about me is fetched and nothing is decided.
 */
export function ConsentsPage() {
  const { t, lang } = useI18n();
  const gate = useCitizen();
  const [version, setVersion] = useState(0);
  useTitle(t('citizen.consents.title'));
  const requests = useLoad((signal) => (gate === 'ok' ? api<{ items: ConsentRequest[] }>('/api/v1/me/consents', { signal }) : never()), [gate, version]);
  const items = requests.status === 'ok' ? requests.data.items : [];
  // Each service's form once, for its fields' labels in my language; a form that cannot be had leaves the names.
  const codes = [...new Set(items.map((r) => r.service))].sort().join(',');
  const forms = useLoad(
    async (signal) => ({
      codes,
      list: await Promise.all(codes.split(',').filter(Boolean).map((c) => api<ServiceDetail>(`/api/v1/services/${encodeURIComponent(c)}`, { lang: true, signal }).catch(() => null))),
    }),
    [codes, lang],
  );
  const ready = forms.status === 'ok' && forms.data.codes === codes;
  const services = Object.fromEntries((forms.status === 'ok' ? forms.data.list : []).flatMap((s) => (s ? [[s.code, s] as const] : [])));
  // the ones waiting for me first, each group newest first as the node lists them
  const ordered = [...items.filter((r) => r.status === 'pending'), ...items.filter((r) => r.status !== 'pending')];

  return (
    <>
      <Breadcrumb trail={[{ to: '/my', label: t('citizen.account.title') }, { label: t('citizen.consents.title') }]} />
      <h1>{t('citizen.consents.title')}</h1>
      <p>{t('citizen.consents.intro')}</p>
      {gate !== 'ok' ? (
        <CitizenGate state={gate} next="/my/consents" />
      ) : requests.status === 'error' ? (
        <ErrorNotice error={requests.error} />
      ) : requests.status === 'loading' || !ready ? (
        <Loading />
      ) : ordered.length === 0 ? (
        <p className="notice info">{t('citizen.consents.none')}</p>
      ) : (
        <ul className="cards">
          {ordered.map((r) => (
            <li key={r.applicationId} className="card">
              <ConsentCard request={r} service={services[r.service]} onAnswered={() => setVersion((v) => v + 1)} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function ConsentCard({ request: r, service, onAnswered }: { request: ConsentRequest; service: ServiceDetail | undefined; onAnswered(): void }) {
  const { t, fmt } = useI18n();
  const label = useLabel();
  const fieldLabel = useFieldLabel();
  const ids = useId();
  const [done, setDone] = useState<string | null>(null);
  const status = useRef<HTMLParagraphElement>(null);
  const schema = formSchema(service);
  const named = fieldLabel(schema.properties?.[r.field] ?? {}, r.field);
  const payload = applicationPayload(r.service, r.data);
  const answered = (message: string) => {
    setDone(message);
    onAnswered();
    // The actions go away with the request's status: what was done is said, and the focus goes there.
    setTimeout(() => status.current?.focus(), 0);
  };

  return (
    <article aria-labelledby={`${ids}-title`} className="consent">
      <h2 id={`${ids}-title`}>
        <span lang={service?.language}>{service?.title ?? r.serviceTitle}</span>
      </h2>
      <p>
        <span className={`badge ${TONE[r.status] ?? 'neutral'}`}>{label('citizen.consents.status', r.status)}</span>
      </p>
      <dl className="facts wide">
        <div>
          <dt>{t('citizen.consents.applicant')}</dt>
          <dd>{r.applicant}</dd>
        </div>
        <div>
          <dt>{t('applications.number')}</dt>
          <dd className="mono">{r.number}</dd>
        </div>
        <div>
          <dt>{t('citizen.consents.requestedAt')}</dt>
          <dd>{fmt.dateTime(r.requestedAt)}</dd>
        </div>
        {r.status === 'pending' && (
          <div>
            <dt>{t('citizen.consents.dueAt')}</dt>
            <dd>{fmt.dateTime(r.dueAt)}</dd>
          </div>
        )}
        <div>
          <dt>{t('citizen.consents.namedAs')}</dt>
          <dd lang={named.lang}>{named.text}</dd>
        </div>
      </dl>
      <p role="status" className={done ? 'notice ok' : 'status-empty'} tabIndex={-1} ref={status}>
        {done}
      </p>

      <h3>{t('citizen.consents.dataTitle')}</h3>
      {/* the form's labels speak to the applicant ("your surname"), not to me */}
      <p className="hint">{t('citizen.consents.dataHint', { applicant: r.applicant })}</p>
      <DataList schema={schema} data={r.data} />
      <SignedText payload={payload} />

      {r.status === 'pending' && !done && (
        <>
          <SignConsent request={r} payload={payload} onDone={answered} />
          <DeclineConsent request={r} onDone={answered} />
        </>
      )}
    </article>
  );
}

/** Signing with the key file, as when applying: the same payload as the applicant's, with my key. */
function SignConsent({ request: r, payload, onDone }: { request: ConsentRequest; payload: string; onDone(message: string): void }) {
  const { t } = useI18n();
  const { me, signingKey, sign, holdKeyFile } = useSession();
  const ids = useId();
  const [keyError, setKeyError] = useState<string | null>(null);
  const [summaryKey, setSummaryKey] = useState(0);
  const [busy, setBusy] = useState<null | 'signing' | 'sending'>(null);
  const [error, setError] = useState<unknown>(null);
  // One answer: its Idempotency-Key and signature, sent again as they are on a retry (a new signature would differ).
  const attempt = useRef<{ key: string; signature: string } | null>(null);
  const wrongKey = !!(signingKey?.holder.identifier && me && signingKey.holder.identifier !== me.identifier);
  // (a consent is signed with the node's JSON key file: a .p12 held for an application is not asked to)
  const askKey = !signingKey || wrongKey || signingKey.kind === 'p12';

  const refuse = (message: string) => {
    setKeyError(message);
    setSummaryKey((k) => k + 1);
  };

  const chooseKey = async (file: ChosenKey | null) => {
    setKeyError(null);
    if (!file) return;
    try {
      const held = await holdKeyFile(file);
      if (held.holder.identifier && me && held.holder.identifier !== me.identifier) setKeyError(t('citizen.keyFile.notYours', { name: held.holder.name ?? held.holder.identifier }));
    } catch (err) {
      setKeyError(t(`citizen.keyFile.error.${err instanceof KeyFileError ? err.problem : 'notKey'}`));
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setKeyError(null);
    try {
      if (!attempt.current) {
        setBusy('signing');
        attempt.current = { key: newIdempotencyKey(), signature: await sign(payload) };
      }
      setBusy('sending');
      const answer = await api<ConsentAnswer>(`/api/v1/applications/${encodeURIComponent(r.applicationId)}/consent`, {
        method: 'POST',
        body: { signature: attempt.current.signature },
        idempotencyKey: attempt.current.key,
      });
      attempt.current = null;
      onDone(t('citizen.consents.signed', { number: answer.number }));
    } catch (err) {
      if (err instanceof NoSigningKey) return refuse(t('citizen.consents.keyNeeded'));
      if (err instanceof KeyFileError) return refuse(t(`citizen.keyFile.error.${err.problem}`));
      const badSignature = err instanceof ApiError && err.status === 422 ? err.problem?.errors?.find((x) => x.field === '/signature') : undefined;
      if (badSignature || !retryable(err)) attempt.current = null;
      if (badSignature) return refuse(badSignature.message);
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const working = busy === 'signing' ? t('citizen.review.signing') : busy === 'sending' ? t('citizen.review.sending') : '';
  return (
    <section aria-labelledby={`${ids}-sign`} className="panel panel-warn">
      <h3 id={`${ids}-sign`}>{t('citizen.consents.signTitle')}</h3>
      <ErrorSummary title={t('citizen.form.errorTitle')} items={keyError ? [{ target: askKey ? `${ids}-key` : `${ids}-submit`, text: keyError }] : []} focusKey={summaryKey} />
      <p>{t('citizen.consents.signIntro', { applicant: r.applicant })}</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        {askKey ? (
          <KeyFileField inputId={`${ids}-key`} label={t('citizen.review.keyLabel')} hint={t('citizen.review.keyHint')} onChange={(k) => void chooseKey(k)} error={keyError} required />
        ) : (
          <>
            <p className="key-holder">
              {t('citizen.review.signingWith')} <strong>
                <HolderText holder={signingKey.holder} />
              </strong>
            </p>
            {keyError && <p className="error-message">{keyError}</p>}
          </>
        )}
        {error !== null && <ErrorNotice error={error} />}
        {error !== null && attempt.current && <p className="hint">{t('citizen.consents.retrySafe')}</p>}
        <p className="visually-hidden" role="status">
          {working}
        </p>
        <div className="actions">
          <button id={`${ids}-submit`} type="submit" disabled={busy !== null || wrongKey} aria-busy={busy !== null}>
            {working || (error !== null && attempt.current ? t('citizen.review.retry') : t('citizen.consents.sign'))}
          </button>
        </div>
      </form>
    </section>
  );
}

/** Declining needs no key: the application is closed, and the applicant sees the reason given. */
function DeclineConsent({ request: r, onDone }: { request: ConsentRequest; onDone(message: string): void }) {
  const { t } = useI18n();
  return (
    <ConfirmWithReason
      level={3}
      texts={{
        title: t('citizen.consents.declineTitle'),
        intro: t('citizen.consents.declineIntro'),
        start: t('citizen.consents.decline'),
        confirmTitle: t('citizen.consents.confirmTitle', { number: r.number }),
        confirmText: t('citizen.consents.confirmText', { applicant: r.applicant }),
        reason: t('citizen.consents.reason'),
        reasonHint: t('citizen.consents.reasonHint'),
        confirm: t('citizen.consents.confirm'),
        keep: t('citizen.consents.keep'),
      }}
      run={async (reason, key) => {
        const url = `/api/v1/applications/${encodeURIComponent(r.applicationId)}/decline-consent`;
        const answer = await api<ConsentAnswer>(url, { method: 'POST', body: reason ? { reason } : {}, idempotencyKey: key });
        return t('citizen.consents.declined', { number: answer.number });
      }}
      onDone={onDone}
    />
  );
}
