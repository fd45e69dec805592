import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, newIdempotencyKey, type ApplicationDetail, type Invoice, type Notification, type PaymentStart } from '../../api';
import { ErrorNotice, Fee, Loading } from '../../components';
import { useLoad, useTitle } from '../../hooks';
import { useI18n } from '../../i18n';
import { Link, useRouter } from '../../router';
import { Breadcrumb, CitizenGate, retryable, useCitizen } from './shared';

type Outcome = { kind: 'idle' } | { kind: 'processing' } | { kind: 'paid' } | { kind: 'declined'; reason: string | null } | { kind: 'pending' } | { kind: 'used' };

const POLL_MS = 1000;
const POLL_FOR_MS = 30_000;

const invoiceOf = async (applicationId: string, signal?: AbortSignal) => (await api<{ items: Invoice[] }>('/api/v1/invoices', { signal })).items.find((i) => i.applicationId === applicationId) ?? null;
const failuresOf = async (applicationId: string) =>
  (await api<{ items: Notification[] }>('/api/v1/notifications', { query: { limit: 50 } })).items.filter((n) => n.template === 'payment_failed' && n.applicationId === applicationId);

/**
 * The demo payment provider's card page, as a page of the portal: the provider's checkout is an API
 * (POST /api/v1/payments/demo/checkout/:attemptId). Nothing changes on the node until the provider's signed webhook
 * arrives, so the page then watches the invoice (paid) and the applicant's messages (declined).
 */
export function PayPage({ applicationId, attemptId }: { applicationId: string; attemptId: string }) {
  const { t, fmt } = useI18n();
  const gate = useCitizen();
  const { navigate } = useRouter();
  const ids = useId();
  const app = useLoad((signal) => (gate === 'ok' ? api<ApplicationDetail>(`/api/v1/applications/${encodeURIComponent(applicationId)}`, { signal }) : new Promise<never>(() => {})), [applicationId, gate]);
  const invoice = useLoad((signal) => (gate === 'ok' ? invoiceOf(applicationId, signal) : new Promise<never>(() => {})), [applicationId, gate]);
  const [card, setCard] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const retryKey = useRef<string | null>(null);
  const cardInput = useRef<HTMLInputElement>(null);
  const result = useRef<HTMLDivElement>(null);
  const live = useRef(true);
  useTitle(t('citizen.pay.cardTitle'));
  useEffect(() => {
    live.current = true;
    return () => void (live.current = false);
  }, []);
  useEffect(() => {
    if (outcome.kind === 'paid' || outcome.kind === 'declined') result.current?.focus();
  }, [outcome.kind]);

  if (gate !== 'ok')
    return (
      <>
        <h1>{t('citizen.pay.cardTitle')}</h1>
        <CitizenGate state={gate} next={`/my/applications/${applicationId}/pay/${attemptId}`} />
      </>
    );
  if (app.status === 'loading' || invoice.status === 'loading') return <Loading />;
  if (app.status === 'error' || invoice.status === 'error')
    return (
      <>
        <h1>{t('citizen.pay.cardTitle')}</h1>
        <ErrorNotice error={app.status === 'error' ? app.error : (invoice as { error: unknown }).error} />
      </>
    );
  const a = app.data;
  const inv = invoice.data;
  const paidBefore = inv?.status === 'paid' && outcome.kind === 'idle';
  const back = `/my/applications/${encodeURIComponent(a.id)}`;

  const watch = async (failedBefore: Set<string>) => {
    const until = Date.now() + POLL_FOR_MS;
    while (live.current && Date.now() < until) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      try {
        const [now, failures] = await Promise.all([invoiceOf(a.id), failuresOf(a.id)]);
        if (now?.status === 'paid') return setOutcome({ kind: 'paid' });
        const fresh = failures.find((f) => !failedBefore.has(f.id));
        if (fresh) return setOutcome({ kind: 'declined', reason: fresh.body });
      } catch {
        // a lost answer while polling: ask again
      }
    }
    if (live.current) setOutcome({ kind: 'pending' });
  };

  const pay = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const digits = card.replace(/[\s-]/g, '');
    if (!/^\d{12,19}$/.test(digits)) {
      setInvalid(t('citizen.pay.cardInvalid'));
      cardInput.current?.focus();
      return;
    }
    setInvalid(null);
    setBusy(true);
    try {
      const failedBefore = new Set((await failuresOf(a.id)).map((f) => f.id));
      await api(`/api/v1/payments/demo/checkout/${encodeURIComponent(attemptId)}`, { method: 'POST', body: { cardNumber: digits } });
      setOutcome({ kind: 'processing' });
      await watch(failedBefore);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) setOutcome({ kind: 'used' });
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  // Another card: a new payment attempt (its own Idempotency-Key, the same one on a retry after no answer).
  const again = async () => {
    setBusy(true);
    setError(null);
    retryKey.current ??= newIdempotencyKey();
    try {
      const started = await api<PaymentStart>(`/api/v1/invoices/${encodeURIComponent(inv!.id)}/pay`, { method: 'POST', body: { provider: 'demo' }, idempotencyKey: retryKey.current });
      retryKey.current = null;
      setCard('');
      setOutcome({ kind: 'idle' });
      navigate(`${back}/pay/${encodeURIComponent(started.attemptId)}`, { replace: true });
    } catch (err) {
      if (!retryable(err)) retryKey.current = null;
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const amount = inv ? <Fee amount={inv.amount} currency={inv.currency} /> : null;
  const settled = outcome.kind === 'paid' || paidBefore;

  return (
    <div className="pay">
      <Breadcrumb trail={[{ to: '/my/applications', label: t('applications.title') }, { to: back, label: a.number }, { label: t('citizen.pay.cardTitle') }]} />
      <h1>{t('citizen.pay.cardTitle')}</h1>
      <dl className="facts wide">
        <div>
          <dt>{t('applications.number')}</dt>
          <dd className="mono">{a.number}</dd>
        </div>
        <div>
          <dt>{t('citizen.pay.amount')}</dt>
          <dd className="amount">{amount}</dd>
        </div>
      </dl>

      <div ref={result} tabIndex={-1} className="pay-result">
        <div role="status">
          {outcome.kind === 'processing' && <p className="notice info">{t('citizen.pay.processing')}</p>}
          {settled && (
            <div className="notice ok">
              <h2>{t('citizen.pay.paidTitle')}</h2>
              <p>{t('citizen.pay.paidText')}</p>
              <p>
                <Link className="button" to={back}>
                  {t('citizen.pay.back')}
                </Link>
              </p>
            </div>
          )}
          {outcome.kind === 'pending' && (
            <div className="notice warn">
              <p>{t('citizen.pay.pendingText')}</p>
              <p>
                <Link to={back}>{t('citizen.pay.back')}</Link>
              </p>
            </div>
          )}
        </div>
        {(outcome.kind === 'declined' || outcome.kind === 'used') && (
          <div className="notice error" role="alert">
            <h2>{outcome.kind === 'declined' ? t('citizen.pay.declinedTitle') : t('citizen.pay.usedTitle')}</h2>
            <p>{t('citizen.pay.tryAgainText')}</p>
            <button type="button" onClick={() => void again()} disabled={busy} aria-busy={busy}>
              {t('citizen.pay.tryAgain')}
            </button>
          </div>
        )}
      </div>

      {error !== null && <ErrorNotice error={error} />}

      {!settled && outcome.kind === 'idle' && inv?.status !== 'paid' && (
        <section aria-labelledby={`${ids}-card`} className="panel card-form">
          <h2 id={`${ids}-card`}>{t('citizen.pay.cardSection')}</h2>
          <p className="notice warn">{t('citizen.pay.demoNote')}</p>
          {inv && inv.status !== 'open' ? (
            <p className="notice info">{t('citizen.pay.notOpen', { status: t(`payment.${inv.status}`) })}</p>
          ) : (
            <form onSubmit={(e) => void pay(e)} noValidate>
              {invalid && (
                <div className="notice error" role="alert">
                  <p>
                    <a href={`#${ids}-number`}>{invalid}</a>
                  </p>
                </div>
              )}
              <div className="field">
                <label htmlFor={`${ids}-number`}>{t('citizen.pay.cardNumber')}</label>
                <p id={`${ids}-hint`} className="hint">
                  {t('citizen.pay.cardHint')}
                </p>
                {invalid && (
                  <p id={`${ids}-error`} className="error-message">
                    {invalid}
                  </p>
                )}
                <input
                  id={`${ids}-number`}
                  ref={cardInput}
                  className="width-card mono"
                  value={card}
                  onChange={(e) => setCard(e.target.value)}
                  inputMode="numeric"
                  autoComplete="cc-number"
                  maxLength={23}
                  spellCheck={false}
                  required
                  aria-invalid={invalid ? true : undefined}
                  aria-describedby={`${ids}-hint${invalid ? ` ${ids}-error` : ''}`}
                />
              </div>
              <button type="submit" disabled={busy} aria-busy={busy}>
                {inv ? t('citizen.pay.payAmount', { amount: fmt.money(inv.amount, inv.currency) }) : t('citizen.pay.start')}
              </button>
            </form>
          )}
        </section>
      )}
    </div>
  );
}
