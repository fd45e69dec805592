// The local groups of this node's provider subsystems (/operator/exchange/local-groups): lists of client subsystems
// that an access right can name at once. Create or change one (its description and members), delete one (and the
// rights that name it) after a confirmation.
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { api } from '../../../api';
import { ErrorNotice, Loading } from '../../../components';
import { useLoad } from '../../../hooks';
import { useI18n } from '../../../i18n';
import type { ExchangeService, LocalGroup } from '../api';
import { ConfirmDialog, DoneStatus, Field, identifierInput, splitList, useConfirm, useProblemForm } from '../forms';
import { DataTable, OperatorError, OperatorFrame, useReload, type Column } from '../shared';

export function LocalGroupsPage() {
  const { t } = useI18n();
  return (
    <OperatorFrame title={t('operator.groups.title')} intro={t('operator.groups.intro')}>
      {() => <LocalGroups />}
    </OperatorFrame>
  );
}

/** The provider subsystem of a service: KZ/GOV/MVD/REGISTRIES/population → KZ/GOV/MVD/REGISTRIES. */
const providerOf = (serviceId: string) => serviceId.split('/').slice(0, 4).join('/');

function LocalGroups() {
  const { t, fmt } = useI18n();
  const groups = useReload((signal) => api<{ items: LocalGroup[] }>('/api/v1/exchange/local-groups', { signal }), []);
  const services = useLoad((signal) => api<{ items: ExchangeService[] }>('/api/v1/exchange/services', { signal }), []);
  const owners = useMemo(() => (services.status === 'ok' ? [...new Set(services.data.items.map((s) => providerOf(s.id)))].sort() : []), [services]);
  const [editing, setEditing] = useState<{ group: LocalGroup | null; key: number }>({ group: null, key: 0 });
  const [done, setDone] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);

  const remove = useConfirm<LocalGroup>(
    async (g) => {
      await api<{ removed: boolean }>('/api/v1/exchange/local-groups', { method: 'DELETE', body: { owner: g.owner, code: g.code } });
      setDone(t('operator.groups.deleted', { group: g.code, owner: g.owner }));
      groups.reload();
    },
    () => heading.current?.focus(),
  );

  const items = groups.data?.items ?? [];
  const columns: Column<LocalGroup>[] = [
    {
      key: 'code',
      header: t('operator.groups.code'),
      rowHeader: true,
      className: 'op-id',
      cell: (g) => (
        <>
          <code>{g.code}</code>
          {g.description && <span className="op-code">{g.description}</span>}
        </>
      ),
    },
    { key: 'owner', header: t('operator.groups.owner'), className: 'op-id', cell: (g) => <code>{g.owner}</code> },
    {
      key: 'members',
      header: t('operator.groups.members'),
      className: 'op-id',
      cell: (g) =>
        g.members.length === 0 ? (
          <span className="muted">{t('operator.groups.noMembers')}</span>
        ) : (
          <ul className="op-tags">
            {g.members.map((m) => (
              <li key={m} className="mono">
                {m}
              </li>
            ))}
          </ul>
        ),
    },
    {
      key: 'actions',
      header: t('operator.exchange.actions'),
      cell: (g) => (
        <div className="op-row-actions">
          <button type="button" className="secondary op-small" aria-label={t('operator.groups.editLabel', { group: g.code, owner: g.owner })} onClick={() => setEditing((e) => ({ group: g, key: e.key + 1 }))}>
            {t('operator.groups.edit')}
          </button>
          <button type="button" className="secondary op-small" aria-label={t('operator.groups.deleteLabel', { group: g.code, owner: g.owner })} onClick={() => remove.ask(g)}>
            {t('operator.groups.delete')}
          </button>
        </div>
      ),
    },
  ];

  return (
    <>
      <section aria-labelledby="op-groups" className="op-section">
        <h2 id="op-groups" ref={heading} tabIndex={-1}>
          {t('operator.groups.listTitle')}
        </h2>
        <DoneStatus text={done} />
        {groups.error !== undefined && <OperatorError error={groups.error} />}
        {!groups.data && groups.loading && <Loading />}
        {groups.data &&
          (items.length === 0 ? (
            <p className="notice info">{t('operator.groups.none')}</p>
          ) : (
            <DataTable caption={t('operator.groups.caption', { count: items.length, n: fmt.number(items.length) })} columns={columns} rows={items} rowKey={(g) => `${g.owner} ${g.code}`} />
          ))}
        <ConfirmDialog
          state={remove.dialog}
          title={t('operator.groups.deleteTitle')}
          text={remove.pending ? t('operator.groups.deleteText', { group: remove.pending.code, owner: remove.pending.owner }) : ''}
          yes={t('operator.groups.deleteConfirm')}
        />
      </section>
      {services.status === 'error' && <OperatorError error={services.error} />}
      <GroupForm
        key={editing.key}
        initial={editing.group}
        owners={owners}
        onSaved={() => {
          setDone('');
          groups.reload();
        }}
      />
    </>
  );
}

type FormField = 'owner' | 'code' | 'description' | 'members';
const ORDER: readonly FormField[] = ['owner', 'code', 'description', 'members'];
const BY_FIELD: Record<string, FormField> = { owner: 'owner', code: 'code', description: 'description', members: 'members' };
const BY_CODE: Record<string, FormField> = {
  unknown_provider_subsystem: 'owner',
  invalid_local_group: 'code',
  access_subject_not_subsystem: 'members',
  invalid_client_id: 'members',
};

/** Create a group, or change one (the same owner and code): "Edit" fills it in and gives it the focus. */
function GroupForm({ initial, owners, onSaved }: { initial: LocalGroup | null; owners: string[]; onSaved: () => void }) {
  const { t } = useI18n();
  const ids = useId();
  const [form, setForm] = useState({ owner: initial?.owner ?? '', code: initial?.code ?? '', description: initial?.description ?? '', members: initial?.members.join('\n') ?? '' });
  const { busy, errors, done, controls, run } = useProblemForm(ORDER, BY_FIELD, BY_CODE);
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));
  const owner = form.owner || owners[0] || '';

  useEffect(() => {
    if (initial) controls.current.owner?.focus();
  }, [initial]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const body = { owner, code: form.code.trim(), description: form.description.trim(), members: splitList(form.members) };
      const saved = await api<LocalGroup>('/api/v1/exchange/local-groups', { method: 'PUT', body });
      onSaved();
      return t('operator.groups.saved', { group: saved.code, owner: saved.owner });
    });
  };

  return (
    <section aria-labelledby="op-group-form" className="op-section">
      <h2 id="op-group-form" tabIndex={-1}>
        {t('operator.groups.formTitle')}
      </h2>
      <p className="hint">{t('operator.groups.formIntro')}</p>
      <form className="card op-form" onSubmit={submit} noValidate aria-labelledby="op-group-form">
        {errors.other !== null && <ErrorNotice error={errors.other} />}
        <Field id={`${ids}-owner`} label={t('operator.groups.owner')} hint={t('operator.groups.ownerHint')} error={errors.fields.owner} required>
          {(props) => (
            <select {...props} ref={(el) => void (controls.current.owner = el)} name="owner" value={owner} onChange={(e) => set({ owner: e.target.value })}>
              {[...new Set([...owners, ...(initial ? [initial.owner] : [])])].map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={`${ids}-code`} label={t('operator.groups.code')} hint={t('operator.groups.codeHint', { example: 'schools' })} error={errors.fields.code} required>
          {(props) => <input {...props} {...identifierInput} maxLength={64} ref={(el) => void (controls.current.code = el)} name="code" value={form.code} onChange={(e) => set({ code: e.target.value })} />}
        </Field>
        <Field id={`${ids}-description`} label={t('operator.groups.description')} hint={t('operator.groups.descriptionHint')} error={errors.fields.description}>
          {(props) => <input {...props} ref={(el) => void (controls.current.description = el)} name="description" maxLength={500} value={form.description} onChange={(e) => set({ description: e.target.value })} />}
        </Field>
        <Field id={`${ids}-members`} label={t('operator.groups.members')} hint={t('operator.groups.membersHint', { example: 'KZ/GOV/MINEDU/SCHOOLS' })} error={errors.fields.members}>
          {(props) => (
            <textarea {...props} ref={(el) => void (controls.current.members = el)} name="members" className="mono" rows={5} spellCheck={false} autoComplete="off" value={form.members} onChange={(e) => set({ members: e.target.value })} />
          )}
        </Field>
        <button type="submit" aria-busy={busy}>
          {t('operator.groups.save')}
        </button>
      </form>
      <DoneStatus text={done} />
    </section>
  );
}
