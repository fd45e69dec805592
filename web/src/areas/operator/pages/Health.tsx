import { useEffect, useId, useState } from 'react';
import { api } from '../../../api';
import { Loading } from '../../../components';
import { useI18n } from '../../../i18n';
import { queueWarnings, SLOW_QUEUE_SECONDS, type OperatorHealth, type QueueHealth } from '../api';
import { DataTable, OperatorError, OperatorFrame, useCodeLabel, useDuration, useReload, type Column } from '../shared';

const AUTO_REFRESH_MS = 10_000;

export function HealthPage() {
  const { t } = useI18n();
  return (
    <OperatorFrame title={t('operator.health.title')} intro={t('operator.health.intro')}>
      {() => <Health />}
    </OperatorFrame>
  );
}

function Health() {
  const { t, fmt } = useI18n();
  const code = useCodeLabel();
  const duration = useDuration();
  const ids = useId();
  const health = useReload((signal) => api<OperatorHealth>('/api/v1/operator/health', { signal }), []);
  // Updates every 10 s until paused (WCAG 2.2.2); the choice lasts while the page is open.
  const [auto, setAuto] = useState(true);
  const { reload } = health;
  useEffect(() => {
    if (!auto) return;
    const timer = window.setInterval(reload, AUTO_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [auto, reload]);

  const n = fmt.number;
  const h = health.data;

  const warningsOf = (q: QueueHealth): string[] => {
    const w = queueWarnings(q);
    return [
      ...(w.failed ? [t('operator.health.warnFailed', { count: q.failed, n: n(q.failed) })] : []),
      ...(w.slow && q.oldestDueSeconds !== null ? [t('operator.health.warnSlow', { time: duration(q.oldestDueSeconds) })] : []),
    ];
  };

  const columns: Column<QueueHealth>[] = [
    {
      key: 'queue',
      header: t('operator.health.queue'),
      rowHeader: true,
      cell: (q) => (
        <>
          {code('operator.queues', q.queue)}
          <span className="op-code mono">{q.queue}</span>
        </>
      ),
    },
    { key: 'scheduled', header: t('operator.health.scheduled'), numeric: true, cell: (q) => n(q.scheduled) },
    { key: 'due', header: t('operator.health.due'), numeric: true, cell: (q) => n(q.due) },
    { key: 'running', header: t('operator.health.running'), numeric: true, cell: (q) => n(q.running) },
    { key: 'failed', header: t('operator.health.failed'), numeric: true, cell: (q) => n(q.failed) },
    { key: 'done', header: t('operator.health.doneLastHour'), numeric: true, cell: (q) => n(q.doneLastHour) },
    { key: 'oldest', header: t('operator.health.oldestDue'), numeric: true, cell: (q) => (q.oldestDueSeconds === null ? <span className="muted">{t('operator.health.nothingDue')}</span> : duration(q.oldestDueSeconds)) },
    {
      key: 'state',
      header: t('operator.health.queueState'),
      cell: (q) => {
        const w = warningsOf(q);
        return w.length === 0 ? (
          <span className="badge ok">{t('operator.health.queueOk')}</span>
        ) : (
          <ul className="op-warnings">
            {w.map((text) => (
              <li key={text}>
                <span className="badge warn">
                  <span aria-hidden="true">⚠ </span>
                  {t('operator.health.warning')}
                </span>{' '}
                {text}
              </li>
            ))}
          </ul>
        );
      },
    },
  ];

  const warned = h ? h.queues.filter((q) => warningsOf(q).length > 0) : [];

  return (
    <>
      <div className="op-toolbar">
        <button type="button" onClick={() => !health.loading && reload()} aria-busy={health.loading}>
          {t('operator.health.refresh')}
        </button>
        <div className="op-check">
          <input id={`${ids}-auto`} type="checkbox" checked={auto} onChange={(e) => setAuto(e.target.checked)} />
          <label htmlFor={`${ids}-auto`}>{t('operator.health.auto')}</label>
        </div>
        {health.at && <p className="muted op-updated">{t('operator.health.updated', { at: fmt.dateTime(health.at.toISOString()) })}</p>}
      </div>

      {health.error !== undefined && <OperatorError error={health.error} />}
      {!h && health.loading && <Loading />}
      {h && (
        <>
          <div role="status" className={`notice ${h.status === 'ok' && warned.length === 0 ? 'ok' : 'warn'}`}>
            <p className="op-status-line">
              <span aria-hidden="true">{h.status === 'ok' ? '✓ ' : '⚠ '}</span>
              <strong>{t(`operator.health.status.${h.status}`)}</strong>
            </p>
            {warned.length > 0 && <p>{t('operator.health.queuesWarned', { count: warned.length, n: n(warned.length), queues: warned.map((q) => code('operator.queues', q.queue)).join(', ') })}</p>}
          </div>

          <section aria-labelledby={`${ids}-node`}>
            <h2 id={`${ids}-node`}>{t('operator.health.nodeTitle')}</h2>
            <dl className="facts wide">
              <div>
                <dt>{t('operator.health.database')}</dt>
                <dd>
                  <span className={`badge ${h.database.status === 'up' ? 'ok' : 'bad'}`}>{t(`operator.health.db.${h.database.status}`)}</span> {h.database.kind}
                  {h.database.latencyMs !== undefined && <> · {t('operator.health.latency', { ms: n(Math.round(h.database.latencyMs * 10) / 10) })}</>}
                </dd>
              </div>
              <div>
                <dt>{t('operator.agencies.open')}</dt>
                <dd>{n(h.applications.open)}</dd>
              </div>
              <div>
                <dt>{t('operator.agencies.overdue')}</dt>
                <dd>
                  {n(h.applications.overdue)}
                  {h.applications.overdue > 0 && <span className="badge bad op-inline">{t('operator.agencies.overdueBadge')}</span>}
                </dd>
              </div>
            </dl>
          </section>

          <section aria-labelledby={`${ids}-queues`}>
            <h2 id={`${ids}-queues`}>{t('operator.health.queuesTitle')}</h2>
            <p className="hint">{t('operator.health.queuesIntro', { time: duration(SLOW_QUEUE_SECONDS) })}</p>
            {h.queues.length === 0 ? (
              <p className="notice info">{t('operator.health.noQueues')}</p>
            ) : (
              <DataTable caption={t('operator.health.queuesCaption')} captionHidden columns={columns} rows={h.queues} rowKey={(q) => q.queue} rowClass={(q) => (warningsOf(q).length ? 'op-warn-row' : undefined)} />
            )}
          </section>

          <section aria-labelledby={`${ids}-fed`}>
            <h2 id={`${ids}-fed`}>{t('operator.health.federation')}</h2>
            {h.federation === null ? (
              <p>{t('operator.health.noFederation')}</p>
            ) : (
              <>
                <p>
                  <span className={`badge ${h.federation.valid ? 'ok' : 'bad'}`}>{h.federation.valid ? t('operator.health.federationValid') : t('operator.health.federationInvalid')}</span>
                </p>
                <dl className="facts wide">
                  <div>
                    <dt>{t('operator.health.fedNode')}</dt>
                    <dd className="mono">{h.federation.node}</dd>
                  </div>
                  <div>
                    <dt>{t('operator.health.fedNodes')}</dt>
                    <dd>{n(h.federation.nodes)}</dd>
                  </div>
                  <div>
                    <dt>{t('operator.health.fedExpires')}</dt>
                    <dd>{h.federation.expiresAt ? fmt.dateTime(h.federation.expiresAt) : '—'}</dd>
                  </div>
                  {h.federation.problem && (
                    <div className="span-all">
                      <dt>{t('operator.health.fedProblem')}</dt>
                      <dd>{h.federation.problem}</dd>
                    </div>
                  )}
                </dl>
              </>
            )}
          </section>
        </>
      )}
    </>
  );
}
