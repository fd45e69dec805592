import type { ReactNode } from 'react';
import { useI18n } from '../../i18n';
import { CertificateDetails } from './KeyFileField';
import type { CertificateHolder } from './signing';

/** NCALayer's client, pkijs and the CMS reading: loaded when the citizen first asks to sign with NCALayer. */
export const loadNcaLayer = () => import('./ncalayer');

/** What NCALayer answered, as a message in the user's language; null for another error (the node's, the network's). */
export function ncaLayerProblem(t: (key: string, params?: Record<string, unknown>) => string, err: unknown): string | null {
  if (!err || typeof err !== 'object' || !('ncaProblem' in err)) return null;
  const { ncaProblem, detail } = err as { ncaProblem: string; detail?: string };
  if (ncaProblem === 'absent') return t('citizen.ncalayer.absent');
  if (ncaProblem === 'cancelled') return t('citizen.ncalayer.cancelled');
  return t('citizen.ncalayer.failed', { detail: detail || '—' });
}

const UNKNOWN: CertificateHolder = { name: null, state: null, identifier: null, notAfter: null, issuer: null };

/**
 * The NCALayer choice: what it is, the button that asks NCALayer to sign (NCALayer shows its own key chooser and
 * asks for the PIN), then the certificate it signed with, read from the signature, and the button that sends it.
 */
export function NcaLayerChoice({
  id,
  label,
  confirmLabel,
  signed,
  problem,
  busy,
  disabled,
  onSign,
  onConfirm,
  onDiscard,
  children,
}: {
  id: string;
  label: string;
  confirmLabel: string;
  signed: { holder: CertificateHolder | null } | null;
  problem: string | null;
  busy: 'signing' | 'sending' | null;
  disabled?: boolean;
  onSign(): void;
  onConfirm(): void;
  onDiscard(): void;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <div className="ncalayer" aria-labelledby={`${id}-title`} role="group">
      <h3 id={`${id}-title`}>{t('citizen.ncalayer.title')}</h3>
      <p className="hint" id={`${id}-hint`}>
        {t('citizen.ncalayer.hint')}
      </p>
      {problem && (
        <p className="error-message" role="alert" id={`${id}-error`}>
          {problem}
        </p>
      )}
      {signed ? (
        <div role="status">
          <p className="key-holder">{t('citizen.ncalayer.signedWith')}</p>
          <CertificateDetails holder={signed.holder ?? UNKNOWN} />
          {children}
          <div className="actions">
            <button type="button" onClick={onConfirm} disabled={busy !== null || disabled} aria-busy={busy === 'sending'}>
              {busy === 'sending' ? t('citizen.review.sending') : confirmLabel}
            </button>
            <button type="button" className="secondary" onClick={onDiscard} disabled={busy !== null}>
              {t('citizen.ncalayer.discard')}
            </button>
          </div>
        </div>
      ) : (
        <p>
          <button type="button" className="secondary" onClick={onSign} disabled={busy !== null || disabled} aria-busy={busy === 'signing'} aria-describedby={`${id}-hint`}>
            {busy === 'signing' ? t('citizen.ncalayer.waiting') : label}
          </button>
        </p>
      )}
    </div>
  );
}
