// The information systems registered on the exchange's client interface (/operator/exchange/clients): where they
// connect and the certificate they pin, each registered subsystem with its connection type, allowed addresses, rate
// and pinned certificates; register or change one, remove one, pin and unpin certificates (the forms: ClientForms).
import { useRef, useState } from 'react';
import { api } from '../../../api';
import { Loading } from '../../../components';
import { useLoad } from '../../../hooks';
import { useI18n } from '../../../i18n';
import type { ClientCertificate, ClientInterface, ExchangeClient } from '../api';
import { ConfirmDialog, DoneStatus, useConfirm } from '../forms';
import { DataTable, JumpLink, OperatorError, OperatorFrame, useReload, type Column } from '../shared';
import { PinForm, RegisterForm } from './ClientForms';

export function ExchangeClientsPage() {
  const { t } = useI18n();
  return (
    <OperatorFrame title={t('operator.clients.title')} intro={t('operator.clients.intro')}>
      {() => <Clients />}
    </OperatorFrame>
  );
}

function Clients() {
  const { t } = useI18n();
  const clients = useReload((signal) => api<{ items: ExchangeClient[] }>('/api/v1/exchange/clients', { signal }), []);
  // "Change" on a row: the registration form again, filled in with that system (a new key each time)
  const [editing, setEditing] = useState<{ client: ExchangeClient | null; key: number }>({ client: null, key: 0 });
  // what was last done to a listed system (removed, unpinned); a form's own success clears it
  const [done, setDone] = useState('');
  const saved = () => {
    setDone('');
    clients.reload();
  };
  return (
    <>
      <nav aria-label={t('operator.exchange.sections')} className="op-jump">
        <ul>
          <li>
            <JumpLink to="op-interface">{t('operator.clients.interfaceTitle')}</JumpLink>
          </li>
          <li>
            <JumpLink to="op-clients">{t('operator.clients.listTitle')}</JumpLink>
          </li>
          <li>
            <JumpLink to="op-register">{t('operator.clients.registerTitle')}</JumpLink>
          </li>
          <li>
            <JumpLink to="op-pin">{t('operator.clients.pinTitle')}</JumpLink>
          </li>
        </ul>
      </nav>
      <InterfaceSection />
      <ClientList clients={clients} done={done} setDone={setDone} onChange={(client) => setEditing((e) => ({ client, key: e.key + 1 }))} />
      <RegisterForm key={editing.key} initial={editing.client} onSaved={saved} />
      <PinForm clients={clients.data?.items ?? []} onSaved={saved} />
    </>
  );
}

/** Where information systems connect, and the TLS certificate they check the node by. */
function InterfaceSection() {
  const { t } = useI18n();
  const info = useLoad((signal) => api<ClientInterface>('/api/v1/exchange/client-interface', { signal }), []);
  return (
    <section aria-labelledby="op-interface" className="op-section">
      <h2 id="op-interface" tabIndex={-1}>
        {t('operator.clients.interfaceTitle')}
      </h2>
      <p className="hint">{t('operator.clients.interfaceIntro', { path: '/r1/…' })}</p>
      {info.status === 'loading' && <Loading />}
      {info.status === 'error' && <OperatorError error={info.error} />}
      {info.status === 'ok' && (
        <div className="card op-interface">
          <dl className="facts">
            <div>
              <dt>{t('operator.clients.host')}</dt>
              <dd className="mono">{info.data.host}</dd>
            </div>
            <div>
              <dt>{t('operator.clients.port')}</dt>
              <dd className="mono">{info.data.port}</dd>
            </div>
          </dl>
          <details className="op-cert">
            <summary>{t('operator.clients.interfaceCertificate')}</summary>
            <p className="hint">{t('operator.clients.interfaceCertificateHint')}</p>
            <pre>{info.data.certificate.trim()}</pre>
          </details>
        </div>
      )}
    </section>
  );
}

type Reloadable<R> = ReturnType<typeof useReload<R>>;

function ClientList({
  clients,
  done,
  setDone,
  onChange,
}: {
  clients: Reloadable<{ items: ExchangeClient[] }>;
  done: string;
  setDone: (text: string) => void;
  onChange: (client: ExchangeClient) => void;
}) {
  const { t, fmt } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  const focusHeading = () => heading.current?.focus();

  const remove = useConfirm<ExchangeClient>(async (c) => {
    await api<{ removed: boolean }>('/api/v1/exchange/clients', { method: 'DELETE', body: { client: c.clientId } });
    setDone(t('operator.clients.removed', { client: c.clientId }));
    clients.reload();
  }, focusHeading);
  const unpin = useConfirm<{ client: string; certificate: ClientCertificate }>(async ({ client, certificate }) => {
    await api<{ removed: boolean }>('/api/v1/exchange/clients/certificates', { method: 'DELETE', body: { client, fingerprint: certificate.fingerprint } });
    setDone(t('operator.clients.unpinned', { client }));
    clients.reload();
  }, focusHeading);

  const items = clients.data?.items ?? [];
  const columns: Column<ExchangeClient>[] = [
    { key: 'client', header: t('operator.clients.subsystem'), rowHeader: true, className: 'op-id', cell: (c) => <code>{c.clientId}</code> },
    {
      key: 'connection',
      header: t('operator.clients.connection'),
      cell: (c) => (
        <>
          {t(`operator.clients.connectionType.${c.connectionType}`)}
          <span className="op-code mono">{c.connectionType}</span>
        </>
      ),
    },
    {
      key: 'addresses',
      header: t('operator.clients.addresses'),
      className: 'op-id',
      cell: (c) =>
        c.allowedAddresses.length === 0 ? (
          <span className="muted">{t(c.connectionType === 'HTTP' ? 'operator.clients.loopbackOnly' : 'operator.clients.anyAddress')}</span>
        ) : (
          <ul className="op-tags">
            {c.allowedAddresses.map((a) => (
              <li key={a} className="mono">
                {a}
              </li>
            ))}
          </ul>
        ),
    },
    {
      key: 'rate',
      header: t('operator.clients.rate'),
      cell: (c) => (c.ratePerMinute === null ? <span className="muted">{t('operator.clients.noLimit')}</span> : t('operator.clients.perMinute', { count: c.ratePerMinute, n: fmt.number(c.ratePerMinute) })),
    },
    {
      key: 'certificates',
      header: t('operator.clients.certificates'),
      cell: (c) =>
        c.certificates.length === 0 ? (
          <span className={c.connectionType === 'HTTPS' ? 'badge bad' : 'muted'}>{t(c.connectionType === 'HTTPS' ? 'operator.clients.noCertificatesNeeded' : 'operator.clients.noCertificates')}</span>
        ) : (
          <ul className="op-certs">
            {c.certificates.map((x) => (
              <li key={x.fingerprint}>
                <span className="op-id">{x.subject}</span>
                <span className="op-code">{t('operator.clients.validUntil', { date: fmt.dateTime(x.notAfter) })}</span>
                <code className="op-code">{x.fingerprint}</code>
                <button
                  type="button"
                  className="secondary op-small"
                  aria-label={t('operator.clients.unpinLabel', { client: c.clientId, fingerprint: x.fingerprint.slice(0, 16) })}
                  onClick={() => unpin.ask({ client: c.clientId, certificate: x })}
                >
                  {t('operator.clients.unpin')}
                </button>
              </li>
            ))}
          </ul>
        ),
    },
    { key: 'at', header: t('operator.clients.registeredAt'), cell: (c) => fmt.dateTime(c.registeredAt) },
    {
      key: 'actions',
      header: t('operator.exchange.actions'),
      cell: (c) => (
        <div className="op-row-actions">
          <button type="button" className="secondary op-small" aria-label={t('operator.clients.changeLabel', { client: c.clientId })} onClick={() => onChange(c)}>
            {t('operator.clients.change')}
          </button>
          <button type="button" className="secondary op-small" aria-label={t('operator.clients.removeLabel', { client: c.clientId })} onClick={() => remove.ask(c)}>
            {t('operator.clients.remove')}
          </button>
        </div>
      ),
    },
  ];

  return (
    <section aria-labelledby="op-clients" className="op-section">
      <h2 id="op-clients" ref={heading} tabIndex={-1}>
        {t('operator.clients.listTitle')}
      </h2>
      <p className="hint">{t('operator.clients.listIntro')}</p>
      <DoneStatus text={done} />
      {clients.error !== undefined && <OperatorError error={clients.error} />}
      {!clients.data && clients.loading && <Loading />}
      {clients.data &&
        (items.length === 0 ? (
          <p className="notice info">{t('operator.clients.none')}</p>
        ) : (
          <DataTable caption={t('operator.clients.caption', { count: items.length, n: fmt.number(items.length) })} columns={columns} rows={items} rowKey={(c) => c.clientId} />
        ))}
      <ConfirmDialog
        state={remove.dialog}
        title={t('operator.clients.removeTitle')}
        text={remove.pending ? t('operator.clients.removeText', { client: remove.pending.clientId }) : ''}
        yes={t('operator.clients.removeConfirm')}
      />
      <ConfirmDialog
        state={unpin.dialog}
        title={t('operator.clients.unpinTitle')}
        text={unpin.pending ? t('operator.clients.unpinText', { client: unpin.pending.client, subject: unpin.pending.certificate.subject, fingerprint: unpin.pending.certificate.fingerprint }) : ''}
        yes={t('operator.clients.unpinConfirm')}
      />
    </section>
  );
}
