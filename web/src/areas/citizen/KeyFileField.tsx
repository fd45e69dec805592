import { useId, useRef, useState, type ChangeEvent } from 'react';
import { useI18n } from '../../i18n';
import type { P12Key } from './pkcs12';
import { certificateHolder, KeyFileError, parseKeyFile, type CertificateHolder, type KeyFile } from './signing';

/** A key the citizen chose: the node's JSON key file, or their own e-signature's .p12/.pfx file, opened. */
export type ChosenKey = KeyFile | P12Key;

export const isP12 = (key: ChosenKey | null | undefined): key is P12Key => !!key && 'kind' in key && key.kind === 'p12';

/** pkijs is large: loaded when a .p12 file is first opened or signed with. */
export const loadPkcs12 = () => import('./pkcs12');

/** The message for what is wrong with a .p12 file (or the browser), in the user's language. */
export function p12Problem(t: (key: string) => string, err: unknown): string {
  const problem = err && typeof err === 'object' && 'problem' in err ? String((err as { problem: unknown }).problem) : 'notP12';
  if (problem === 'unsupported') return t('citizen.keyFile.error.unsupported');
  return t(`citizen.keyFile.p12.${['wrongPassword', 'legacyCipher', 'notP12', 'noKey', 'keyUnsupported'].includes(problem) ? problem : 'notP12'}`);
}

/** The certificate a .p12 key signs with: holder, national number, issuer, valid until. */
export function CertificateDetails({ holder, id }: { holder: CertificateHolder; id?: string }) {
  const { t, fmt } = useI18n();
  return (
    <dl className="facts certificate-details" id={id} aria-label={t('citizen.keyFile.cert.title')}>
      <div>
        <dt>{t('citizen.keyFile.cert.name')}</dt>
        <dd>{holder.name ?? t('citizen.keyFile.unknownHolder')}</dd>
      </div>
      <div>
        <dt>{t('citizen.keyFile.cert.number')}</dt>
        <dd className="mono">{[holder.state, holder.identifier].filter(Boolean).join(' ') || '—'}</dd>
      </div>
      <div>
        <dt>{t('citizen.keyFile.cert.issuer')}</dt>
        <dd>{holder.issuer ?? '—'}</dd>
      </div>
      <div>
        <dt>{t('citizen.keyFile.cert.validUntil')}</dt>
        <dd>{holder.notAfter ? fmt.day(holder.notAfter.toISOString()) : '—'}</dd>
      </div>
    </dl>
  );
}

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
 * A file input for a key file (a private JWK with its certificate chain; with `p12`, also an e-signature's .p12/.pfx
 * file, opened here with its password): read in the browser, checked, and handed over with the certificate's
 * holder. The file never leaves the browser; only signatures made with it do.
 */
export function KeyFileField({
  label,
  hint,
  onChange,
  error,
  required,
  inputId,
  p12,
}: {
  label: string;
  hint: string;
  /** the key, or null; `pending` when a .p12 file waits for its password */
  onChange(keyFile: ChosenKey | null, holder: CertificateHolder | null, pending?: boolean): void;
  /** an error about the key from outside (e.g. it is someone else's) */
  error?: string | null;
  required?: boolean;
  /** the file input's id, for an error summary's link to it */
  inputId?: string;
  /** .p12/.pfx files too (signed in CMS) */
  p12?: boolean;
}) {
  const { t } = useI18n();
  const id = useId();
  const [problem, setProblem] = useState<string | null>(null);
  const [holder, setHolder] = useState<CertificateHolder | null>(null);
  const [sealed, setSealed] = useState<Uint8Array | null>(null);
  const [opening, setOpening] = useState(false);
  const password = useRef<HTMLInputElement>(null);
  const input = inputId ?? `${id}-file`;

  const read = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    setProblem(null);
    setHolder(null);
    setSealed(null);
    if (!file) return onChange(null, null);
    try {
      if (file.size > 64 * 1024) throw new KeyFileError('notKey');
      const bytes = new Uint8Array(await file.arrayBuffer());
      if (p12 && (/\.(p12|pfx)$/i.test(file.name) || bytes[0] === 0x30)) {
        setSealed(bytes);
        onChange(null, null, true);
        return;
      }
      const keyFile = parseKeyFile(new TextDecoder().decode(bytes));
      const h = certificateHolder(keyFile.x5c[0]);
      setHolder(h);
      onChange(keyFile, h);
    } catch (err) {
      setProblem(t(`citizen.keyFile.error.${err instanceof KeyFileError ? err.problem : 'notKey'}`));
      onChange(null, null);
    }
  };

  const open = async () => {
    if (!sealed || opening) return;
    setProblem(null);
    setOpening(true);
    try {
      const { openP12 } = await loadPkcs12();
      const key = await openP12(sealed, password.current?.value ?? '');
      if (password.current) password.current.value = '';
      setHolder(key.holder);
      onChange(key, key.holder);
    } catch (err) {
      setProblem(p12Problem(t, err));
      onChange(null, null, true);
      password.current?.focus();
    } finally {
      setOpening(false);
    }
  };

  const shown = problem ?? error ?? null;
  return (
    <div className="field">
      <label htmlFor={input}>{label}</label>
      <p id={`${id}-hint`} className="hint">
        {hint}
        {p12 && <> {t('citizen.keyFile.p12Hint')}</>}
      </p>
      {shown && (
        <p id={`${id}-error`} className="error-message" role="alert">
          {shown}
        </p>
      )}
      <input
        id={input}
        type="file"
        accept={p12 ? '.json,.jwk,.p12,.pfx,application/json,application/jwk+json,application/x-pkcs12' : '.json,.jwk,application/json,application/jwk+json'}
        onChange={(e) => void read(e)}
        aria-describedby={`${id}-hint${shown ? ` ${id}-error` : ''}${holder ? ` ${id}-holder` : ''}`}
        aria-invalid={shown && !sealed ? true : undefined}
        required={required}
      />
      {sealed && !holder && (
        <div className="field p12-password">
          <label htmlFor={`${id}-password`}>{t('citizen.keyFile.password')}</label>
          <div className="inline-actions">
            <input
              id={`${id}-password`}
              ref={password}
              type="password"
              autoComplete="off"
              aria-invalid={shown ? true : undefined}
              aria-describedby={shown ? `${id}-error` : undefined}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  void open();
                }
              }}
            />
            <button type="button" className="secondary" onClick={() => void open()} disabled={opening} aria-busy={opening}>
              {opening ? t('citizen.keyFile.opening') : t('citizen.keyFile.open')}
            </button>
          </div>
        </div>
      )}
      {holder && (
        <div id={`${id}-holder`} role="status">
          <p className="key-holder">
            {t('citizen.keyFile.holder')} <strong>
              <HolderText holder={holder} />
            </strong>
          </p>
          {sealed && <CertificateDetails holder={holder} />}
        </div>
      )}
    </div>
  );
}
