import { useEffect, useId, useState, type FormEvent } from 'react';
import { ApiError } from '../../api';
import { ErrorNotice } from '../../components';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n';
import { ConfirmDialog, Field } from './actions';
import { pdfUrl, revoke, verification, type IssuedDocument, type OfficerApplication, type OfficerMe } from './api';
import { useIdempotencyKeys } from './common';

/** How often and how many times the page looks again for the document of an approved application (the job issues it). */
const WAIT_MS = 1500;
const WAIT_TRIES = 20;

/** The language a `pick`ed text is in: the reader's, else English, else the first there is. */
const languageOf = (texts: Record<string, string>, lang: string): string | undefined => (texts[lang] ? lang : texts.en ? 'en' : Object.keys(texts)[0]);

const today = () => new Date().toISOString().slice(0, 10);

/**
 * The result documents issued for the application: each with its dates, whether it is valid, its PDF and its public
 * verification page; an officer who may decide revokes one with a reason (after a confirmation).
 */
export function DocumentsSection({ app, me, onRefresh }: { app: OfficerApplication; me: OfficerMe; onRefresh(): void }) {
  const { t } = useI18n();
  const ids = useId();
  const [done, setDone] = useState<string | null>(null);
  const [tries, setTries] = useState(0);
  const canRevoke = me.permissions?.includes('decide') ?? false;
  const docs = app.documents;

  // Approved a moment ago: the document job issues the document within seconds; look again until it is there.
  const waiting = app.status === 'approved' && docs.length === 0;
  useEffect(() => {
    if (!waiting || tries >= WAIT_TRIES) return;
    const timer = setTimeout(() => {
      setTries((n) => n + 1);
      onRefresh();
    }, WAIT_MS);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [waiting, tries]);

  return (
    <section aria-labelledby={`${ids}-documents`} className="officer-documents">
      <h2 id={`${ids}-documents`}>{t('officer.documents.title')}</h2>
      <p role="status" className={done ? 'notice ok' : 'officer-empty-status'}>
        {done}
      </p>
      {docs.length === 0 ? (
        waiting ? (
          tries < WAIT_TRIES ? (
            <p>{t('officer.documents.issuing')}</p>
          ) : (
            <>
              <p>{t('officer.documents.notYetIssued')}</p>
              <p>
                <button
                  type="button"
                  className="secondary"
                  onClick={() => {
                    setTries(0);
                    onRefresh();
                  }}
                >
                  {t('officer.documents.checkAgain')}
                </button>
              </p>
            </>
          )
        ) : (
          <p>{['rejected', 'withdrawn', 'declined'].includes(app.status) ? t('officer.documents.noneClosed') : t('officer.documents.none')}</p>
        )
      ) : (
        <ul className="officer-document-list">
          {docs.map((d) => (
            <DocumentCard
              key={d.id}
              doc={d}
              canRevoke={canRevoke}
              onRevoked={(message) => {
                setDone(message);
                onRefresh();
              }}
              onRefresh={onRefresh}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

/** When and why a revoked document was revoked, from its public verification. */
function Revocation({ id }: { id: string }) {
  const { t, fmt } = useI18n();
  const v = useLoad((signal) => verification(id, signal), [id]);
  if (v.status !== 'ok' || !v.data.revokedAt) return null;
  return <p className="officer-revocation">{t('officer.documents.revokedOn', { date: fmt.dateTime(v.data.revokedAt), reason: v.data.revocationReason ?? '' })}</p>;
}

function DocumentCard({ doc, canRevoke, onRevoked, onRefresh }: { doc: IssuedDocument; canRevoke: boolean; onRevoked(message: string): void; onRefresh(): void }) {
  const { t, fmt, pick, lang } = useI18n();
  const ids = useId();
  const keys = useIdempotencyKeys();
  const [reason, setReason] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [focus, setFocus] = useState<{ id: string; tick: number } | null>(null);
  const focusOn = (id: string) => setFocus((f) => ({ id, tick: (f?.tick ?? 0) + 1 }));
  useEffect(() => {
    if (focus) document.getElementById(focus.id)?.focus();
  }, [focus]);

  const title = pick(doc.title);
  const titleLang = languageOf(doc.title, lang);
  const state = doc.revoked ? 'revoked' : doc.validUntil && doc.validUntil < today() ? 'expired' : 'valid';
  const reasonId = `${ids}-reason`;
  const submitId = `${ids}-submit`;
  const headingId = `${ids}-title`;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!reason.trim()) {
      setFieldError(t('officer.actions.required'));
      focusOn(reasonId);
      return;
    }
    setFieldError(undefined);
    setConfirm(true);
  };

  async function run() {
    const text = reason.trim();
    const fingerprint = `revoke ${doc.id} ${text}`;
    setBusy(true);
    setError(null);
    try {
      await revoke(doc.id, text, keys.keyFor(fingerprint), lang);
      keys.settle(fingerprint);
      setConfirm(false);
      setReason('');
      onRevoked(t('officer.documents.done', { title }));
      // The form goes away with the answer: the focus stays on this document, whose status now says "revoked".
      focusOn(headingId);
    } catch (e) {
      // A refusal is final for this request; a network failure or a 5xx keeps the key so that a retry is the same request.
      if (e instanceof ApiError && e.status < 500) keys.settle(fingerprint);
      setConfirm(false);
      const onReason = e instanceof ApiError ? e.problem?.errors?.find((f) => f.field.replace(/^\/(body\/)?/, '') === 'reason') : undefined;
      if (onReason) {
        setFieldError(onReason.message);
        focusOn(reasonId);
      } else {
        setError(e);
        // Already revoked (409), by someone else in the meantime: show the document as it is now.
        if (e instanceof ApiError && e.status === 409) {
          onRefresh();
          focusOn(headingId);
        } else focusOn(submitId);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className="officer-document">
      <h3 id={headingId} tabIndex={-1} lang={titleLang}>
        {title}
      </h3>
      <p>
        <span className={`badge ${state === 'valid' ? 'ok' : 'bad'}`}>{t(`officer.documents.status.${state}`)}</span>
      </p>
      <dl className="facts wide">
        <div>
          <dt>{t('officer.documents.issuedAt')}</dt>
          <dd>{fmt.dateTime(doc.issuedAt)}</dd>
        </div>
        <div>
          <dt>{t('officer.documents.validUntil')}</dt>
          <dd>{doc.validUntil ? fmt.day(doc.validUntil) : t('officer.documents.noEnd')}</dd>
        </div>
        <div className="span-all">
          <dt>{t('officer.documents.number')}</dt>
          <dd>
            <code className="officer-code">{doc.number}</code>
          </dd>
        </div>
      </dl>
      {doc.revoked && <Revocation id={doc.id} />}
      <ul className="officer-links">
        <li>
          <a href={pdfUrl(doc.id)} download>
            {t('officer.documents.download')}
            <span className="visually-hidden"> — {title}</span>
          </a>
        </li>
        <li>
          <a href={doc.verifyUrl}>
            {t('officer.documents.verify')}
            <span className="visually-hidden"> — {title}</span>
          </a>
        </li>
      </ul>
      {error !== null && <ErrorNotice error={error} />}
      {canRevoke && !doc.revoked && (
        <form className="officer-action officer-revoke" onSubmit={submit} noValidate aria-labelledby={`${ids}-revoke`}>
          <h4 id={`${ids}-revoke`}>{t('officer.documents.revokeTitle')}</h4>
          <p className="hint">{t('officer.documents.revokeHint')}</p>
          <Field id={reasonId} label={t('officer.documents.reason')} value={reason} onChange={setReason} error={fieldError} required multiline maxLength={2000} />
          <button type="submit" id={submitId} className="danger" disabled={busy} aria-busy={busy}>
            {t('officer.documents.revoke')}
          </button>
        </form>
      )}
      {confirm && (
        <ConfirmDialog
          title={t('officer.documents.revokeTitle')}
          text={t('officer.documents.confirm', { title })}
          confirmLabel={t('officer.documents.confirmButton')}
          busy={busy}
          onConfirm={() => void run()}
          onCancel={() => {
            setConfirm(false);
            focusOn(submitId);
          }}
        />
      )}
    </li>
  );
}
