// The forms of /operator/exchange/clients: register an information system's subsystem (or change its registration),
// and pin a TLS certificate to one, each with the API's problems at their fields.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { api } from '../../../api';
import { ErrorNotice } from '../../../components';
import { useI18n } from '../../../i18n';
import { CONNECTION_TYPES, type ClientCertificate, type ConnectionType, type ExchangeClient } from '../api';
import { DoneStatus, Field, identifierInput, splitList, useProblemForm } from '../forms';

type RegisterField = 'client' | 'connectionType' | 'addresses' | 'rate';
const REGISTER_ORDER: readonly RegisterField[] = ['client', 'connectionType', 'addresses', 'rate'];
const REGISTER_BY_FIELD: Record<string, RegisterField> = { client: 'client', connectionType: 'connectionType', allowedAddresses: 'addresses', ratePerMinute: 'rate' };
const REGISTER_BY_CODE: Record<string, RegisterField> = {
  invalid_client_id: 'client',
  access_subject_not_subsystem: 'client',
  invalid_connection_type: 'connectionType',
  invalid_client_address: 'addresses',
};
const MAX_RATE = 10_000_000;

/** Register a subsystem, or change one: `initial` fills the form in (and takes the focus) when "Change" was pressed. */
export function RegisterForm({ initial, onSaved }: { initial: ExchangeClient | null; onSaved: () => void }) {
  const { t, fmt } = useI18n();
  const ids = useId();
  const [form, setForm] = useState({
    client: initial?.clientId ?? '',
    connectionType: initial?.connectionType ?? ('HTTPS' as ConnectionType),
    addresses: initial?.allowedAddresses.join(' ') ?? '',
    rate: initial?.ratePerMinute === null || initial === null ? '' : String(initial.ratePerMinute),
  });
  const { busy, errors, done, setDone, controls, show, run } = useProblemForm(REGISTER_ORDER, REGISTER_BY_FIELD, REGISTER_BY_CODE);
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));

  useEffect(() => {
    if (initial) controls.current.client?.focus();
  }, [initial]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const rate = form.rate.trim();
    // a whole number or nothing: said here in words, rather than as the schema's message
    if (rate && !(/^\d+$/.test(rate) && Number(rate) >= 1 && Number(rate) <= MAX_RATE)) {
      setDone('');
      show({ fields: { rate: t('operator.clients.rateInvalid', { max: fmt.number(MAX_RATE) }) }, other: null });
      return;
    }
    void run(async () => {
      const body = {
        client: form.client.trim(),
        connectionType: form.connectionType,
        allowedAddresses: splitList(form.addresses),
        ratePerMinute: rate ? Number(rate) : null,
      };
      const saved = await api<ExchangeClient>('/api/v1/exchange/clients', { method: 'POST', body });
      onSaved();
      return t('operator.clients.registered', { client: saved.clientId });
    });
  };

  return (
    <section aria-labelledby="op-register" className="op-section">
      <h2 id="op-register" tabIndex={-1}>
        {t('operator.clients.registerTitle')}
      </h2>
      <p className="hint">{t('operator.clients.registerIntro')}</p>
      <form className="card op-form" onSubmit={submit} noValidate aria-labelledby="op-register">
        {errors.other !== null && <ErrorNotice error={errors.other} />}
        <Field id={`${ids}-client`} label={t('operator.clients.subsystem')} hint={t('operator.clients.subsystemHint', { example: 'KZ/GOV/MINEDU/SCHOOLS' })} error={errors.fields.client} required>
          {(props) => <input {...props} {...identifierInput} ref={(el) => void (controls.current.client = el)} name="client" value={form.client} onChange={(e) => set({ client: e.target.value })} />}
        </Field>
        <fieldset className="field choices" aria-describedby={errors.fields.connectionType ? `${ids}-type-error` : undefined}>
          <legend>{t('operator.clients.connection')}</legend>
          {CONNECTION_TYPES.map((type, i) => (
            <div className="choice" key={type}>
              <input
                type="radio"
                id={`${ids}-type-${type}`}
                ref={i === 0 ? (el) => void (controls.current.connectionType = el) : undefined}
                name="connectionType"
                value={type}
                checked={form.connectionType === type}
                onChange={() => set({ connectionType: type })}
                aria-describedby={`${ids}-type-${type}-hint`}
              />
              <label htmlFor={`${ids}-type-${type}`}>{t(`operator.clients.connectionType.${type}`)}</label>
              <p id={`${ids}-type-${type}-hint`} className="hint op-choice-hint">
                {t(`operator.clients.connectionHint.${type}`)}
              </p>
            </div>
          ))}
          {errors.fields.connectionType && (
            <p id={`${ids}-type-error`} className="field-error" role="alert">
              {errors.fields.connectionType}
            </p>
          )}
        </fieldset>
        <Field id={`${ids}-addresses`} label={t('operator.clients.addresses')} hint={t('operator.clients.addressesHint', { example: '10.20.0.5 10.30.0.0/24' })} error={errors.fields.addresses}>
          {(props) => <input {...props} {...identifierInput} ref={(el) => void (controls.current.addresses = el)} name="allowedAddresses" value={form.addresses} onChange={(e) => set({ addresses: e.target.value })} />}
        </Field>
        <Field id={`${ids}-rate`} label={t('operator.clients.rate')} hint={t('operator.clients.rateHint')} error={errors.fields.rate}>
          {(props) => (
            <input {...props} ref={(el) => void (controls.current.rate = el)} name="ratePerMinute" className="width-number" inputMode="numeric" autoComplete="off" maxLength={12} value={form.rate} onChange={(e) => set({ rate: e.target.value })} />
          )}
        </Field>
        <button type="submit" aria-busy={busy}>
          {t('operator.clients.register')}
        </button>
      </form>
      <DoneStatus text={done} />
    </section>
  );
}

type PinField = 'client' | 'certificate';
const PIN_ORDER: readonly PinField[] = ['client', 'certificate'];
const PIN_BY_FIELD: Record<string, PinField> = { client: 'client', certificate: 'certificate' };
const PIN_BY_CODE: Record<string, PinField> = {
  invalid_client_id: 'client',
  access_subject_not_subsystem: 'client',
  unknown_exchange_client: 'client',
  invalid_certificate: 'certificate',
};

/** Pin an information system's TLS certificate (PEM, pasted) to its registered subsystem. */
export function PinForm({ clients, onSaved }: { clients: ExchangeClient[]; onSaved: () => void }) {
  const { t } = useI18n();
  const ids = useId();
  const [client, setClient] = useState('');
  const [certificate, setCertificate] = useState('');
  const { busy, errors, done, controls, run } = useProblemForm(PIN_ORDER, PIN_BY_FIELD, PIN_BY_CODE);
  // the first system that connects with a client certificate until one is chosen (the select shows it), and again
  // when the chosen one is removed
  const chosen = clients.some((c) => c.clientId === client) ? client : ((clients.find((c) => c.connectionType === 'HTTPS') ?? clients[0])?.clientId ?? '');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const pinned = await api<ClientCertificate>('/api/v1/exchange/clients/certificates', { method: 'POST', body: { client: chosen, certificate: certificate.trim() } });
      setCertificate('');
      onSaved();
      return t('operator.clients.pinned', { client: chosen, subject: pinned.subject });
    });
  };

  return (
    <section aria-labelledby="op-pin" className="op-section">
      <h2 id="op-pin" tabIndex={-1}>
        {t('operator.clients.pinTitle')}
      </h2>
      <p className="hint">{t('operator.clients.pinIntro')}</p>
      {clients.length === 0 ? (
        <p className="notice info">{t('operator.clients.pinNone')}</p>
      ) : (
        <form className="card op-form" onSubmit={submit} noValidate aria-labelledby="op-pin">
          {errors.other !== null && <ErrorNotice error={errors.other} />}
          <Field id={`${ids}-client`} label={t('operator.clients.subsystem')} error={errors.fields.client} required>
            {(props) => (
              <select {...props} ref={(el) => void (controls.current.client = el)} name="client" value={chosen} onChange={(e) => setClient(e.target.value)}>
                {clients.map((c) => (
                  <option key={c.clientId} value={c.clientId}>
                    {c.clientId}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            id={`${ids}-certificate`}
            label={t('operator.clients.certificate')}
            hint={t('operator.clients.certificateHint', { begin: '-----BEGIN CERTIFICATE-----', end: '-----END CERTIFICATE-----' })}
            error={errors.fields.certificate}
            required
          >
            {(props) => (
              <textarea
                {...props}
                ref={(el) => void (controls.current.certificate = el)}
                name="certificate"
                className="mono op-pem"
                rows={8}
                spellCheck={false}
                autoComplete="off"
                maxLength={20_000}
                value={certificate}
                onChange={(e) => setCertificate(e.target.value)}
              />
            )}
          </Field>
          <button type="submit" aria-busy={busy}>
            {t('operator.clients.pin')}
          </button>
        </form>
      )}
      <DoneStatus text={done} />
    </section>
  );
}
