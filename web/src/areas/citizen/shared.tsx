import { useEffect, useId, useRef, type ReactNode, type RefObject } from 'react';
import { ApiError, newIdempotencyKey } from '../../api';
import { Loading } from '../../components';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { useSession } from '../../session';

export type CitizenState = 'wait' | 'signin' | 'forbidden' | 'ok';

/** Sign-in first; citizens only. */
export function useCitizen(): CitizenState {
  const { me } = useSession();
  if (me === undefined) return 'wait';
  if (me === null) return 'signin';
  return me.role === 'citizen' ? 'ok' : 'forbidden';
}

/** What a page shows instead of itself until a citizen is signed in. */
export function CitizenGate({ state, next, text }: { state: CitizenState; next: string; text?: string }) {
  const { t } = useI18n();
  if (state === 'wait') return <Loading />;
  if (state === 'forbidden') return <p className="notice info">{t('applications.citizensOnly')}</p>;
  return (
    <div className="notice info">
      <p>{text ?? t('applications.signInFirst')}</p>
      <p>
        <Link className="button" to={`/signin?next=${encodeURIComponent(next)}`}>
          {t('layout.signIn')}
        </Link>
      </p>
    </div>
  );
}

export interface SummaryItem {
  /** the id of the element to focus */
  target: string;
  text: ReactNode;
}

/**
 * The error summary at the top of a form: announced (role=alert), focused when it appears, each problem a link that
 * moves the focus to its field.
 */
export function ErrorSummary({ title, items, focusKey }: { title: string; items: SummaryItem[]; focusKey: unknown }) {
  const box = useRef<HTMLDivElement>(null);
  const id = useId();
  useEffect(() => {
    if (items.length) {
      box.current?.focus();
      box.current?.scrollIntoView({ block: 'start' });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focusKey]);
  if (!items.length) return null;
  return (
    <div className="notice error error-summary" role="alert" tabIndex={-1} ref={box} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <ul>
        {items.map((item, i) => (
          <li key={`${item.target}-${i}`}>
            <a
              href={`#${item.target}`}
              onClick={(e) => {
                const el = document.getElementById(item.target);
                if (!el) return;
                e.preventDefault();
                el.focus();
                el.scrollIntoView({ block: 'center' });
              }}
            >
              {item.text}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The problem's code when the error is the API's, else null. */
export const problemCode = (e: unknown): string | null => (e instanceof ApiError ? (e.problem?.code ?? null) : null);

/** A retry may repeat the request with the same Idempotency-Key: no answer (network), 5xx, 408, 429. */
export const retryable = (e: unknown): boolean => !(e instanceof ApiError) || e.status >= 500 || e.status === 408 || e.status === 429;

/**
 * One write with an Idempotency-Key: the same key while the same operation is retried after no answer or a 5xx,
 * a new one once it succeeded or was refused.
 */
export function useIdempotent() {
  const key = useRef<string | null>(null);
  return async <T,>(run: (key: string) => Promise<T>): Promise<T> => {
    key.current ??= newIdempotencyKey();
    try {
      const out = await run(key.current);
      key.current = null;
      return out;
    } catch (e) {
      if (!retryable(e)) key.current = null;
      throw e;
    }
  };
}

/**
 * Moves the focus to an element when `key` changes (a step's heading after the step changed), not on the first
 * render, and not when something else takes it (`elsewhere`: an error summary that focuses itself).
 */
export function useFocusOn(key: unknown, ref: RefObject<HTMLElement | null>, elsewhere = false): void {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    if (!elsewhere) ref.current?.focus();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
}

export { Breadcrumb } from '../../components';
