import { useId, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, type ApplicationDetail, type HistoryAction, type Invoice, type PaymentStart, type ServiceDetail } from '../../api';
import { DataList, formSchema } from './FormFields';
import { ErrorNotice, Fee } from '../../components';
import { useI18n } from '../../i18n';
import { useRouter } from '../../router';
import { useIdempotent } from './shared';
import { ConfirmWithReason } from './ConfirmWithReason';

/** Statuses before a decision: the applicant may still withdraw. */
const OPEN = ['awaiting_consent', 'awaiting_payment', 'submitted', 'in_review', 'info_requested'];

const last = (history: HistoryAction[], type: string) => [...history].sort((a, b) => b.seq - a.seq).find((h) => h.type === type);
const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v : null);

/**
 * What the applicant can do on the application page: pay, answer the agency, withdraw; why it was refused; whose
 * signature it waits for.
 */
export function ApplicationActions({ application: a, invoice, onChanged }: { application: ApplicationDetail; invoice: Invoice | null; onChanged(): void }) {
  // What was just done stays said here: the section that did it goes away with the status it answered.
  const [done, setDone] = useState<string | null>(null);
  const status = useRef<HTMLParagraphElement>(null);
  const finished = (message: string) => {
    setDone(message);
    onChanged();
    setTimeout(() => status.current?.focus(), 0);
  };
  return (
    <>
      <p role="status" className={done ? 'notice ok' : 'status-empty'} tabIndex={-1} ref={status}>
        {done}
      </p>
      {a.status === 'rejected' && <Refusal application={a} />}
      {a.status === 'awaiting_consent' && <AwaitingConsent fee={!!invoice && invoice.status === 'open'} />}
      {a.status === 'declined' && <ConsentRefused application={a} fee={invoice?.status === 'cancelled'} />}
      {a.status === 'awaiting_payment' && invoice?.status === 'open' && <PayFee application={a} invoice={invoice} />}
      {a.status === 'info_requested' && <AnswerInfo application={a} onDone={finished} />}
      {OPEN.includes(a.status) && <Withdraw application={a} paid={invoice?.status === 'paid'} onDone={finished} />}
    </>
  );
}

function Refusal({ application: a }: { application: ApplicationDetail }) {
  const { t } = useI18n();
  const ids = useId();
  const decision = last(a.history, 'reject');
  const reason = text(decision?.details.reason);
  const basis = text(decision?.details.legalBasis);
  if (!reason && !basis) return null;
  return (
    <section aria-labelledby={`${ids}-refusal`} className="panel panel-bad">
      <h2 id={`${ids}-refusal`}>{t('citizen.application.refusalTitle')}</h2>
      <dl className="facts wide">
        {reason && (
          <div className="span-all">
            <dt>{t('citizen.application.reason')}</dt>
            <dd className="note">{reason}</dd>
          </div>
        )}
        {basis && (
          <div className="span-all">
            <dt>{t('citizen.application.legalBasis')}</dt>
            <dd className="note">{basis}</dd>
          </div>
        )}
      </dl>
    </section>
  );
}

/** The persons the application names have not all signed it: nothing to pay yet, nothing decided (no pay button). */
function AwaitingConsent({ fee }: { fee: boolean }) {
  const { t } = useI18n();
  const ids = useId();
  return (
    <section aria-labelledby={`${ids}-consent`} className="panel panel-warn">
      <h2 id={`${ids}-consent`}>{t('citizen.consentWait.title')}</h2>
      <p>{t('citizen.consentWait.text')}</p>
      {fee && <p>{t('citizen.consentWait.fee')}</p>}
    </section>
  );
}

/** Closed because a person it names declined to sign it, or let the term pass; with their reason when they gave one. */
function ConsentRefused({ application: a, fee }: { application: ApplicationDetail; fee: boolean }) {
  const { t } = useI18n();
  const ids = useId();
  const closing = [...a.history].sort((x, y) => y.seq - x.seq).find((h) => h.type === 'consent_declined' || h.type === 'consent_lapsed');
  const reason = closing?.type === 'consent_declined' ? text(closing.details.reason) : null;
  return (
    <section aria-labelledby={`${ids}-declined`} className="panel panel-bad">
      <h2 id={`${ids}-declined`}>{t('citizen.consentClosed.title')}</h2>
      <p>{t(closing?.type === 'consent_lapsed' ? 'citizen.consentClosed.lapsed' : 'citizen.consentClosed.declined')}</p>
      {reason && (
        <dl className="facts wide">
          <div className="span-all">
            <dt>{t('citizen.consentClosed.reason')}</dt>
            <dd className="note">{reason}</dd>
          </div>
        </dl>
      )}
      {fee && <p>{t('citizen.consentClosed.fee')}</p>}
    </section>
  );
}

function PayFee({ application: a, invoice }: { application: ApplicationDetail; invoice: Invoice }) {
  const { t } = useI18n();
  const { navigate } = useRouter();
  const ids = useId();
  const once = useIdempotent();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const started = await once((key) => api<PaymentStart>(`/api/v1/invoices/${encodeURIComponent(invoice.id)}/pay`, { method: 'POST', body: { provider: 'demo' }, idempotencyKey: key }));
      navigate(`/my/applications/${encodeURIComponent(a.id)}/pay/${encodeURIComponent(started.attemptId)}`);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby={`${ids}-pay`} className="panel panel-warn">
      <h2 id={`${ids}-pay`}>{t('citizen.pay.title')}</h2>
      <p>{t('citizen.pay.why')}</p>
      <p className="amount">
        <Fee amount={invoice.amount} currency={invoice.currency} />
      </p>
      {error !== null && <ErrorNotice error={error} />}
      <button type="button" onClick={() => void start()} disabled={busy} aria-busy={busy}>
        {t('citizen.pay.start')}
      </button>
    </section>
  );
}

function AnswerInfo({ application: a, onDone }: { application: ApplicationDetail; onDone(message: string): void }) {
  const { t, fmt } = useI18n();
  const ids = useId();
  const once = useIdempotent();
  const request = last(a.history, 'request_info');
  const [answer, setAnswer] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const field = useRef<HTMLTextAreaElement>(null);

  const send = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const message = answer.trim();
    if (!message) {
      setInvalid(t('citizen.info.required'));
      field.current?.focus();
      return;
    }
    setInvalid(null);
    setBusy(true);
    try {
      await once((key) => api(`/api/v1/applications/${encodeURIComponent(a.id)}/answer-info`, { method: 'POST', body: { message }, idempotencyKey: key }));
      setAnswer('');
      onDone(t('citizen.info.sent'));
    } catch (err) {
      if (err instanceof ApiError && err.status === 422 && err.problem?.errors?.length) {
        setInvalid(err.problem.errors.map((x) => x.message).join(' '));
        field.current?.focus();
      } else setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby={`${ids}-info`} className="panel panel-warn">
      <h2 id={`${ids}-info`}>{t('citizen.info.title')}</h2>
      {request && (
        <figure className="request">
          <blockquote className="note">{text(request.details.message) ?? ''}</blockquote>
          <figcaption className="muted">{t('citizen.info.asked', { date: fmt.dateTime(request.at) })}</figcaption>
        </figure>
      )}
      {request?.details.deadlinePaused === true && <p className="hint">{t('citizen.info.paused')}</p>}
      <form onSubmit={(e) => void send(e)} noValidate>
        {invalid && (
          <div className="notice error" role="alert">
            <p>
              <a href={`#${ids}-answer`}>{invalid}</a>
            </p>
          </div>
        )}
        <div className="field">
          <label htmlFor={`${ids}-answer`}>{t('citizen.info.label')}</label>
          <p id={`${ids}-hint`} className="hint">
            {t('citizen.info.hint')}
          </p>
          {invalid && (
            <p id={`${ids}-error`} className="error-message">
              {invalid}
            </p>
          )}
          <textarea
            id={`${ids}-answer`}
            ref={field}
            value={answer}
            onChange={(e) => setAnswer(e.target.value)}
            rows={5}
            maxLength={4000}
            required
            aria-invalid={invalid ? true : undefined}
            aria-describedby={`${ids}-hint${invalid ? ` ${ids}-error` : ''}`}
          />
        </div>
        {error !== null && <ErrorNotice error={error} />}
        <button type="submit" disabled={busy} aria-busy={busy}>
          {t('citizen.info.send')}
        </button>
      </form>
    </section>
  );
}

function Withdraw({ application: a, paid, onDone }: { application: ApplicationDetail; paid: boolean; onDone(message: string): void }) {
  const { t } = useI18n();
  return (
    <ConfirmWithReason
      level={2}
      texts={{
        title: t('citizen.withdraw.title'),
        intro: t('citizen.withdraw.intro'),
        start: t('citizen.withdraw.start'),
        confirmTitle: t('citizen.withdraw.confirmTitle', { number: a.number }),
        confirmText: paid ? t('citizen.withdraw.confirmPaid') : t('citizen.withdraw.confirmText'),
        reason: t('citizen.withdraw.reason'),
        confirm: t('citizen.withdraw.confirm'),
        keep: t('citizen.withdraw.keep'),
      }}
      run={async (reason, key) => {
        await api(`/api/v1/applications/${encodeURIComponent(a.id)}/withdraw`, { method: 'POST', body: reason ? { reason } : {}, idempotencyKey: key });
        return t('citizen.withdraw.done', { number: a.number });
      }}
      onDone={onDone}
    />
  );
}

/** What the applicant submitted, in the form's order, with labels and values as the form showed them. */
export function SubmittedData({ application: a, service }: { application: ApplicationDetail; service: ServiceDetail | null }) {
  const { t } = useI18n();
  const ids = useId();
  if (!Object.keys(a.data).length) return null;
  return (
    <section aria-labelledby={`${ids}-submitted`}>
      <h2 id={`${ids}-submitted`}>{a.viewer.role === 'party' ? t('application.submittedDataParty', { applicant: a.applicant.name }) : t('application.submittedData')}</h2>
      <DataList schema={formSchema(service)} data={a.data} />
    </section>
  );
}
