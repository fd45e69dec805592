// The services this node provides from agencies' own REST systems (/operator/exchange/external-services): each with
// its system's address, a time limit, how the system's TLS certificate is checked and an OpenAPI description. Register
// one (or change it: "Change" fills the form in), or stop providing one after a confirmation.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { api } from '../../../api';
import { ErrorNotice, Loading } from '../../../components';
import { useI18n } from '../../../i18n';
import { EXTERNAL_TIMEOUT, type ExternalService } from '../api';
import { ConfirmDialog, DoneStatus, Field, identifierInput, useConfirm, useProblemForm, type FieldErrors } from '../forms';
import { DataTable, OperatorError, OperatorFrame, useReload, type Column } from '../shared';

const PATH = '/api/v1/exchange/external-services';

export function ExternalServicesPage() {
  const { t } = useI18n();
  return (
    <OperatorFrame title={t('operator.external.title')} intro={t('operator.external.intro')}>
      {() => <ExternalServices />}
    </OperatorFrame>
  );
}

/** How the system's certificate is checked: not at all over plain HTTP, else as registered. */
const tlsOf = (s: ExternalService): 'none' | 'noVerify' | 'ownCa' | 'verify' =>
  s.url.startsWith('http:') ? 'none' : !s.tlsVerify ? 'noVerify' : s.tlsCa ? 'ownCa' : 'verify';

function ExternalServices() {
  const { t, fmt } = useI18n();
  const services = useReload((signal) => api<{ items: ExternalService[] }>(PATH, { signal }), []);
  const [editing, setEditing] = useState<{ service: ExternalService | null; key: number }>({ service: null, key: 0 });
  const [done, setDone] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);

  const remove = useConfirm<ExternalService>(
    async (s) => {
      const { removed } = await api<{ removed: boolean }>(PATH, { method: 'DELETE', body: { service: s.serviceId } });
      setDone(t(removed ? 'operator.external.removed' : 'operator.external.alreadyRemoved', { service: s.serviceId }));
      services.reload();
    },
    () => heading.current?.focus(),
  );

  const items = services.data?.items ?? [];
  const columns: Column<ExternalService>[] = [
    {
      key: 'service',
      header: t('operator.external.service'),
      rowHeader: true,
      className: 'op-id',
      cell: (s) => (
        <>
          <code>{s.serviceId}</code>
          {s.openapi && <span className="op-code">{t('operator.external.described')}</span>}
        </>
      ),
    },
    { key: 'url', header: t('operator.external.url'), className: 'op-id', cell: (s) => <code>{s.url}</code> },
    { key: 'timeout', header: t('operator.external.timeout'), numeric: true, cell: (s) => t('operator.external.timeoutValue', { n: fmt.number(s.timeoutMs) }) },
    {
      key: 'tls',
      header: t('operator.external.tls'),
      cell: (s) => {
        const tls = tlsOf(s);
        return <span className={tls === 'noVerify' ? 'badge bad' : tls === 'none' ? 'muted' : undefined}>{t(`operator.external.tlsState.${tls}`)}</span>;
      },
    },
    { key: 'at', header: t('operator.external.registeredAt'), cell: (s) => fmt.dateTime(s.registeredAt) },
    {
      key: 'actions',
      header: t('operator.exchange.actions'),
      cell: (s) => (
        <div className="op-row-actions">
          <button type="button" className="secondary op-small" aria-label={t('operator.external.changeLabel', { service: s.serviceId })} onClick={() => setEditing((e) => ({ service: s, key: e.key + 1 }))}>
            {t('operator.external.change')}
          </button>
          <button type="button" className="secondary op-small" aria-label={t('operator.external.removeLabel', { service: s.serviceId })} onClick={() => remove.ask(s)}>
            {t('operator.external.remove')}
          </button>
        </div>
      ),
    },
  ];

  return (
    <>
      <section aria-labelledby="op-external" className="op-section">
        <h2 id="op-external" ref={heading} tabIndex={-1}>
          {t('operator.external.listTitle')}
        </h2>
        <DoneStatus text={done} />
        {services.error !== undefined && <OperatorError error={services.error} />}
        {!services.data && services.loading && <Loading />}
        {services.data &&
          (items.length === 0 ? (
            <p className="notice info">{t('operator.external.none')}</p>
          ) : (
            <DataTable caption={t('operator.external.caption', { count: items.length, n: fmt.number(items.length) })} columns={columns} rows={items} rowKey={(s) => s.serviceId} />
          ))}
        <ConfirmDialog
          state={remove.dialog}
          title={t('operator.external.removeTitle')}
          text={remove.pending ? t('operator.external.removeText', { service: remove.pending.serviceId }) : ''}
          yes={t('operator.external.removeConfirm')}
        />
      </section>
      <ServiceForm
        key={editing.key}
        initial={editing.service}
        onSaved={() => {
          setDone('');
          services.reload();
        }}
      />
    </>
  );
}

type FormField = 'service' | 'url' | 'timeout' | 'tlsVerify' | 'tlsCa' | 'openapi';
const ORDER: readonly FormField[] = ['service', 'url', 'timeout', 'tlsVerify', 'tlsCa', 'openapi'];
const BY_FIELD: Record<string, FormField> = { service: 'service', url: 'url', timeoutMs: 'timeout', tlsVerify: 'tlsVerify', tlsCa: 'tlsCa', openapi: 'openapi' };
const BY_CODE: Record<string, FormField> = {
  invalid_service_id: 'service',
  service_is_a_register: 'service',
  invalid_service_url: 'url',
  invalid_certificate: 'tlsCa',
};

/** The OpenAPI description as typed: an object, nothing (empty), or not JSON (undefined). */
function parseOpenapi(text: string): Record<string, unknown> | null | undefined {
  if (!text.trim()) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Register a service of an agency's system, or change one (the same id): "Change" fills it in and gives it the focus. */
function ServiceForm({ initial, onSaved }: { initial: ExternalService | null; onSaved: () => void }) {
  const { t, fmt } = useI18n();
  const ids = useId();
  const [form, setForm] = useState({
    service: initial?.serviceId ?? '',
    url: initial?.url ?? '',
    timeout: initial ? String(initial.timeoutMs) : '',
    tlsVerify: initial?.tlsVerify ?? true,
    tlsCa: initial?.tlsCa ?? '',
    openapi: initial?.openapi ? JSON.stringify(initial.openapi, null, 2) : '',
  });
  const { busy, errors, done, setDone, controls, show, run } = useProblemForm(ORDER, BY_FIELD, BY_CODE);
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));
  const bounds = { min: fmt.number(EXTERNAL_TIMEOUT.min), max: fmt.number(EXTERNAL_TIMEOUT.max), default: fmt.number(EXTERNAL_TIMEOUT.default) };

  useEffect(() => {
    if (initial) controls.current.service?.focus();
  }, [initial]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    // what the browser can tell itself, said in words rather than as the schema's message
    const timeout = form.timeout.trim();
    const openapi = parseOpenapi(form.openapi);
    const found: FieldErrors<FormField> = { fields: {}, other: null };
    if (timeout && !(/^\d+$/.test(timeout) && Number(timeout) >= EXTERNAL_TIMEOUT.min && Number(timeout) <= EXTERNAL_TIMEOUT.max)) found.fields.timeout = t('operator.external.timeoutInvalid', bounds);
    if (openapi === undefined) found.fields.openapi = t('operator.external.openapiInvalid');
    if (Object.keys(found.fields).length) {
      setDone('');
      show(found);
      return;
    }
    void run(async () => {
      const body = {
        service: form.service.trim(),
        url: form.url.trim(),
        ...(timeout ? { timeoutMs: Number(timeout) } : {}),
        tlsVerify: form.tlsVerify,
        tlsCa: form.tlsCa.trim() || null,
        openapi: openapi ?? null,
      };
      const saved = await api<ExternalService>(PATH, { method: 'POST', body });
      onSaved();
      return t('operator.external.saved', { service: saved.serviceId, url: saved.url });
    });
  };

  return (
    <section aria-labelledby="op-external-form" className="op-section">
      <h2 id="op-external-form" tabIndex={-1}>
        {t('operator.external.formTitle')}
      </h2>
      <p className="hint">{t('operator.external.formIntro')}</p>
      <form className="card op-form" onSubmit={submit} noValidate aria-labelledby="op-external-form">
        {errors.other !== null && <ErrorNotice error={errors.other} />}
        <Field id={`${ids}-service`} label={t('operator.external.service')} hint={t('operator.external.serviceHint', { example: 'KZ/GOV/MINJUST/NOTARY/deeds' })} error={errors.fields.service} required>
          {(props) => <input {...props} {...identifierInput} ref={(el) => void (controls.current.service = el)} name="service" value={form.service} onChange={(e) => set({ service: e.target.value })} />}
        </Field>
        <Field id={`${ids}-url`} label={t('operator.external.url')} hint={t('operator.external.urlHint', { example: 'https://notary.minjust.kz/api' })} error={errors.fields.url} required>
          {(props) => <input {...props} {...identifierInput} maxLength={2000} type="url" inputMode="url" ref={(el) => void (controls.current.url = el)} name="url" value={form.url} onChange={(e) => set({ url: e.target.value })} />}
        </Field>
        <Field id={`${ids}-timeout`} label={t('operator.external.timeoutField')} hint={t('operator.external.timeoutHint', bounds)} error={errors.fields.timeout}>
          {(props) => (
            <input {...props} ref={(el) => void (controls.current.timeout = el)} name="timeoutMs" className="width-number" inputMode="numeric" autoComplete="off" maxLength={7} value={form.timeout} onChange={(e) => set({ timeout: e.target.value })} />
          )}
        </Field>
        <div className="field checkbox">
          <input
            id={`${ids}-verify`}
            type="checkbox"
            ref={(el) => void (controls.current.tlsVerify = el)}
            name="tlsVerify"
            checked={form.tlsVerify}
            onChange={(e) => set({ tlsVerify: e.target.checked })}
            aria-describedby={[`${ids}-verify-hint`, errors.fields.tlsVerify ? `${ids}-verify-error` : ''].filter(Boolean).join(' ')}
            aria-invalid={errors.fields.tlsVerify ? true : undefined}
          />
          <label htmlFor={`${ids}-verify`}>{t('operator.external.tlsVerify')}</label>
          <p id={`${ids}-verify-hint`} className="hint">
            {t('operator.external.tlsVerifyHint')}
          </p>
          {errors.fields.tlsVerify && (
            <p id={`${ids}-verify-error`} className="field-error" role="alert">
              {errors.fields.tlsVerify}
            </p>
          )}
        </div>
        <Field
          id={`${ids}-ca`}
          label={t('operator.external.tlsCa')}
          hint={t('operator.external.tlsCaHint', { begin: '-----BEGIN CERTIFICATE-----', end: '-----END CERTIFICATE-----' })}
          error={errors.fields.tlsCa}
        >
          {(props) => (
            <textarea
              {...props}
              ref={(el) => void (controls.current.tlsCa = el)}
              name="tlsCa"
              className="mono op-pem"
              rows={6}
              spellCheck={false}
              autoComplete="off"
              maxLength={20_000}
              value={form.tlsCa}
              onChange={(e) => set({ tlsCa: e.target.value })}
            />
          )}
        </Field>
        <Field id={`${ids}-openapi`} label={t('operator.external.openapi')} hint={t('operator.external.openapiHint')} error={errors.fields.openapi}>
          {(props) => (
            <textarea
              {...props}
              ref={(el) => void (controls.current.openapi = el)}
              name="openapi"
              className="mono op-pem"
              rows={8}
              spellCheck={false}
              autoComplete="off"
              value={form.openapi}
              onChange={(e) => set({ openapi: e.target.value })}
            />
          )}
        </Field>
        <button type="submit" aria-busy={busy}>
          {t('operator.external.save')}
        </button>
      </form>
      <DoneStatus text={done} />
    </section>
  );
}
