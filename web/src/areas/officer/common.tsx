import { useCallback, useEffect, useRef, useState } from 'react';
import type { ServiceDetail } from '../../api';
import { Loading } from '../../components';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { useSession } from '../../session';
import { agencyServices, type OfficerMe } from './api';

export type Gate = { state: 'wait' | 'signin' | 'forbidden' } | { state: 'ok'; me: OfficerMe };

/** Signed in as an officer of an agency, or why not. */
export function useOfficer(): Gate {
  const { me } = useSession();
  if (me === undefined) return { state: 'wait' };
  if (me === null) return { state: 'signin' };
  return me.role === 'officer' && me.agency ? { state: 'ok', me: me as OfficerMe } : { state: 'forbidden' };
}

export function GateNotice({ gate, next }: { gate: Gate; next: string }) {
  const { t } = useI18n();
  if (gate.state === 'wait') return <Loading />;
  if (gate.state === 'forbidden') return <p className="notice info">{t('officer.gate.officersOnly')}</p>;
  return (
    <div className="notice info">
      <p>{t('officer.gate.signIn')}</p>
      <p>
        <Link className="button" to={`/signin?next=${encodeURIComponent(next)}`}>
          {t('layout.signIn')}
        </Link>
      </p>
    </div>
  );
}

/** The agency's services with their definitions, by code (empty until they arrive; the pages fall back to codes). */
export function useAgencyServices(agency: string | null): { byCode: Record<string, ServiceDetail>; list: ServiceDetail[]; error: unknown } {
  const { lang } = useI18n();
  const [state, setState] = useState<{ list: ServiceDetail[]; error: unknown }>({ list: [], error: null });
  useEffect(() => {
    if (!agency) return;
    let live = true;
    agencyServices(agency, lang).then(
      (list) => live && setState({ list, error: null }),
      (error: unknown) => live && setState((s) => ({ ...s, error })),
    );
    return () => {
      live = false;
    };
  }, [agency, lang]);
  return { byCode: Object.fromEntries(state.list.map((s) => [s.code, s])), list: state.list, error: state.error };
}

/** The title of a step of a service's workflow, or its id. */
export const stepTitle = (service: ServiceDetail | undefined, step: string | null | undefined): string =>
  step ? (service?.workflow.find((s) => s.id === step)?.title ?? step) : '';

// Icons say the same as the text beside them: they are hidden from assistive technology.
export function IconOverdue() {
  return (
    <svg className="officer-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
      <path d="M8 1.2 15.3 14H.7L8 1.2Z" fill="currentColor" />
      <path d="M7.2 5.5h1.6l-.3 4.6H7.5l-.3-4.6Zm.8 5.6a.9.9 0 1 1 0 1.8.9.9 0 0 1 0-1.8Z" fill="#fff" />
    </svg>
  );
}

export function IconClock() {
  return (
    <svg className="officer-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
      <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" strokeWidth="2" />
      <path d="M8 4v4.4l3 1.8" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
    </svg>
  );
}

export function IconPause() {
  return (
    <svg className="officer-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
      <rect x="3" y="2.5" width="3.5" height="11" rx="1" fill="currentColor" />
      <rect x="9.5" y="2.5" width="3.5" height="11" rx="1" fill="currentColor" />
    </svg>
  );
}

/** Overdue and nearly due, in words and with an icon; nothing for "on time". */
export function Urgency({ urgency }: { urgency: 'overdue' | 'due_soon' | 'on_time' }) {
  const { t } = useI18n();
  if (urgency === 'on_time') return null;
  return (
    <span className={`officer-urgency ${urgency}`}>
      {urgency === 'overdue' ? <IconOverdue /> : <IconClock />}
      {t(`officer.urgency.${urgency}`)}
    </span>
  );
}

/** me / another officer / nobody */
export function useAssignee(me: OfficerMe | null): (accountId: string | null | undefined) => string {
  const { t } = useI18n();
  return (accountId) => t(`officer.assignee.${!accountId ? 'nobody' : accountId === me?.accountId ? 'me' : 'other'}`);
}

/** A version 4 UUID; `crypto.randomUUID` exists only in secure contexts (https, localhost), getRandomValues everywhere. */
export function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Idempotency-Keys for one kind of action: a new UUID for each new request, the same one when the same request is
 * sent again after it failed to arrive (network error, 5xx), so that a retry can never act twice.
 */
export function useIdempotencyKeys(): { keyFor(fingerprint: string): string; settle(fingerprint: string): void } {
  const current = useRef<{ fingerprint: string; key: string } | null>(null);
  const keyFor = useCallback((fingerprint: string) => {
    if (current.current?.fingerprint !== fingerprint) current.current = { fingerprint, key: uuid() };
    return current.current.key;
  }, []);
  const settle = useCallback((fingerprint: string) => {
    if (current.current?.fingerprint === fingerprint) current.current = null;
  }, []);
  return { keyFor, settle };
}
