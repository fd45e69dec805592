// What the operator's forms share: the API's problem placed at the field it concerns, a labelled field with its hint
// and error, the status line that says what was done, and the confirmation dialog before a change that takes
// something away (revoke, remove, unpin, delete).
import { useEffect, useId, useRef, useState, type ReactNode, type RefObject } from 'react';
import { ApiError } from '../../api';
import { ErrorNotice } from '../../components';
import { useI18n } from '../../i18n';

export interface FieldErrors<F extends string> {
  fields: Partial<Record<F, string>>;
  /** a problem that concerns no one field: shown above the form */
  other: unknown;
}

export const noErrors = <F extends string>(): FieldErrors<F> => ({ fields: {}, other: null });

/**
 * The API's problem, placed at the field it concerns where it concerns one: the schema's errors by the body's field
 * (`/members/3` is `members`), the node's own problems by their code.
 */
export function problemFields<F extends string>(error: unknown, byField: Record<string, F>, byCode: Record<string, F>): FieldErrors<F> {
  if (!(error instanceof ApiError) || !error.problem) return { fields: {}, other: error };
  const p = error.problem;
  const fields: Partial<Record<F, string>> = {};
  for (const e of p.errors ?? []) {
    const name = e.field
      .split('/')
      .filter((part) => part && !/^\d+$/.test(part))
      .pop();
    const field = name && Object.hasOwn(byField, name) ? byField[name] : undefined;
    if (field) fields[field] = fields[field] ? `${fields[field]} ${e.message}` : e.message;
  }
  const field = p.code && Object.hasOwn(byCode, p.code) ? byCode[p.code] : undefined;
  if (field) fields[field] ??= p.detail;
  return Object.keys(fields).length ? { fields, other: null } : { fields, other: error };
}

/** The first field, in the form's order, that has an error. */
export const firstInvalid = <F extends string>(order: readonly F[], errors: FieldErrors<F>): F | undefined => order.find((f) => errors.fields[f]);

/**
 * A form's sending: one request at a time (its button stays enabled, a second press waits: a disabled button would
 * drop the keyboard focus), what it did on the status line, the API's problem at its fields and the focus on the
 * first of them. `controls` holds the fields' elements, in `order`.
 */
export function useProblemForm<F extends string>(order: readonly F[], byField: Record<string, F>, byCode: Record<string, F>) {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FieldErrors<F>>(noErrors);
  const [done, setDone] = useState('');
  const controls = useRef<Partial<Record<F, HTMLElement | null>>>({});
  /** Shows these errors at their fields and moves the focus to the first. */
  const show = (found: FieldErrors<F>) => {
    setErrors(found);
    const first = firstInvalid(order, found);
    if (first) controls.current[first]?.focus();
  };
  /** Runs `work`, which answers what was done; its failure is shown at the fields. */
  const run = async (work: () => Promise<string>) => {
    if (busy) return;
    setBusy(true);
    setDone('');
    setErrors(noErrors());
    try {
      setDone(await work());
    } catch (error) {
      show(problemFields(error, byField, byCode));
    } finally {
      setBusy(false);
    }
  };
  return { busy, errors, done, setDone, controls, show, run };
}

/**
 * A labelled field: its hint and its error are its description, the error an alert. `children` renders the control
 * with the props it needs (id, aria-*), so that an input, a textarea or a select fit alike.
 */
export function Field({
  id,
  label,
  hint,
  error,
  required,
  children,
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  required?: boolean;
  children: (props: { id: string; 'aria-invalid'?: true; 'aria-required'?: 'true'; 'aria-describedby'?: string }) => ReactNode;
}) {
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-required': required ? 'true' : undefined, 'aria-describedby': describedBy })}
      {error && (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** The props of a text input that takes an identifier (no spelling, no autocompletion). */
export const identifierInput = { autoComplete: 'off', spellCheck: false, maxLength: 500 } as const;

/** What was just done, for the screen reader too (an empty status line keeps its place). */
export function DoneStatus({ text }: { text: string }) {
  return (
    <p role="status" className="op-done">
      {text && (
        <>
          <span aria-hidden="true">✓ </span>
          {text}
        </>
      )}
    </p>
  );
}

/**
 * A confirmation asked in a modal dialog. `ask(item)` opens it; on "yes", `act(item)` runs; when it succeeds the
 * dialog closes before `after()` moves the focus (nothing outside a modal dialog can take the focus while it is open).
 * Its buttons stay enabled while the request runs (a disabled button would drop the keyboard focus); a second press waits.
 */
export interface ConfirmState {
  ref: RefObject<HTMLDialogElement | null>;
  open: boolean;
  busy: boolean;
  error: unknown;
  confirm: () => Promise<void>;
  cancel: () => void;
}

export function useConfirm<T>(act: (item: T) => Promise<void>, after: () => void): { ask: (item: T) => void; pending: T | null; dialog: ConfirmState } {
  const [pending, setPending] = useState<T | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const d = dialog.current;
    if (pending !== null && d && !d.open) {
      d.showModal();
      // the safe answer first (React's autoFocus runs before the dialog is shown, so showModal alone would pick "yes")
      d.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    }
    if (pending === null && d?.open) d.close();
  }, [pending]);

  const confirm = async () => {
    if (pending === null || busy) return;
    setBusy(true);
    setError(null);
    try {
      await act(pending);
      dialog.current?.close();
      setPending(null);
      after();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const cancel = () => {
    setPending(null);
    setError(null);
  };
  const ask = (item: T) => {
    setError(null);
    setPending(item);
  };
  return { ask, pending, dialog: { ref: dialog, open: pending !== null, busy, error, confirm, cancel } };
}

export function ConfirmDialog({
  state,
  title,
  text,
  yes,
}: {
  state: ConfirmState;
  title: string;
  text: string;
  yes: string;
}) {
  const { t } = useI18n();
  const id = `${useId()}-confirm`;
  return (
    <dialog ref={state.ref} className="op-dialog" aria-labelledby={id} onClose={state.cancel}>
      {state.open && (
        <>
          <h2 id={id}>{title}</h2>
          <p>{text}</p>
          {state.error !== null && <ErrorNotice error={state.error} />}
          <div className="op-dialog-buttons">
            <button type="button" className="danger" onClick={() => void state.confirm()} aria-busy={state.busy}>
              {yes}
            </button>
            <button type="button" className="secondary" onClick={state.cancel} data-autofocus>
              {t('operator.exchange.cancel')}
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}

/** A list typed into one field: split at commas, spaces or new lines, empty entries dropped. */
export const splitList = (text: string) => text.split(/[\s,;]+/).filter(Boolean);
