// The exchange's access rights, on /operator/exchange: who (a subsystem, a local group of the provider, a global
// group) may call which endpoint (a method and a path pattern) of which of this node's services; grant, and revoke
// after a confirmation.
import { useId, useRef, useState, type FormEvent } from 'react';
import { api } from '../../../api';
import { ErrorNotice, Loading } from '../../../components';
import { useI18n, type T } from '../../../i18n';
import { Link } from '../../../router';
import { SUBJECT_FIELD, SUBJECT_TYPES, type AccessRight, type ExchangeClient, type ExchangeService, type LocalGroup, type SubjectType } from '../api';
import { ConfirmDialog, DoneStatus, Field, identifierInput, useConfirm, useProblemForm } from '../forms';
import { DataTable, OperatorError, type Column, type useReload } from '../shared';

type Reloadable<R> = ReturnType<typeof useReload<R>>;
type FormField = 'service' | 'subject' | 'method' | 'path';
const ORDER: readonly FormField[] = ['service', 'subject', 'method', 'path'];
const BY_FIELD: Record<string, FormField> = { service: 'service', client: 'subject', localGroup: 'subject', globalGroup: 'subject', method: 'method', path: 'path' };
const BY_CODE: Record<string, FormField> = {
  unknown_exchange_service: 'service',
  invalid_client_id: 'subject',
  access_subject_not_subsystem: 'subject',
  access_subject_required: 'subject',
  invalid_global_group: 'subject',
  unknown_local_group: 'subject',
  invalid_endpoint_method: 'method',
  invalid_endpoint_path: 'path',
};
const METHODS = ['*', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const EXAMPLES: Record<SubjectType, string> = { SUBSYSTEM: 'KG/GOV/MVD/WORKPERMITS', LOCALGROUP: 'schools', GLOBALGROUP: 'KZ/security-agencies' };

/** An endpoint in words: every endpoint, any method on a path, a method on any path, or the method and path. */
export function endpointText(t: T, method: string, path: string): string {
  const anyMethod = method === '*';
  const anyPath = path === '**' || path === '/**';
  if (anyMethod && anyPath) return t('operator.exchange.endpointAll');
  if (anyMethod) return t('operator.exchange.endpointAnyMethod', { path });
  if (anyPath) return t('operator.exchange.endpointAnyPath', { method });
  return `${method} ${path}`;
}

/** The body that names a right, for granting and for revoking. */
const grantBody = (r: { serviceId: string; subjectType: SubjectType; subject: string; method: string; path: string }) => ({
  service: r.serviceId,
  [SUBJECT_FIELD[r.subjectType]]: r.subject,
  method: r.method,
  path: r.path,
});

export function AccessRights({ services, rights, clients, groups }: { services: ExchangeService[]; rights: Reloadable<{ items: AccessRight[] }>; clients: ExchangeClient[]; groups: LocalGroup[] }) {
  const { t, fmt } = useI18n();
  const ids = useId();
  const [form, setForm] = useState({ service: '', subjectType: 'SUBSYSTEM' as SubjectType, subject: '', method: '*', path: '' });
  const { busy, errors, done, setDone, controls, run } = useProblemForm(ORDER, BY_FIELD, BY_CODE);
  const [filter, setFilter] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));
  const words = (r: AccessRight) => ({ subject: r.subject, service: r.serviceId, endpoint: endpointText(t, r.method, r.path) });

  const revoke = useConfirm<AccessRight>(
    async (r) => {
      await api<{ revoked: boolean }>('/api/v1/exchange/access-rights', { method: 'DELETE', body: grantBody(r) });
      setDone(t('operator.exchange.revoked', words(r)));
      rights.reload();
    },
    () => heading.current?.focus(),
  );

  const grant = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const body = { service: form.service.trim(), [SUBJECT_FIELD[form.subjectType]]: form.subject.trim(), method: form.method, path: form.path.trim() || undefined };
      const right = await api<AccessRight>('/api/v1/exchange/access-rights', { method: 'POST', body });
      set({ subject: '', path: '' });
      rights.reload();
      return t('operator.exchange.granted', words(right));
    });
  };

  const provider = form.service.trim().split('/').slice(0, 4).join('/');
  const suggestions =
    form.subjectType === 'SUBSYSTEM' ? clients.map((c) => c.clientId) : form.subjectType === 'LOCALGROUP' ? groups.filter((g) => g.owner === provider || !provider).map((g) => g.code) : [];
  const items = (rights.data?.items ?? []).filter((r) => !filter || r.serviceId === filter);
  const typeKey = { SUBSYSTEM: 'subsystem', LOCALGROUP: 'localGroup', GLOBALGROUP: 'globalGroup' } as const;

  const columns: Column<AccessRight>[] = [
    {
      key: 'subject',
      header: t('operator.exchange.subject'),
      rowHeader: true,
      className: 'op-id',
      cell: (r) => (
        <>
          <code>{r.subject}</code>
          <span className="op-code">{t(`operator.exchange.subjectType.${typeKey[r.subjectType]}`)}</span>
        </>
      ),
    },
    { key: 'service', header: t('operator.exchange.service'), className: 'op-id', cell: (r) => <code>{r.serviceId}</code> },
    { key: 'endpoint', header: t('operator.exchange.endpoint'), className: 'op-id', cell: (r) => endpointText(t, r.method, r.path) },
    { key: 'at', header: t('operator.exchange.grantedAt'), cell: (r) => fmt.dateTime(r.grantedAt) },
    {
      key: 'actions',
      header: t('operator.exchange.actions'),
      cell: (r) => (
        <button type="button" className="secondary op-small" aria-label={t('operator.exchange.revokeLabel', words(r))} onClick={() => revoke.ask(r)}>
          {t('operator.exchange.revoke')}
        </button>
      ),
    },
  ];

  return (
    <section aria-labelledby="op-rights" className="op-section">
      <h2 id="op-rights" ref={heading} tabIndex={-1}>
        {t('operator.exchange.rightsTitle')}
      </h2>
      <p className="hint">{t('operator.exchange.rightsIntro')}</p>
      <p className="hint">
        {t('operator.exchange.rightsClients')} <Link to="/operator/exchange/clients">{t('operator.pages.clients')}</Link>
      </p>

      <form className="card op-form" onSubmit={grant} noValidate aria-labelledby={`${ids}-grant`}>
        <h3 id={`${ids}-grant`}>{t('operator.exchange.grantTitle')}</h3>
        {errors.other !== null && <ErrorNotice error={errors.other} />}
        <Field id={`${ids}-service`} label={t('operator.exchange.service')} hint={t('operator.exchange.serviceHint')} error={errors.fields.service} required>
          {(props) => (
            <>
              <input {...props} {...identifierInput} ref={(el) => void (controls.current.service = el)} name="service" list={`${ids}-services`} value={form.service} onChange={(e) => set({ service: e.target.value })} />
              <datalist id={`${ids}-services`}>
                {services.map((s) => (
                  <option key={s.id} value={s.id} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <fieldset className="field choices">
          <legend>{t('operator.exchange.subjectTypeLegend')}</legend>
          {SUBJECT_TYPES.map((type) => (
            <div className="choice" key={type}>
              <input type="radio" id={`${ids}-type-${type}`} name="subjectType" value={type} checked={form.subjectType === type} onChange={() => set({ subjectType: type })} />
              <label htmlFor={`${ids}-type-${type}`}>{t(`operator.exchange.subjectChoice.${typeKey[type]}`)}</label>
            </div>
          ))}
        </fieldset>
        <Field
          id={`${ids}-subject`}
          label={t(`operator.exchange.subjectLabel.${typeKey[form.subjectType]}`)}
          hint={t(`operator.exchange.subjectHint.${typeKey[form.subjectType]}`, { example: EXAMPLES[form.subjectType] })}
          error={errors.fields.subject}
          required
        >
          {(props) => (
            <>
              <input {...props} {...identifierInput} ref={(el) => void (controls.current.subject = el)} name="subject" list={`${ids}-subjects`} value={form.subject} onChange={(e) => set({ subject: e.target.value })} />
              <datalist id={`${ids}-subjects`}>
                {suggestions.map((s) => (
                  <option key={s} value={s} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field id={`${ids}-method`} label={t('operator.exchange.method')} hint={t('operator.exchange.methodHint')} error={errors.fields.method}>
          {(props) => (
            <select {...props} ref={(el) => void (controls.current.method = el)} name="method" value={form.method} onChange={(e) => set({ method: e.target.value })}>
              {METHODS.map((m) => (
                <option key={m} value={m}>
                  {m === '*' ? t('operator.exchange.anyMethod') : m}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={`${ids}-path`} label={t('operator.exchange.path')} hint={t('operator.exchange.pathHint', { example: '/persons/*' })} error={errors.fields.path}>
          {(props) => <input {...props} {...identifierInput} ref={(el) => void (controls.current.path = el)} name="path" value={form.path} onChange={(e) => set({ path: e.target.value })} />}
        </Field>
        <button type="submit" aria-busy={busy}>
          {t('operator.exchange.grant')}
        </button>
      </form>

      <DoneStatus text={done} />

      <div className="op-filters">
        <div className="field">
          <label htmlFor={`${ids}-filter`}>{t('operator.exchange.filterService')}</label>
          <select id={`${ids}-filter`} value={filter} onChange={(e) => setFilter(e.target.value)}>
            <option value="">{t('operator.exchange.allServices')}</option>
            {services.map((s) => (
              <option key={s.id} value={s.id}>
                {s.id}
              </option>
            ))}
          </select>
        </div>
      </div>

      {rights.error !== undefined && <OperatorError error={rights.error} />}
      {!rights.data && rights.loading && <Loading />}
      {rights.data &&
        (items.length === 0 ? (
          <p className="notice info">{t('operator.exchange.noRights')}</p>
        ) : (
          <DataTable
            caption={t('operator.exchange.rightsCaption', { count: items.length, n: fmt.number(items.length) })}
            columns={columns}
            rows={items}
            rowKey={(r) => `${r.serviceId} ${r.subjectType} ${r.subject} ${r.method} ${r.path}`}
          />
        ))}

      <ConfirmDialog
        state={revoke.dialog}
        title={t('operator.exchange.confirmTitle')}
        text={revoke.pending ? t('operator.exchange.confirmText', words(revoke.pending)) : ''}
        yes={t('operator.exchange.confirmRevoke')}
      />
    </section>
  );
}
