import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, type FileVerification, type Verification } from '../api';
import { ErrorNotice, Loading } from '../components';
import { useTitle } from '../hooks';
import { useI18n } from '../i18n';
import { useRouter } from '../router';

type Result =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'found'; v: Verification; byFile?: boolean; signature?: FileVerification['signature'] }
  | { status: 'missing'; id: string }
  | { status: 'nomatch'; signature?: FileVerification['signature'] }
  | { status: 'error'; error: unknown };

/** The node takes a PDF of up to 20 MiB (POST /api/v1/documents/verify). */
const MAX_PDF_BYTES = 20 * 1024 * 1024;
/** The number printed on every document, as the hint shows it. */
const EXAMPLE_NUMBER = 'KZ-CRC-2026-000123';

/** A PDF starts with `%PDF-` (the specification lets it come anywhere in the first 1024 bytes). */
async function looksLikePdf(file: File): Promise<boolean> {
  const head = new Uint8Array(await file.slice(0, 1024).arrayBuffer());
  const text = String.fromCharCode(...head);
  return text.includes('%PDF-');
}

/** The signer's common name, out of a certificate subject ("C=KZ, O=…, CN=Committee …"). */
const signerName = (subject: string | undefined) => /(?:^|[,\n]\s*)CN=([^,\n]+)/.exec(subject ?? '')?.[1] ?? subject ?? '';

/** `verifyKey`: opened at /verify/{key} (a document's QR code), that document's check. */
export function CheckPage({ verifyKey }: { verifyKey?: string } = {}) {
  const { t, fmt, pick, lang } = useI18n();
  const { search, navigate } = useRouter();
  const ids = useId();
  useTitle(t('check.title'));
  const id = verifyKey ?? search.get('id')?.trim() ?? '';
  const [value, setValue] = useState(id);
  const [result, setResult] = useState<Result>({ status: 'idle' });
  // The PDF check: the file chosen, its field error, and the file sent (each press of the button a new check).
  const fileInput = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [sent, setSent] = useState<{ file: File; bytes: ArrayBuffer } | null>(null);
  const [fileResult, setFileResult] = useState<Result>({ status: 'idle' });

  // The same JSON the QR code's page gives with Accept: application/json.
  useEffect(() => {
    if (!id) return setResult({ status: 'idle' });
    const controller = new AbortController();
    setResult({ status: 'loading' });
    api<Verification>(`/verify/${encodeURIComponent(id)}`, { signal: controller.signal, lang: true }).then(
      (v) => !controller.signal.aborted && setResult({ status: 'found', v }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setResult(error instanceof ApiError && (error.status === 404 || error.status === 400) ? { status: 'missing', id } : { status: 'error', error });
      },
    );
    return () => controller.abort();
  }, [id, lang]);

  // Another number in the address (a link, the browser's back): its result replaces the file's.
  useEffect(() => setSent(null), [id]);

  // The file's bytes, compared by the node with the documents it issued; again in another language (the statements).
  useEffect(() => {
    if (!sent) return setFileResult({ status: 'idle' });
    const controller = new AbortController();
    setFileResult({ status: 'loading' });
    api<FileVerification>('/api/v1/documents/verify', { method: 'POST', body: sent.bytes, contentType: 'application/pdf', lang: true, signal: controller.signal }).then(
      (answer) => !controller.signal.aborted && setFileResult(answer.match && answer.document ? { status: 'found', v: answer.document, byFile: true, signature: answer.signature } : { status: 'nomatch', signature: answer.signature }),
      (error: unknown) => !controller.signal.aborted && setFileResult({ status: 'error', error }),
    );
    return () => controller.abort();
  }, [sent, lang]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    // Numbers and ids have no spaces: those copied with them go; the node finds the number in any case.
    const next = value.replace(/\s+/g, '');
    setValue(next);
    setSent(null);
    if (next) navigate(`/check?id=${encodeURIComponent(next)}`, { replace: !id });
  };

  const fieldError = (message: string) => {
    setFileError(message);
    setSent(null);
    fileInput.current?.focus();
  };

  const submitFile = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return fieldError(t('check.fileRequired'));
    if (file.size > MAX_PDF_BYTES) return fieldError(t('check.fileTooLarge'));
    if (file.size === 0 || !(await looksLikePdf(file))) return fieldError(t('check.fileNotPdf'));
    setFileError(null);
    setSent({ file, bytes: await file.arrayBuffer() });
  };

  const shown = sent ? fileResult : result;

  return (
    <>
      <h1>{t('check.title')}</h1>
      <p>{t('check.intro')}</p>
      <form className="search" onSubmit={submit} noValidate>
        <label htmlFor={`${ids}-id`}>{t('check.label')}</label>
        <p id={`${ids}-hint`} className="hint">
          {t('check.hint', { example: EXAMPLE_NUMBER })}
        </p>
        <div className="search-row">
          <input
            id={`${ids}-id`}
            name="id"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            aria-describedby={`${ids}-hint`}
            maxLength={64}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            required
          />
          <button type="submit">{t('check.button')}</button>
        </div>
      </form>

      <form className="search check-file" onSubmit={(e) => void submitFile(e)} noValidate aria-labelledby={`${ids}-file-title`}>
        <h2 id={`${ids}-file-title`}>{t('check.fileTitle')}</h2>
        <p>{t('check.fileIntro')}</p>
        <label htmlFor={`${ids}-file`}>{t('check.fileLabel')}</label>
        <p id={`${ids}-file-hint`} className="hint">
          {t('check.fileHint')}
        </p>
        {fileError && (
          <p id={`${ids}-file-error`} className="error-message" role="alert">
            {fileError}
          </p>
        )}
        <div className="search-row">
          <input
            ref={fileInput}
            id={`${ids}-file`}
            name="file"
            type="file"
            accept="application/pdf,.pdf"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setFileError(null);
            }}
            aria-describedby={`${ids}-file-hint${fileError ? ` ${ids}-file-error` : ''}`}
            aria-invalid={fileError ? true : undefined}
            required
          />
          <button type="submit">{t('check.fileButton')}</button>
        </div>
      </form>

      <section aria-live="polite" aria-label={t('check.resultLabel')} className="check-result">
        {shown.status === 'loading' && <Loading />}
        {shown.status === 'error' && <ErrorNotice error={shown.error} />}
        {shown.status === 'missing' && (
          <div className="notice error">
            <h2>{t('check.notFoundTitle')}</h2>
            <p>{t('check.notFound', { id: shown.id })}</p>
          </div>
        )}
        {shown.status === 'nomatch' && (
          <div className="notice error">
            <h2>{t('check.noMatchTitle')}</h2>
            <p>{t('check.noMatch')}</p>
            {shown.signature && !shown.signature.valid && <p>{t('check.embeddedBroken')}</p>}
          </div>
        )}
        {shown.status === 'found' && (() => {
          const v = shown.v;
          const state = !v.authentic ? 'forged' : v.status;
          return (
            <div className={`notice ${state === 'valid' ? 'ok' : 'error'}`}>
              <h2>{t(`check.${state}`)}</h2>
              <p>{pick(v.title)}</p>
              {shown.byFile && <p>{t('check.fileMatches')}</p>}
              {shown.byFile && shown.signature?.valid && shown.signature.timestamp && (
                <p>{t('check.embeddedSignature', { signer: signerName(shown.signature.signer), time: fmt.dateTime(shown.signature.timestamp.time) })}</p>
              )}
              {v.authentic && <p>{t('check.authentic', { agency: pick(v.issuer.name) })}</p>}
              {v.revokedAt && <p>{t('check.revokedOn', { date: fmt.dateTime(v.revokedAt), reason: v.revocationReason ?? '' })}</p>}
              <dl className="facts wide">
                <div>
                  <dt>{t('check.number')}</dt>
                  <dd>
                    <code>{v.number}</code>
                  </dd>
                </div>
                {v.holder && (
                  <div>
                    <dt>{t('check.holder')}</dt>
                    <dd>{v.holder}</dd>
                  </div>
                )}
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
              {v.disclosure === 'status' && <p className="check-limited">{t('check.statusOnly')}</p>}
              {v.statements.length > 0 && (
                <>
                  <h3>{t('check.certified')}</h3>
                  <dl className="facts wide check-statements">
                    {v.statements.map((s, i) => (
                      <div key={i} className="span-all">
                        <dt>{s.label}</dt>
                        <dd>{s.value}</dd>
                      </div>
                    ))}
                  </dl>
                </>
              )}
            </div>
          );
        })()}
      </section>
    </>
  );
}
