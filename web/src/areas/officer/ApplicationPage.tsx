import { useState, type ReactNode } from 'react';
import type { FormSchema, ServiceDetail } from '../../api';
import { Breadcrumb, ErrorNotice, Fee, Loading, StatusBadge, useLabel } from '../../components';
import { useLoad, useTitle } from '../../hooks';
import { useI18n } from '../../i18n';
import { ActionsPanel } from './actions';
import { DocumentsSection } from './documents';
import { application, serviceDetail, type Evidence, type OfficerApplication, type OfficerMe } from './api';
import { GateNotice, IconOverdue, IconPause, stepTitle, useAssignee, useOfficer } from './common';

type Property = NonNullable<FormSchema['properties']>[string];
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MOMENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** A value from a register or a form, in the reader's language where it is a date, a number or yes/no. */
function Value({ value, labels }: { value: unknown; labels?: Record<string, string> }): ReactNode {
  const { t, fmt } = useI18n();
  if (value === null || value === undefined || value === '') return <span className="muted">—</span>;
  if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
  if (typeof value === 'number') return fmt.number(value);
  if (typeof value === 'string') return DAY.test(value) ? fmt.day(value) : MOMENT.test(value) && !Number.isNaN(Date.parse(value)) ? fmt.dateTime(value) : value;
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="muted">—</span>;
    if (value.every((v) => typeof v !== 'object' || v === null))
      return value.map((v, i) => (
        <span key={i}>
          {i > 0 && ', '}
          <Value value={v} />
        </span>
      ));
    return (
      <ol className="officer-data-list">
        {value.map((v, i) => (
          <li key={i}>
            <Value value={v} labels={labels} />
          </li>
        ))}
      </ol>
    );
  }
  if (typeof value === 'object') {
    return (
      <dl className="officer-data">
        {Object.entries(value as Record<string, unknown>).map(([k, v]) => (
          <div key={k}>
            {/* the register's own label in the officer's language; a field it does not label, by its name */}
            <dt>{labels?.[k] ?? <code>{k}</code>}</dt>
            <dd>
              <Value value={v} labels={labels} />
            </dd>
          </div>
        ))}
      </dl>
    );
  }
  return String(value);
}

/** The form's data with the form's own labels (`x-labels`, `x-enum-labels`), nested objects as nested lists. */
function FormData({ schema, data, language }: { schema: FormSchema | undefined; data: Record<string, unknown>; language: string | undefined }) {
  const { pick } = useI18n();
  const props = (schema?.properties ?? {}) as Record<string, Property>;
  // The form's order first, then anything the form does not describe.
  const keys = [...Object.keys(props).filter((k) => k in data), ...Object.keys(data).filter((k) => !(k in props))];
  const show = (prop: Property | undefined, v: unknown): ReactNode => {
    const enumLabels = prop?.['x-enum-labels'];
    if (Array.isArray(v) && enumLabels) return v.map((x) => (enumLabels[String(x)] ? pick(enumLabels[String(x)]) : String(x))).join(', ');
    if ((typeof v === 'string' || typeof v === 'number') && enumLabels?.[String(v)]) return pick(enumLabels[String(v)]);
    if (prop?.type === 'object' && v && typeof v === 'object' && !Array.isArray(v)) return <FormData schema={prop as FormSchema} data={v as Record<string, unknown>} language={language} />;
    return <Value value={v} />;
  };
  return (
    <dl className="facts wide officer-form-data">
      {keys.map((k) => {
        const label = pick(props[k]?.['x-labels']);
        return (
          <div key={k}>
            <dt lang={label ? language : undefined}>{label || <code>{k}</code>}</dt>
            <dd>{show(props[k], data[k])}</dd>
          </div>
        );
      })}
    </dl>
  );
}

function EvidenceItem({ e, service }: { e: Evidence; service: ServiceDetail | undefined }) {
  const { t, fmt } = useI18n();
  const label = useLabel();
  const title = service?.evidence.find((x) => x.key === e.key)?.title;
  return (
    <li className="officer-evidence">
      <h3 lang={title ? service?.language : undefined}>{title ?? e.key}</h3>
      <dl className="facts wide">
        <div>
          <dt>{t('officer.app.registry')}</dt>
          <dd>{label('registry', e.registry)}</dd>
        </div>
        <div>
          <dt>{t('officer.app.xroad')}</dt>
          <dd>{e.service ? <code className="officer-code">{e.service}</code> : <span className="muted">—</span>}</dd>
        </div>
        <div>
          <dt>{t('officer.app.evidenceStatus')}</dt>
          <dd>
            <span className={`badge ${e.status === 'received' ? 'ok' : 'warn'}`}>{label('evidenceStatus', e.status)}</span>
          </dd>
        </div>
        <div>
          <dt>{t('officer.app.fetchedAt')}</dt>
          <dd>{fmt.dateTime(e.fetchedAt)}</dd>
        </div>
        {e.requestId && (
          <div className="span-all">
            <dt>{t('officer.app.requestId')}</dt>
            <dd>
              <code className="officer-code">{e.requestId}</code>
            </dd>
          </div>
        )}
      </dl>
      {e.data !== null && e.data !== undefined && (
        <div className="officer-evidence-data">
          <h4>{t('officer.app.evidenceData')}</h4>
          <Value value={e.data} labels={e.labels} />
        </div>
      )}
    </li>
  );
}

/** One line of the history: what happened, who did it, and what they wrote. */
function HistoryEntry({ h, me, service }: { h: OfficerApplication['history'][number]; me: OfficerMe; service: ServiceDetail | undefined }) {
  const { t, fmt } = useI18n();
  const label = useLabel();
  const assignee = useAssignee(me);
  const d = h.details ?? {};
  const str = (k: string) => (typeof d[k] === 'string' && d[k] ? (d[k] as string) : null);
  // a citizen who consents or declines is the person the application names, not its applicant
  const actor =
    h.actor.role === 'citizen' ? (['consent', 'consent_declined'].includes(h.type) ? 'party' : 'applicant') : h.actor.role === 'officer' ? (h.actor.accountId === me.accountId ? 'me' : 'officer') : h.actor.role === 'operator' ? 'operator' : 'system';
  const facts: [string, ReactNode][] = [];
  const step = str('step');
  if (step && h.type !== 'automatic_check') facts.push([t('officer.detail.step'), <span lang={service?.language}>{stepTitle(service, step)}</span>]);
  const gaps = Array.isArray(d.unavailable) ? (d.unavailable as { registry: string | null }[]) : [];
  if (h.type === 'automatic_check' && gaps.length) {
    facts.push([t('officer.detail.check'), <>{t('officer.detail.checkGap', { step: stepTitle(service, step), registries: gaps.map((g) => label('registry', g.registry ?? '')).join(', ') })}</>]);
  } else if (h.type === 'automatic_check') facts.push([t('officer.detail.check'), <>{t(d.passed ? 'officer.detail.checkPassed' : 'officer.detail.checkFailed', { step: stepTitle(service, step) })}</>]);
  if (h.type === 'assign' && str('to')) facts.push([t('officer.detail.assignedTo'), assignee(str('to'))]);
  if (h.type === 'request_info') {
    if (str('message')) facts.push([t('officer.detail.message'), <span className="note">{str('message')}</span>]);
    facts.push([
      t('officer.detail.deadline'),
      d.deadlinePaused ? (typeof d.workingDaysLeft === 'number' ? t('officer.detail.paused', { count: d.workingDaysLeft, n: fmt.number(d.workingDaysLeft) }) : t('officer.detail.pausedNoDays')) : t('officer.detail.notPaused'),
    ]);
  } else if (h.type === 'answer_info') {
    if (str('message')) facts.push([t('officer.detail.answer'), <span className="note">{str('message')}</span>]);
    if (str('deadline')) facts.push([t('officer.detail.newDeadline'), fmt.day(str('deadline')!)]);
  } else if (h.type === 'escalate') {
    if (str('deadline')) facts.push([t('officer.detail.missedDeadline'), fmt.day(str('deadline')!)]);
  } else if (h.type === 'payment') {
    if (typeof d.amount === 'number' && typeof d.currency === 'string') facts.push([t('officer.detail.amount'), fmt.money(d.amount, d.currency)]);
  } else {
    if (str('note')) facts.push([t('officer.detail.note'), <span className="note">{str('note')}</span>]);
    if (str('reason')) facts.push([t('officer.detail.reason'), <span className="note">{str('reason')}</span>]);
    if (str('legalBasis')) facts.push([t('officer.detail.legalBasis'), <span className="note">{str('legalBasis')}</span>]);
    if (!str('reason') && str('message')) facts.push([t('officer.detail.message'), <span className="note">{str('message')}</span>]);
  }
  return (
    <li>
      <time dateTime={h.at}>{fmt.dateTime(h.at)}</time>
      <div>
        <strong>{label('action', h.type)}</strong> <StatusBadge status={h.status} />
        <div className="muted">{t('officer.app.by', { actor: t(`officer.actor.${actor}`) })}</div>
        {facts.length > 0 && (
          <dl className="officer-history-facts">
            {facts.map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
        )}
      </div>
    </li>
  );
}

export function OfficerApplicationPage({ id }: { id: string }) {
  const gate = useOfficer();
  const me = gate.state === 'ok' ? gate.me : null;
  const { t } = useI18n();
  const [version, setVersion] = useState(0);
  const [done, setDone] = useState<string | null>(null);
  const app = useLoad((signal) => (me ? application(id, signal) : new Promise<never>(() => {})), [id, me?.accountId, version]);
  useTitle(app.status === 'ok' ? t('officer.app.title', { number: app.data.number }) : t('officer.queue.title'));

  if (!me)
    return (
      <>
        <h1>{t('officer.queue.title')}</h1>
        <GateNotice gate={gate} next={`/officer/applications/${id}`} />
      </>
    );
  if (app.status === 'loading') return <Loading />;
  if (app.status === 'error')
    return (
      <>
        <Breadcrumb label={t('officer.app.breadcrumb')} trail={[{ to: '/officer', label: t('officer.queue.title') }]} />
        <h1>{t('officer.app.notFound')}</h1>
        <ErrorNotice error={app.error} />
      </>
    );
  return (
    <ApplicationView
      app={app.data}
      me={me}
      done={done}
      onDone={(message) => {
        if (message !== null) setDone(message);
        setVersion((v) => v + 1);
      }}
    />
  );
}

function ApplicationView({ app: a, me, done, onDone }: { app: OfficerApplication; me: OfficerMe; done: string | null; onDone(message: string | null): void }) {
  const { t, fmt, lang } = useI18n();
  const label = useLabel();
  const assignee = useAssignee(me);
  const service = useLoad(() => serviceDetail(a.service, lang), [a.service, lang]);
  const s = service.status === 'ok' ? service.data : undefined;
  const history = [...a.history].sort((x, y) => x.seq - y.seq);
  const lastRequest = [...history].reverse().find((h) => h.type === 'request_info');
  const paused = a.status === 'info_requested' && lastRequest?.details.deadlinePaused === true;
  const daysLeft = paused && typeof lastRequest?.details.workingDaysLeft === 'number' ? (lastRequest.details.workingDaysLeft as number) : null;

  return (
    <article className="application officer-application">
      <Breadcrumb label={t('officer.app.breadcrumb')} trail={[{ to: '/officer', label: t('officer.queue.title') }, { label: a.number, mono: true }]} />
      <h1>{t('officer.app.title', { number: a.number })}</h1>
      <p className="lead" lang={s?.language}>
        {s?.title ?? a.service}
      </p>
      <p className="officer-status-line">
        <StatusBadge status={a.status} />
        {a.overdue && (
          <span className="officer-urgency overdue">
            <IconOverdue />
            {t('officer.urgency.overdue')}
          </span>
        )}
        {paused && (
          <span className="officer-urgency paused">
            <IconPause />
            {t('officer.app.pausedTag')}
          </span>
        )}
      </p>
      <p role="status" className={done ? 'notice ok' : 'officer-empty-status'}>
        {done}
      </p>

      <dl className="facts wide">
        <div>
          <dt>{t('officer.app.applicant')}</dt>
          <dd>
            <span className="officer-applicant">{a.applicant.name}</span>
            <div className="officer-source">
              {t('officer.app.identifier')} <span className="mono">{a.applicant.identifier}</span>
            </div>
          </dd>
        </div>
        <div>
          <dt>{t('officer.app.number')}</dt>
          <dd className="mono">{a.number}</dd>
        </div>
        <div>
          <dt>{t('officer.app.submitted')}</dt>
          <dd>{fmt.dateTime(a.submittedAt)}</dd>
        </div>
        <div>
          <dt>{t('officer.app.deadline')}</dt>
          <dd>
            {fmt.day(a.deadline)}
            {paused && <div className="officer-source">{daysLeft !== null ? t('officer.app.paused', { count: daysLeft, n: fmt.number(daysLeft) }) : t('officer.app.pausedNoDays')}</div>}
          </dd>
        </div>
        <div>
          <dt>{t('officer.app.step')}</dt>
          <dd lang={s?.language}>{stepTitle(s, a.currentStep) || '—'}</dd>
        </div>
        <div>
          <dt>{t('officer.app.assignee')}</dt>
          <dd>{assignee(a.assignedTo)}</dd>
        </div>
        <div>
          <dt>{t('officer.app.payment')}</dt>
          <dd>
            {a.payment ? (
              <>
                <Fee amount={a.payment.amount} currency={a.payment.currency} /> · {label('payment', a.payment.status)}
              </>
            ) : (
              t('officer.app.noFee')
            )}
          </dd>
        </div>
      </dl>

      <ActionsPanel key={a.id} app={a} me={me} service={s} onDone={onDone} />

      <DocumentsSection key={`documents-${a.id}`} app={a} me={me} onRefresh={() => onDone(null)} />

      <section aria-labelledby="officer-data">
        <h2 id="officer-data">{t('officer.app.data')}</h2>
        {Object.keys(a.data).length === 0 ? <p>{t('officer.app.noData')}</p> : <FormData schema={s?.form.schema} data={a.data} language={s?.language} />}
      </section>

      <section aria-labelledby="officer-evidence">
        <h2 id="officer-evidence">{t('officer.app.evidence')}</h2>
        {a.evidence.length === 0 ? (
          <p>{t('officer.app.evidenceNone')}</p>
        ) : (
          <ul className="officer-evidence-list">
            {a.evidence.map((e) => (
              <EvidenceItem key={e.key} e={e} service={s} />
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="officer-history">
        <h2 id="officer-history">{t('officer.app.history')}</h2>
        <ol className="timeline officer-timeline">
          {history.map((h) => (
            <HistoryEntry key={h.seq} h={h} me={me} service={s} />
          ))}
        </ol>
      </section>
    </article>
  );
}
