import { useEffect, useId, useState, type FormEvent } from 'react';
import { api, ApiError, type Verification } from '../api';
import { ErrorNotice, Loading } from '../components';
import { useTitle } from '../hooks';
import { useI18n } from '../i18n';
import { useRouter } from '../router';

type Result = { status: 'idle' } | { status: 'loading' } | { status: 'found'; v: Verification } | { status: 'missing'; id: string } | { status: 'error'; error: unknown };

export function CheckPage() {
  const { t, fmt, pick, lang } = useI18n();
  const { search, navigate } = useRouter();
  const ids = useId();
  useTitle(t('check.title'));
  const id = search.get('id')?.trim() ?? '';
  const [value, setValue] = useState(id);
  const [result, setResult] = useState<Result>({ status: 'idle' });

  // The same JSON the QR code's page gives with Accept: application/json.
  useEffect(() => {
    if (!id) return setResult({ status: 'idle' });
    const controller = new AbortController();
    setResult({ status: 'loading' });
    api<Verification>(`/verify/${encodeURIComponent(id)}`, { signal: controller.signal, lang: true }).then(
      (v) => setResult({ status: 'found', v }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setResult(error instanceof ApiError && (error.status === 404 || error.status === 400) ? { status: 'missing', id } : { status: 'error', error });
      },
    );
    return () => controller.abort();
  }, [id, lang]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next = value.trim();
    if (next) navigate(`/check?id=${encodeURIComponent(next)}`, { replace: !id });
  };

  return (
    <>
      <h1>{t('check.title')}</h1>
      <p>{t('check.intro')}</p>
      <form className="search" onSubmit={submit} noValidate>
        <label htmlFor={`${ids}-id`}>{t('check.label')}</label>
        <p id={`${ids}-hint`} className="hint">
          {t('check.hint')}
        </p>
        <div className="search-row">
          <input id={`${ids}-id`} name="id" value={value} onChange={(e) => setValue(e.target.value)} aria-describedby={`${ids}-hint`} maxLength={64} autoComplete="off" spellCheck={false} required />
          <button type="submit">{t('check.button')}</button>
        </div>
      </form>

      <section aria-live="polite" aria-label={t('check.resultLabel')} className="check-result">
        {result.status === 'loading' && <Loading />}
        {result.status === 'error' && <ErrorNotice error={result.error} />}
        {result.status === 'missing' && (
          <div className="notice error">
            <h2>{t('check.notFoundTitle')}</h2>
            <p>{t('check.notFound', { id: result.id })}</p>
          </div>
        )}
        {result.status === 'found' && (() => {
          const v = result.v;
          const state = !v.authentic ? 'forged' : v.status;
          return (
            <div className={`notice ${state === 'valid' ? 'ok' : 'error'}`}>
              <h2>{t(`check.${state}`)}</h2>
              <p>{pick(v.title)}</p>
              {v.authentic && <p>{t('check.authentic', { agency: pick(v.issuer.name) })}</p>}
              {v.revokedAt && <p>{t('check.revokedOn', { date: fmt.dateTime(v.revokedAt), reason: v.revocationReason ?? '' })}</p>}
              <dl className="facts wide">
                <div>
                  <dt>{t('check.number')}</dt>
                  <dd>
                    <code>{v.documentId}</code>
                  </dd>
                </div>
                <div>
                  <dt>{t('check.holder')}</dt>
                  <dd>{v.holder}</dd>
                </div>
                <div>
                  <dt>{t('check.issuer')}</dt>
                  <dd>{pick(v.issuer.name)}</dd>
                </div>
                <div>
                  <dt>{t('check.issuedAt')}</dt>
                  <dd>{fmt.dateTime(v.issuedAt)}</dd>
                </div>
                {v.validUntil && (
                  <div>
                    <dt>{t('check.validUntil')}</dt>
                    <dd>{fmt.day(v.validUntil)}</dd>
                  </div>
                )}
                <div className="span-all">
                  <dt>SHA-256</dt>
                  <dd>
                    <code className="hash">{v.sha256}</code>
                  </dd>
                </div>
              </dl>
            </div>
          );
        })()}
      </section>
    </>
  );
}
