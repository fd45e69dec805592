import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, type ServiceDetail } from '../../api';
import { ErrorNotice } from '../../components';
import { useI18n } from '../../i18n';
import { act, isHead, type ActionAnswer, type ActionName, type OfficerApplication, type OfficerMe } from './api';
import { stepTitle, useIdempotencyKeys } from './common';

// ——— Form parts ———

interface FieldProps {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  error?: string;
  hint?: string;
  required?: boolean;
  multiline?: boolean;
  maxLength: number;
}

/** A labelled text field; its error is announced and tied to it (aria-invalid, aria-describedby). */
export function Field({ id, label, value, onChange, error, hint, required, multiline, maxLength }: FieldProps) {
  const { t } = useI18n();
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    value,
    maxLength,
    required,
    'aria-required': required || undefined,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
    onChange: (e: { target: { value: string } }) => onChange(e.target.value),
  };
  return (
    <div className={`field officer-field${error ? ' invalid' : ''}`}>
      <label htmlFor={id}>
        {label}
        {!required && <span className="officer-optional"> {t('officer.actions.optional')}</span>}
      </label>
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="officer-field-error" role="alert">
          {error}
        </p>
      )}
      {multiline ? <textarea rows={3} {...common} /> : <input type="text" autoComplete="off" {...common} />}
    </div>
  );
}

/** A modal question before a decision: Cancel has the focus first, Escape cancels (the panel then puts the focus back). */
export function ConfirmDialog({ title, text, confirmLabel, busy, onConfirm, onCancel }: { title: string; text: string; confirmLabel: string; busy: boolean; onConfirm(): void; onCancel(): void }) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const ids = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      if (dialog?.open) dialog.close();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className="officer-dialog"
      aria-labelledby={`${ids}-title`}
      aria-describedby={`${ids}-text`}
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) onCancel();
      }}
    >
      <h2 id={`${ids}-title`}>{title}</h2>
      <p id={`${ids}-text`}>{text}</p>
      <div className="officer-buttons">
        <button type="button" className="secondary" onClick={onCancel} disabled={busy} autoFocus>
          {t('officer.actions.cancel')}
        </button>
        <button type="button" onClick={onConfirm} disabled={busy} aria-busy={busy}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

// ——— The panel ———

type Errors = Partial<Record<string, string>>;

/**
 * What the officer may do with the application now, as the API allows it (src/workflow/actions.ts): take it when it
 * is in review and nobody (or, for the agency head, someone else) has it; release it; and, once it is theirs,
 * approve or complete the step, ask the applicant for information, or reject it with the reason and legal basis.
 */
export function ActionsPanel({ app, me, service, onDone }: { app: OfficerApplication; me: OfficerMe; service: ServiceDetail | undefined; onDone(message: string | null): void }) {
  const { t, lang } = useI18n();
  const ids = useId();
  const keys = useIdempotencyKeys();
  const [busy, setBusy] = useState<ActionName | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [confirm, setConfirm] = useState<'approve' | 'reject' | null>(null);
  const [note, setNote] = useState('');
  const [message, setMessage] = useState('');
  const [reason, setReason] = useState('');
  const [legalBasis, setLegalBasis] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  // Where the focus goes once the page has been drawn again: a field with an error, the panel's heading after an
  // answer, the button that opened a question that was cancelled.
  const [focus, setFocus] = useState<{ id: string; tick: number } | null>(null);
  const focusOn = (id: string) => setFocus((f) => ({ id, tick: (f?.tick ?? 0) + 1 }));
  useEffect(() => {
    if (focus) document.getElementById(focus.id)?.focus();
  }, [focus]);

  const mine = Boolean(app.assignedTo) && app.assignedTo === me.accountId;
  const head = isHead(me);
  const inReview = app.status === 'in_review';
  const canTake = inReview && !mine && (!app.assignedTo || head);
  const canRelease = Boolean(app.assignedTo) && ['in_review', 'info_requested'].includes(app.status) && (mine || head);
  const canDecide = inReview && mine;
  const steps = service?.workflow ?? [];
  const index = steps.findIndex((s) => s.id === app.currentStep);
  const lastStep = !service || index < 0 || index === steps.length - 1;
  const step = stepTitle(service, app.currentStep);

  const fieldId = (name: string) => `${ids}-${name}`;
  const focusFirst = (errs: Errors) => {
    const first = Object.keys(errs)[0];
    if (first) focusOn(fieldId(first));
  };

  const successText = (action: ActionName, answer: ActionAnswer): string => {
    const number = answer.number;
    if (action === 'approve') return answer.status === 'approved' ? t('officer.actions.done.approve', { number }) : t('officer.actions.done.completeStep', { number, step: stepTitle(service, answer.currentStep) });
    return t(`officer.actions.done.${action}`, { number });
  };

  async function run(action: ActionName, body: Record<string, string>, fields: string[] = []) {
    const fingerprint = `${action} ${JSON.stringify(body)}`;
    setBusy(action);
    setError(null);
    try {
      const answer = await act(app.id, action, body, keys.keyFor(fingerprint), lang);
      keys.settle(fingerprint);
      setConfirm(null);
      setErrors({});
      setNote('');
      setMessage('');
      setReason('');
      setLegalBasis('');
      onDone(successText(action, answer));
      focusOn(`${ids}-actions`);
    } catch (e) {
      // A refusal is final for this request; a network failure or a 5xx keeps the key so that a retry is the same request.
      if (e instanceof ApiError && e.status < 500) keys.settle(fingerprint);
      setConfirm(null);
      const fieldErrors: Errors = {};
      if (e instanceof ApiError) for (const f of e.problem?.errors ?? []) {
        const name = f.field.replace(/^\/(body\/)?/, '');
        if (fields.includes(name)) fieldErrors[name] = f.message;
      }
      if (Object.keys(fieldErrors).length) {
        setErrors(fieldErrors);
        focusFirst(fieldErrors);
      } else {
        setError(e);
        focusOn(`${ids}-actions`);
      }
      // Someone else acted first (409): show the application as it is now, with the problem above it.
      if (e instanceof ApiError && e.status === 409) onDone(null);
    } finally {
      setBusy(null);
    }
  }

  const required = (values: Record<string, string>): Errors => {
    const errs: Errors = {};
    for (const [k, v] of Object.entries(values)) if (!v.trim()) errs[k] = t('officer.actions.required');
    return errs;
  };

  const submitApprove = (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setConfirm('approve');
  };
  const submitRequest = (e: FormEvent) => {
    e.preventDefault();
    const errs = required({ message });
    setErrors(errs);
    if (Object.keys(errs).length) return focusFirst(errs);
    void run('request-info', { message: message.trim() }, ['message']);
  };
  const submitReject = (e: FormEvent) => {
    e.preventDefault();
    const errs = required({ reason, legalBasis });
    setErrors(errs);
    if (Object.keys(errs).length) return focusFirst(errs);
    setConfirm('reject');
  };

  let state: ReactNode;
  if (['approved', 'rejected', 'withdrawn', 'declined'].includes(app.status)) state = t('officer.actions.closed');
  else if (app.status === 'awaiting_consent') state = t('officer.actions.waitingForConsent');
  else if (app.status === 'info_requested') state = t('officer.actions.waitingForApplicant');
  else if (!inReview) state = t('officer.actions.notYet');
  else if (!app.assignedTo) state = t('officer.actions.takeFirst');
  else if (!mine) state = t('officer.actions.assignedToOther');
  else state = t('officer.actions.mine');

  return (
    <section aria-labelledby={`${ids}-actions`} className="officer-actions">
      <h2 id={`${ids}-actions`} tabIndex={-1}>
        {t('officer.actions.title')}
      </h2>
      <p>{state}</p>
      {error !== null && <ErrorNotice error={error} />}

      {(canTake || canRelease) && (
        <div className="officer-buttons">
          {canTake && (
            <button type="button" onClick={() => void run('assign', {})} disabled={busy !== null} aria-busy={busy === 'assign'}>
              {app.assignedTo ? t('officer.actions.takeOver') : t('officer.actions.take')}
            </button>
          )}
          {canRelease && (
            <button type="button" className="secondary" onClick={() => void run('unassign', {})} disabled={busy !== null} aria-busy={busy === 'unassign'}>
              {t('officer.actions.release')}
            </button>
          )}
        </div>
      )}

      {canDecide && (
        <div className="officer-decisions">
          <form className="officer-action" onSubmit={submitApprove} noValidate aria-labelledby={`${ids}-approve`}>
            <h3 id={`${ids}-approve`}>{lastStep ? t('officer.actions.approveTitle') : t('officer.actions.completeStepTitle', { step })}</h3>
            {!lastStep && <p className="hint">{t('officer.actions.nextStep', { step: steps[index + 1]?.title ?? '' })}</p>}
            <Field id={fieldId('note')} label={t('officer.actions.note')} value={note} onChange={setNote} error={errors.note} multiline maxLength={2000} />
            <button type="submit" id={`${ids}-approve-submit`} disabled={busy !== null}>
              {lastStep ? t('officer.actions.approve') : t('officer.actions.completeStep')}
            </button>
          </form>

          <form className="officer-action" onSubmit={submitRequest} noValidate aria-labelledby={`${ids}-request`}>
            <h3 id={`${ids}-request`}>{t('officer.actions.requestInfoTitle')}</h3>
            <p className="hint">{t('officer.actions.requestInfoHint')}</p>
            <Field id={fieldId('message')} label={t('officer.actions.message')} value={message} onChange={setMessage} error={errors.message} required multiline maxLength={2000} />
            <button type="submit" className="secondary" disabled={busy !== null} aria-busy={busy === 'request-info'}>
              {t('officer.actions.requestInfo')}
            </button>
          </form>

          <form className="officer-action" onSubmit={submitReject} noValidate aria-labelledby={`${ids}-reject`}>
            <h3 id={`${ids}-reject`}>{t('officer.actions.rejectTitle')}</h3>
            <Field id={fieldId('reason')} label={t('officer.actions.reason')} value={reason} onChange={setReason} error={errors.reason} required multiline maxLength={2000} />
            <Field
              id={fieldId('legalBasis')}
              label={t('officer.actions.legalBasis')}
              hint={t('officer.actions.legalBasisHint')}
              value={legalBasis}
              onChange={setLegalBasis}
              error={errors.legalBasis}
              required
              maxLength={500}
            />
            <button type="submit" id={`${ids}-reject-submit`} className="danger" disabled={busy !== null}>
              {t('officer.actions.reject')}
            </button>
          </form>
        </div>
      )}

      {confirm === 'approve' && (
        <ConfirmDialog
          title={lastStep ? t('officer.actions.approveTitle') : t('officer.actions.completeStepTitle', { step })}
          text={lastStep ? t('officer.actions.confirmApprove', { number: app.number }) : t('officer.actions.confirmComplete', { number: app.number, step })}
          confirmLabel={lastStep ? t('officer.actions.confirmApproveButton') : t('officer.actions.confirmCompleteButton')}
          busy={busy !== null}
          onConfirm={() => void run('approve', note.trim() ? { note: note.trim() } : {}, ['note'])}
          onCancel={() => {
            setConfirm(null);
            focusOn(`${ids}-approve-submit`);
          }}
        />
      )}
      {confirm === 'reject' && (
        <ConfirmDialog
          title={t('officer.actions.rejectTitle')}
          text={t('officer.actions.confirmReject', { number: app.number })}
          confirmLabel={t('officer.actions.confirmRejectButton')}
          busy={busy !== null}
          onConfirm={() => void run('reject', { reason: reason.trim(), legalBasis: legalBasis.trim() }, ['reason', 'legalBasis'])}
          onCancel={() => {
            setConfirm(null);
            focusOn(`${ids}-reject-submit`);
          }}
        />
      )}
    </section>
  );
}
