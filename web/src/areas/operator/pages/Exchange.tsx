import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError } from '../../../api';
import { ErrorNotice, Loading, useLabel } from '../../../components';
import { useI18n } from '../../../i18n';
import type { AccessRight, ExchangeService } from '../api';
import { DataTable, OperatorError, OperatorFrame, useReload, type Column } from '../shared';
import { MessageLog } from './MessageLog';

export function ExchangePage() {
  const { t } = useI18n();
  return (
    <OperatorFrame title={t('operator.exchange.title')} intro={t('operator.exchange.intro')}>
      {() => <Exchange />}
    </OperatorFrame>
  );
}

function Exchange() {
  const { t } = useI18n();
  const services = useReload((signal) => api<{ items: ExchangeService[] }>('/api/v1/exchange/services', { signal }), []);
  const rights = useReload((signal) => api<{ items: AccessRight[] }>('/api/v1/exchange/access-rights', { signal }), []);
  return (
    <>
      <nav aria-label={t('operator.exchange.sections')} className="op-jump">
        <ul>
          <li>
            <JumpLink to="op-services">{t('operator.exchange.servicesTitle')}</JumpLink>
          </li>
          <li>
            <JumpLink to="op-rights">{t('operator.exchange.rightsTitle')}</JumpLink>
          </li>
          <li>
            <JumpLink to="op-log">{t('operator.exchange.logTitle')}</JumpLink>
          </li>
        </ul>
      </nav>
      <ProvidedServices services={services} rights={rights.data?.items} />
      <AccessRights services={services.data?.items ?? []} rights={rights} />
      <MessageLog services={services.data?.items ?? []} />
    </>
  );
}

/** A link to a section of this page: focus and scroll there, without a navigation (which would focus the page's main). */
function JumpLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <a
      href={`#${to}`}
      onClick={(e) => {
        const target = document.getElementById(to);
        if (!target) return;
        e.preventDefault();
        target.focus();
        target.scrollIntoView({ block: 'start' });
      }}
    >
      {children}
    </a>
  );
}

type Reloadable<T> = ReturnType<typeof useReload<T>>;

function ProvidedServices({ services, rights }: { services: Reloadable<{ items: ExchangeService[] }>; rights: AccessRight[] | undefined }) {
  const { t, fmt } = useI18n();
  const label = useLabel();
  const columns: Column<ExchangeService>[] = [
    { key: 'id', header: t('operator.exchange.serviceId'), rowHeader: true, className: 'op-id', cell: (s) => <code>{s.id}</code> },
    { key: 'registry', header: t('operator.exchange.registry'), cell: (s) => label('registry', s.registry) },
    { key: 'state', header: t('service.state'), cell: (s) => fmt.region(s.state) },
    { key: 'clients', header: t('operator.exchange.clientsCount'), numeric: true, cell: (s) => (rights ? fmt.number(rights.filter((r) => r.serviceId === s.id).length) : '…') },
  ];
  return (
    <section aria-labelledby="op-services" className="op-section">
      <h2 id="op-services" tabIndex={-1}>
        {t('operator.exchange.servicesTitle')}
      </h2>
      <p className="hint">{t('operator.exchange.servicesIntro')}</p>
      {services.error !== undefined && <OperatorError error={services.error} />}
      {!services.data && services.loading && <Loading />}
      {services.data &&
        (services.data.items.length === 0 ? (
          <p className="notice info">{t('operator.exchange.noServices')}</p>
        ) : (
          <DataTable caption={t('operator.exchange.servicesTitle')} captionHidden columns={columns} rows={services.data.items} rowKey={(s) => s.id} />
        ))}
    </section>
  );
}

type Field = 'service' | 'client';

/** The API's problem, placed at the field it concerns where it concerns one. */
function fieldErrors(error: unknown): { fields: Partial<Record<Field, string>>; other: unknown } {
  if (!(error instanceof ApiError) || !error.problem) return { fields: {}, other: error };
  const p = error.problem;
  const fields: Partial<Record<Field, string>> = {};
  for (const e of p.errors ?? []) {
    const name = e.field.split('/').filter(Boolean).pop();
    if (name === 'service' || name === 'client') fields[name] = fields[name] ? `${fields[name]} ${e.message}` : e.message;
  }
  if (p.code === 'invalid_client_id') fields.client ??= p.detail;
  if (p.code === 'unknown_exchange_service') fields.service ??= p.detail;
  return Object.keys(fields).length ? { fields, other: null } : { fields, other: error };
}

function AccessRights({ services, rights }: { services: ExchangeService[]; rights: Reloadable<{ items: AccessRight[] }> }) {
  const { t, fmt } = useI18n();
  const ids = useId();
  const [service, setService] = useState('');
  const [client, setClient] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<{ fields: Partial<Record<Field, string>>; other: unknown }>({ fields: {}, other: null });
  const [done, setDone] = useState('');
  const [filter, setFilter] = useState('');
  const [pending, setPending] = useState<AccessRight | null>(null);
  const [revokeError, setRevokeError] = useState<unknown>(null);
  const serviceInput = useRef<HTMLInputElement>(null);
  const clientInput = useRef<HTMLInputElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const d = dialog.current;
    if (pending && d && !d.open) d.showModal();
    if (!pending && d?.open) d.close();
  }, [pending]);

  // Buttons stay enabled while a request runs (a disabled button would drop the keyboard focus); a second press waits.
  const grant = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setDone('');
    setErrors({ fields: {}, other: null });
    try {
      const right = await api<AccessRight>('/api/v1/exchange/access-rights', { method: 'POST', body: { service: service.trim(), client: client.trim() } });
      setDone(t('operator.exchange.granted', { client: right.clientId, service: right.serviceId }));
      setClient('');
      rights.reload();
    } catch (error) {
      const found = fieldErrors(error);
      setErrors(found);
      if (found.fields.service) serviceInput.current?.focus();
      else if (found.fields.client) clientInput.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  const revoke = async () => {
    if (!pending || busy) return;
    const right = pending;
    setBusy(true);
    setRevokeError(null);
    try {
      await api<{ revoked: boolean }>('/api/v1/exchange/access-rights', { method: 'DELETE', body: { service: right.serviceId, client: right.clientId } });
      setDone(t('operator.exchange.revoked', { client: right.clientId, service: right.serviceId }));
      // closed here, before the focus moves: nothing outside a modal dialog can take the focus while it is open
      dialog.current?.close();
      setPending(null);
      rights.reload();
      heading.current?.focus();
    } catch (error) {
      setRevokeError(error);
    } finally {
      setBusy(false);
    }
  };

  const cancel = () => {
    setPending(null);
    setRevokeError(null);
  };

  const describedBy = (field: Field) => [`${ids}-${field}-hint`, errors.fields[field] ? `${ids}-${field}-error` : ''].filter(Boolean).join(' ');
  const items = (rights.data?.items ?? []).filter((r) => !filter || r.serviceId === filter);

  const columns: Column<AccessRight>[] = [
    { key: 'client', header: t('operator.exchange.client'), rowHeader: true, className: 'op-id', cell: (r) => <code>{r.clientId}</code> },
    { key: 'service', header: t('operator.exchange.service'), className: 'op-id', cell: (r) => <code>{r.serviceId}</code> },
    { key: 'at', header: t('operator.exchange.grantedAt'), cell: (r) => fmt.dateTime(r.grantedAt) },
    {
      key: 'actions',
      header: t('operator.exchange.actions'),
      cell: (r) => (
        <button
          type="button"
          className="secondary op-small"
          aria-label={t('operator.exchange.revokeLabel', { client: r.clientId, service: r.serviceId })}
          onClick={() => {
            setRevokeError(null);
            setPending(r);
          }}
        >
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

      <form className="card op-form" onSubmit={grant} noValidate aria-labelledby={`${ids}-grant`}>
        <h3 id={`${ids}-grant`}>{t('operator.exchange.grantTitle')}</h3>
        {errors.other !== null && <ErrorNotice error={errors.other} />}
        <div className="field">
          <label htmlFor={`${ids}-service`}>{t('operator.exchange.service')}</label>
          <p id={`${ids}-service-hint`} className="hint">
            {t('operator.exchange.serviceHint')}
          </p>
          <input
            ref={serviceInput}
            id={`${ids}-service`}
            name="service"
            list={`${ids}-services`}
            value={service}
            onChange={(e) => setService(e.target.value)}
            aria-required="true"
            aria-invalid={errors.fields.service ? true : undefined}
            aria-describedby={describedBy('service')}
            autoComplete="off"
            spellCheck={false}
            maxLength={500}
          />
          <datalist id={`${ids}-services`}>
            {services.map((s) => (
              <option key={s.id} value={s.id} />
            ))}
          </datalist>
          {errors.fields.service && (
            <p id={`${ids}-service-error`} className="field-error" role="alert">
              {errors.fields.service}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor={`${ids}-client`}>{t('operator.exchange.client')}</label>
          <p id={`${ids}-client-hint`} className="hint">
            {t('operator.exchange.clientHint', { example: 'KG/GOV/MVD/WORKPERMITS' })}
          </p>
          <input
            ref={clientInput}
            id={`${ids}-client`}
            name="client"
            value={client}
            onChange={(e) => setClient(e.target.value)}
            aria-required="true"
            aria-invalid={errors.fields.client ? true : undefined}
            aria-describedby={describedBy('client')}
            autoComplete="off"
            spellCheck={false}
            maxLength={500}
          />
          {errors.fields.client && (
            <p id={`${ids}-client-error`} className="field-error" role="alert">
              {errors.fields.client}
            </p>
          )}
        </div>
        <button type="submit" aria-busy={busy}>
          {t('operator.exchange.grant')}
        </button>
      </form>

      <p role="status" className="op-done">
        {done && (
          <>
            <span aria-hidden="true">✓ </span>
            {done}
          </>
        )}
      </p>

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
          <DataTable caption={t('operator.exchange.rightsCaption', { count: items.length, n: fmt.number(items.length) })} columns={columns} rows={items} rowKey={(r) => `${r.serviceId} ${r.clientId}`} />
        ))}

      <dialog ref={dialog} className="op-dialog" aria-labelledby={`${ids}-confirm`} onClose={cancel}>
        {pending && (
          <>
            <h2 id={`${ids}-confirm`}>{t('operator.exchange.confirmTitle')}</h2>
            <p>{t('operator.exchange.confirmText', { client: pending.clientId, service: pending.serviceId })}</p>
            {revokeError !== null && <ErrorNotice error={revokeError} />}
            <div className="op-dialog-buttons">
              <button type="button" className="danger" onClick={() => void revoke()} aria-busy={busy}>
                {t('operator.exchange.confirmRevoke')}
              </button>
              <button type="button" className="secondary" onClick={cancel} autoFocus>
                {t('operator.exchange.cancel')}
              </button>
            </div>
          </>
        )}
      </dialog>
    </section>
  );
}
