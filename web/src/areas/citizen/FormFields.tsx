import type { ReactNode } from 'react';
import type { Prefill, ServiceDetail } from '../../api';
import { useLabel } from '../../components';
import { useI18n } from '../../i18n';
import { blankItem, child, dataOf, digitsOf, fieldId, isObject, objectRules, type Draft, type DraftObject, type FieldSchema } from './form';

export interface FormContext {
  /** messages by pointer (the browser's checks, then the node's) */
  errors: Map<string, string>;
  /** the citizen left this field: its error shows from now on */
  touch: (pointer: string) => void;
  /** what the registers filled in, by top-level field */
  prefill: Prefill['fields'];
  /** the drafts as the registers filled them in, to tell when the applicant changed one */
  prefilled: DraftObject;
  /** the service's language, for labels that have no translation */
  serviceLanguage: string;
}

const RADIO_LIMIT = 5;

function useFieldLabel() {
  const { lang } = useI18n();
  return (schema: FieldSchema, name: string): { text: string; lang?: string } => {
    const labels = schema['x-labels'];
    if (labels?.[lang]) return { text: labels[lang] };
    if (labels?.en) return { text: labels.en, lang: 'en' };
    const any = labels ? Object.entries(labels)[0] : undefined;
    return any ? { text: any[1], lang: any[0] } : { text: name };
  };
}

export function useEnumLabel() {
  const { pick } = useI18n();
  return (schema: FieldSchema, value: string): string => {
    const labels = schema['x-enum-labels']?.[value];
    return labels ? pick(labels) : value;
  };
}

/** The hint under a label: the number of digits of an identifier, a number's range. */
function useHint() {
  const { t, fmt } = useI18n();
  return (schema: FieldSchema): string | null => {
    const digits = digitsOf(schema.pattern);
    if (digits) return t('citizen.form.hint.digits', { count: digits, n: fmt.number(digits) });
    if (schema.type === 'integer' || schema.type === 'number') {
      const min = schema.minimum ?? schema.exclusiveMinimum;
      const max = schema.maximum ?? schema.exclusiveMaximum;
      if (min !== undefined && max !== undefined) return t('citizen.form.hint.range', { min: fmt.number(min), max: fmt.number(max) });
      if (min !== undefined) return t(schema.exclusiveMinimum !== undefined ? 'citizen.form.hint.above' : 'citizen.form.hint.min', { min: fmt.number(min) });
    }
    if (schema.format === 'email') return t('citizen.form.hint.email');
    if (schema.type === 'array' && schema.maxItems) return t('citizen.form.hint.maxItems', { count: schema.maxItems, n: fmt.number(schema.maxItems) });
    return null;
  };
}

interface FieldProps {
  schema: FieldSchema;
  name: string;
  pointer: string;
  draft: Draft;
  onChange(draft: Draft): void;
  required: boolean;
  ctx: FormContext;
  /** a label to use instead of the schema's (array items) */
  label?: string;
}

/** The fields of an object, in the schema's order, without those its conditions hide. */
export function ObjectFields({ schema, pointer, draft, onChange, ctx }: { schema: FieldSchema; pointer: string; draft: DraftObject; onChange(d: DraftObject): void; ctx: FormContext }) {
  const data = (dataOf(schema, draft) ?? {}) as Record<string, unknown>;
  const { required, hidden } = objectRules(schema, data);
  return (
    <>
      {Object.entries(schema.properties ?? {})
        .filter(([k]) => !hidden.has(k))
        .map(([k, s]) => (
          <Field key={k} schema={s} name={k} pointer={child(pointer, k)} draft={draft[k]} required={required.has(k)} ctx={ctx} onChange={(v) => onChange({ ...draft, [k]: v })} />
        ))}
    </>
  );
}

/** Where a prefilled value came from (shown next to the field), or that the applicant changed it. */
function PrefillNote({ pointer, draft, ctx, id }: { pointer: string; draft: Draft; ctx: FormContext; id: string }) {
  const { t } = useI18n();
  const label = useLabel();
  const key = pointer.split('/')[2];
  const source = pointer.split('/').length === 3 ? ctx.prefill[key] : undefined;
  if (!source) return null;
  const changed = JSON.stringify(ctx.prefilled[key]) !== JSON.stringify(draft);
  return (
    <p id={id} className={`prefilled${changed ? ' changed' : ''}`}>
      <span aria-hidden="true" className="prefilled-mark">
        {changed ? '✎' : '✓'}
      </span>{' '}
      {changed
        ? t('citizen.form.prefillChanged', { registry: label('registry', source.registry) })
        : t('citizen.form.prefilled', { registry: label('registry', source.registry) })}{' '}
      <span className="muted">
        {t('citizen.form.via')} <span className="mono">{source.source}</span>
      </span>
    </p>
  );
}

function Described({ id, hint, error, children }: { id: string; hint: string | null; error: string | undefined; children?: ReactNode }) {
  return (
    <>
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      {children}
      {error && (
        <p id={`${id}-error`} className="error-message">
          {error}
        </p>
      )}
    </>
  );
}

export function Field({ schema, name, pointer, draft, onChange, required, ctx, label: own }: FieldProps) {
  const { t, lang } = useI18n();
  const fieldLabel = useFieldLabel();
  const enumLabel = useEnumLabel();
  const hintOf = useHint();
  const id = fieldId(pointer);
  const label = own ? { text: own } : fieldLabel(schema, name);
  const error = ctx.errors.get(pointer);
  const hint = hintOf(schema);
  const hasPrefill = pointer.split('/').length === 3 && !!ctx.prefill[pointer.split('/')[2]];
  const describedBy = [hint && `${id}-hint`, hasPrefill && `${id}-source`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  const optional = !required && schema.type !== 'boolean' ? <span className="optional"> {t('citizen.form.optional')}</span> : null;
  const labelText = <span lang={label.lang}>{label.text}</span>;
  const note = <PrefillNote pointer={pointer} draft={draft} ctx={ctx} id={`${id}-source`} />;

  if (schema.type === 'object') {
    const value = isObject(draft) ? (draft as DraftObject) : {};
    return (
      <fieldset className="group" id={id} tabIndex={-1} aria-describedby={describedBy}>
        <legend>
          {labelText}
          {optional}
        </legend>
        {note}
        <Described id={id} hint={hint} error={error} />
        <ObjectFields schema={schema} pointer={pointer} draft={value} onChange={onChange} ctx={ctx} />
      </fieldset>
    );
  }

  if (schema.type === 'array') {
    const items = Array.isArray(draft) ? draft : [];
    const itemSchema = schema.items ?? {};
    const full = schema.maxItems !== undefined && items.length >= schema.maxItems;
    return (
      <fieldset className="group" id={id} tabIndex={-1} aria-describedby={describedBy}>
        <legend>
          {labelText}
          {optional}
        </legend>
        {note}
        <Described id={id} hint={hint} error={error} />
        {items.length === 0 && <p className="muted">{t('citizen.form.noItems')}</p>}
        <ol className="items">
          {items.map((item, i) => {
            const itemLabel = t('citizen.form.item', { label: label.text, n: i + 1 });
            const set = (v: Draft) => onChange(items.map((x, j) => (j === i ? v : x)));
            return (
              <li key={i} className="item">
                {itemSchema.type === 'object' ? (
                  <fieldset className="group" id={fieldId(child(pointer, i))} tabIndex={-1}>
                    <legend>{itemLabel}</legend>
                    <ObjectFields schema={itemSchema} pointer={child(pointer, i)} draft={isObject(item) ? (item as DraftObject) : {}} onChange={set} ctx={ctx} />
                  </fieldset>
                ) : (
                  <Field schema={itemSchema} name={name} pointer={child(pointer, i)} draft={item} onChange={set} required ctx={ctx} label={itemLabel} />
                )}
                <button type="button" className="secondary small" onClick={() => onChange(items.filter((_, j) => j !== i))}>
                  {t('citizen.form.remove', { item: itemLabel })}
                </button>
              </li>
            );
          })}
        </ol>
        {!full && (
          <button type="button" className="secondary small" onClick={() => onChange([...items, blankItem(schema)])}>
            {t('citizen.form.add', { label: label.text })}
          </button>
        )}
      </fieldset>
    );
  }

  if (schema.type === 'boolean') {
    return (
      <div className="field checkbox">
        <input id={id} type="checkbox" checked={draft === true} onChange={(e) => onChange(e.target.checked)} onBlur={() => ctx.touch(pointer)} aria-describedby={describedBy} aria-invalid={error ? true : undefined} />
        <label htmlFor={id}>{labelText}</label>
        {note}
        <Described id={id} hint={hint} error={error} />
      </div>
    );
  }

  const value = typeof draft === 'string' ? draft : '';

  if (schema.enum) {
    const options = schema.enum.map(String);
    if (required && options.length <= RADIO_LIMIT) {
      return (
        <fieldset className="field choices" id={`${id}-group`} aria-describedby={describedBy}>
          <legend>{labelText}</legend>
          {note}
          <Described id={id} hint={hint} error={error} />
          {options.map((o, i) => (
            <div className="choice" key={o}>
              <input
                type="radio"
                id={i === 0 ? id : `${id}-${i}`}
                name={id}
                value={o}
                checked={value === o}
                onChange={() => onChange(o)}
                onBlur={() => ctx.touch(pointer)}
                aria-invalid={error ? true : undefined}
              />
              <label htmlFor={i === 0 ? id : `${id}-${i}`}>{enumLabel(schema, o)}</label>
            </div>
          ))}
        </fieldset>
      );
    }
    return (
      <div className="field">
        <label htmlFor={id}>
          {labelText}
          {optional}
        </label>
        {note}
        <Described id={id} hint={hint} error={error} />
        <select id={id} value={value} onChange={(e) => onChange(e.target.value)} onBlur={() => ctx.touch(pointer)} aria-describedby={describedBy} aria-invalid={error ? true : undefined} required={required}>
          <option value="">{required ? t('citizen.form.choose') : t('citizen.form.notChosen')}</option>
          {/* a long list (the countries) in the order of its names in the reader's language, a short one as defined */}
          {(options.length > 12 ? [...options].sort((x, y) => enumLabel(schema, x).localeCompare(enumLabel(schema, y), lang)) : options).map((o) => (
            <option key={o} value={o}>
              {enumLabel(schema, o)}
            </option>
          ))}
        </select>
      </div>
    );
  }

  const numeric = schema.type === 'integer' || schema.type === 'number';
  const digits = digitsOf(schema.pattern);
  return (
    <div className="field">
      <label htmlFor={id}>
        {labelText}
        {optional}
      </label>
      {note}
      <Described id={id} hint={hint} error={error} />
      <input
        id={id}
        type={schema.format === 'date' ? 'date' : schema.format === 'email' ? 'email' : 'text'}
        inputMode={numeric ? (schema.type === 'integer' ? 'numeric' : 'decimal') : digits ? 'numeric' : undefined}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onBlur={() => ctx.touch(pointer)}
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
        aria-required={required || undefined}
        autoComplete={schema.format === 'email' ? 'email' : 'off'}
        spellCheck={digits || numeric ? false : undefined}
        className={digits && digits <= 20 ? 'width-id' : numeric ? 'width-number' : schema.format === 'date' ? 'width-date' : undefined}
      />
    </div>
  );
}

/** A value as the review step shows it: enum labels, yes/no, dates and numbers in the reader's language. */
export function ReviewValue({ schema, value }: { schema: FieldSchema; value: unknown }) {
  const { t, fmt } = useI18n();
  const enumLabel = useEnumLabel();
  const fieldLabel = useFieldLabel();
  if (value === undefined) return <span className="muted">{t('citizen.review.empty')}</span>;
  if (schema.type === 'boolean') return <>{value ? t('common.yes') : t('common.no')}</>;
  if (schema.type === 'integer' || schema.type === 'number') return <>{typeof value === 'number' ? fmt.number(value) : String(value)}</>;
  if (schema.type === 'array' && Array.isArray(value)) {
    if (value.length === 0) return <span className="muted">{t('citizen.review.none')}</span>;
    return (
      <ol className="review-items">
        {value.map((v, i) => (
          <li key={i}>
            <ReviewValue schema={schema.items ?? {}} value={v} />
          </li>
        ))}
      </ol>
    );
  }
  if (schema.type === 'object' && isObject(value)) {
    return (
      <dl className="review-nested">
        {Object.entries(schema.properties ?? {})
          .filter(([k]) => value[k] !== undefined)
          .map(([k, s]) => {
            const l = fieldLabel(s, k);
            return (
              <div key={k}>
                <dt lang={l.lang}>{l.text}</dt>
                <dd>
                  <ReviewValue schema={s} value={value[k]} />
                </dd>
              </div>
            );
          })}
      </dl>
    );
  }
  if (schema.enum) return <>{enumLabel(schema, String(value))}</>;
  if (schema.format === 'date' && typeof value === 'string') return <>{fmt.day(value)}</>;
  return <>{String(value)}</>;
}

/** A service's form as the fields read it (none while the service is not loaded). */
export const formSchema = (service: ServiceDetail | null | undefined): FieldSchema => (service?.form.schema ?? { type: 'object', properties: {} }) as unknown as FieldSchema;

/**
 * Form data as a list of labelled values, in the form's order; fields the form no longer has (an older version's)
 * come last, by name.
 */
export function DataList({ schema, data }: { schema: FieldSchema; data: Record<string, unknown> }) {
  const fieldLabel = useFieldLabel();
  const known = Object.keys(schema.properties ?? {});
  const keys = [...known.filter((k) => k in data), ...Object.keys(data).filter((k) => !known.includes(k))];
  return (
    <dl className="review-list">
      {keys.map((k) => {
        const fs = schema.properties?.[k] ?? {};
        const l = fieldLabel(fs, k);
        return (
          <div key={k}>
            <dt lang={l.lang}>{l.text}</dt>
            <dd>
              <ReviewValue schema={fs} value={data[k]} />
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

export { useFieldLabel };
