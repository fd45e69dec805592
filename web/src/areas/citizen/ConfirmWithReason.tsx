import { createElement, useId, useRef, useState } from 'react';
import { ErrorNotice } from '../../components';
import { useI18n } from '../../i18n';
import { useIdempotent } from './shared';

export interface ConfirmWithReasonTexts {
  title: string;
  intro: string;
  start: string;
  confirmTitle: string;
  confirmText: string;
  reason: string;
  reasonHint?: string;
  confirm: string;
  keep: string;
}

/**
 * An action that closes something for good (withdrawing an application, declining to sign one): a panel with a
 * button that opens a confirmation with an optional reason. Opening focuses the confirmation's heading, keeping
 * gives the focus back to the button; the action is one write with an Idempotency-Key, its problem shown in place.
 */
export function ConfirmWithReason({
  level,
  texts,
  run,
  onDone,
}: {
  /** the panel's heading level; the confirmation's is one below */
  level: 2 | 3;
  texts: ConfirmWithReasonTexts;
  /** the write, with the reason given (if any) and its Idempotency-Key; answers the message to announce */
  run(reason: string | undefined, key: string): Promise<string>;
  onDone(message: string): void;
}) {
  const { t } = useI18n();
  const ids = useId();
  const once = useIdempotent();
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const opener = useRef<HTMLButtonElement>(null);

  const open = () => {
    setConfirming(true);
    setTimeout(() => heading.current?.focus(), 0);
  };
  const cancel = () => {
    setConfirming(false);
    setError(null);
    setTimeout(() => opener.current?.focus(), 0);
  };
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      const message = await once((key) => run(reason.trim() || undefined, key));
      setConfirming(false);
      onDone(message);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby={`${ids}-title`} className="panel">
      {createElement(`h${level}`, { id: `${ids}-title` }, texts.title)}
      {!confirming ? (
        <>
          <p>{texts.intro}</p>
          <button type="button" className="secondary danger" onClick={open} ref={opener}>
            {texts.start}
          </button>
        </>
      ) : (
        <div className="confirm" role="group" aria-labelledby={`${ids}-confirm`}>
          {createElement(`h${level + 1}`, { id: `${ids}-confirm`, ref: heading, tabIndex: -1 }, texts.confirmTitle)}
          <p>{texts.confirmText}</p>
          <div className="field">
            <label htmlFor={`${ids}-reason`}>
              {texts.reason} <span className="optional">{t('citizen.form.optional')}</span>
            </label>
            {texts.reasonHint && (
              <p id={`${ids}-reason-hint`} className="hint">
                {texts.reasonHint}
              </p>
            )}
            <textarea
              id={`${ids}-reason`}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              rows={3}
              maxLength={1000}
              aria-describedby={texts.reasonHint ? `${ids}-reason-hint` : undefined}
            />
          </div>
          {error !== null && <ErrorNotice error={error} />}
          <div className="actions">
            <button type="button" className="danger" onClick={() => void confirm()} disabled={busy} aria-busy={busy}>
              {texts.confirm}
            </button>
            <button type="button" className="secondary" onClick={cancel} disabled={busy}>
              {texts.keep}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
