import { useId, useState, type ChangeEvent } from 'react';
import { useI18n } from '../../i18n';
import { certificateHolder, KeyFileError, parseKeyFile, type CertificateHolder, type KeyFile } from './signing';

/** The exact text a signature covers (the canonical JSON of {service, data}), for anyone who wants to read it. */
export function SignedText({ payload }: { payload: string }) {
  const { t } = useI18n();
  return (
    <details className="signed-text">
      <summary>{t('citizen.review.signedText')}</summary>
      <p className="hint">{t('citizen.review.signedTextHint')}</p>
      <pre tabIndex={0} aria-label={t('citizen.review.signedText')}>
        {payload}
      </pre>
    </details>
  );
}

/** The holder of a key, as a line of text: "Сейітова Айгерім · KZ 900412473208". */
export function HolderText({ holder }: { holder: CertificateHolder }) {
  const { t, fmt } = useI18n();
  return (
    <>
      {holder.name ?? t('citizen.keyFile.unknownHolder')}
      {holder.identifier && (
        <>
          {' · '}
          <span className="mono">
            {holder.state} {holder.identifier}
          </span>
        </>
      )}
      {holder.notAfter && <> · {t('citizen.keyFile.validUntil', { date: fmt.day(holder.notAfter.toISOString()) })}</>}
    </>
  );
}

/**
 * A file input for a key file (a private JWK with its certificate chain): read in the browser, checked, and
 * handed over with the certificate's holder. The file never leaves the browser; only signatures made with it do.
 */
export function KeyFileField({
  label,
  hint,
  onChange,
  error,
  required,
  inputId,
}: {
  label: string;
  hint: string;
  onChange(keyFile: KeyFile | null, holder: CertificateHolder | null): void;
  /** an error about the key from outside (e.g. it is someone else's) */
  error?: string | null;
  required?: boolean;
  /** the file input's id, for an error summary's link to it */
  inputId?: string;
}) {
  const { t } = useI18n();
  const id = useId();
  const [problem, setProblem] = useState<string | null>(null);
  const [holder, setHolder] = useState<CertificateHolder | null>(null);
  const input = inputId ?? `${id}-file`;

  const read = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    setProblem(null);
    setHolder(null);
    if (!file) return onChange(null, null);
    try {
      if (file.size > 64 * 1024) throw new KeyFileError('notKey');
      const keyFile = parseKeyFile(await file.text());
      const h = certificateHolder(keyFile.x5c[0]);
      setHolder(h);
      onChange(keyFile, h);
    } catch (err) {
      setProblem(t(`citizen.keyFile.error.${err instanceof KeyFileError ? err.problem : 'notKey'}`));
      onChange(null, null);
    }
  };

  const shown = problem ?? error ?? null;
  return (
    <div className="field">
      <label htmlFor={input}>{label}</label>
      <p id={`${id}-hint`} className="hint">
        {hint}
      </p>
      {shown && (
        <p id={`${id}-error`} className="error-message" role="alert">
          {shown}
        </p>
      )}
      <input
        id={input}
        type="file"
        accept=".json,.jwk,application/json,application/jwk+json"
        onChange={(e) => void read(e)}
        aria-describedby={`${id}-hint${shown ? ` ${id}-error` : ''}${holder ? ` ${id}-holder` : ''}`}
        aria-invalid={shown ? true : undefined}
        required={required}
      />
      {holder && (
        <p id={`${id}-holder`} className="key-holder" role="status">
          {t('citizen.keyFile.holder')} <strong>
            <HolderText holder={holder} />
          </strong>
        </p>
      )}
    </div>
  );
}
