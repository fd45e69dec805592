/** The shape of a service definition file (services/<STATE>/<code>.yaml); see services/README.md. */
export type Localized = Record<string, string>;
export type ApplicantKind = 'person' | 'organization';

export interface Evidence {
  key: string;
  registry: string;
  subject: string;
  title: Localized;
  prefill?: Record<string, string>;
}

export interface WorkflowStep {
  id: string;
  kind: 'automatic' | 'human';
  title: Localized;
  rule?: unknown;
  otherwise?: string;
  permission?: 'review' | 'decide';
}

export interface ServiceDefinition {
  code: string;
  version: number;
  state: string;
  agency: string;
  category: string;
  lifeEvents: string[];
  title: Localized;
  description: Localized;
  applicants: ApplicantKind[];
  legalBasis?: string;
  sources?: string[];
  /** refundOnReject: the fee goes back to the payer when the agency rejects (default false) */
  fee: { amount: number; currency: string; basis?: string; refundOnReject?: boolean };
  /** pauseOnInfoRequest: the term stops while the applicant is asked for more (default true) */
  deadline: { days: number; type: 'working' | 'calendar'; pauseOnInfoRequest?: boolean };
  form: { schema: Record<string, unknown>; example: Record<string, unknown> };
  evidence: Evidence[];
  /**
   * The form's fields that name another person whose own signature the application needs (a spouse, the other
   * parent, a director, an owner): it waits for each to consent before anything is checked or decided.
   */
  consents?: string[];
  workflow: { steps: WorkflowStep[] };
  /**
   * `states`: the form's fields the document states, in order, each under the form's label or its own (the form is
   * not copied: a purpose, a pickup office or a paper copy asked for belong to the application, not the document).
   * `certifies`: the evidence whose content the document states (a register's answer, as of its date and source),
   * after them; e.g. the criminal records register's answer on a criminal-record certificate.
   */
  result: { document: string; title: Localized; validDays?: number; states: { field: string; label?: Localized }[]; certifies?: { evidence: string; label?: Localized }[] };
}

export interface Agency {
  code: string;
  state: string;
  name: Localized;
  member: string;
}

export const CURRENCY_OF_STATE: Record<string, string> = { KZ: 'KZT', AZ: 'AZN', KG: 'KGS', TR: 'TRY', UZ: 'UZS' };
export const LANGUAGE_OF_STATE: Record<string, string> = { KZ: 'kk', AZ: 'az', KG: 'ky', TR: 'tr', UZ: 'uz' };
export const CATEGORIES = ['certificates', 'family', 'residence', 'business', 'social', 'transport', 'construction', 'identity-documents'];
export const LIFE_EVENTS = ['birth', 'marriage', 'moving', 'employment', 'starting-business', 'buying-vehicle', 'building-home', 'travel', 'retirement'];
export const REGISTRIES = ['population', 'businesses', 'criminal-records', 'addresses', 'civil-registry', 'real-estate', 'vehicles', 'cadastre'];

const localized = {
  type: 'object',
  minProperties: 1,
  propertyNames: { enum: ['kk', 'ru', 'en', 'tr', 'az', 'ky', 'uz'] },
  additionalProperties: { type: 'string', minLength: 1 },
};

/** JSON Schema of a definition file: the loader reports each violation with the file and the field. */
export const definitionSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  additionalProperties: false,
  required: ['code', 'version', 'state', 'agency', 'category', 'title', 'description', 'applicants', 'fee', 'deadline', 'form', 'evidence', 'workflow', 'result'],
  properties: {
    code: { type: 'string', pattern: '^(kz|az|kg|tr|uz)-[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 80 },
    version: { type: 'integer', minimum: 1 },
    state: { enum: ['KZ', 'AZ', 'KG', 'TR', 'UZ'] },
    agency: { type: 'string', minLength: 1 },
    category: { enum: CATEGORIES },
    lifeEvents: { type: 'array', items: { enum: LIFE_EVENTS }, uniqueItems: true, default: [] },
    title: localized,
    description: localized,
    applicants: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['person', 'organization'] } },
    legalBasis: { type: 'string' },
    sources: { type: 'array', items: { type: 'string' } },
    fee: {
      type: 'object',
      additionalProperties: false,
      required: ['amount', 'currency'],
      properties: {
        amount: { type: 'integer', minimum: 0 },
        currency: { enum: ['KZT', 'AZN', 'KGS', 'TRY', 'UZS'] },
        basis: { type: 'string' },
        refundOnReject: { type: 'boolean' },
      },
    },
    deadline: {
      type: 'object',
      additionalProperties: false,
      required: ['days', 'type'],
      properties: {
        days: { type: 'integer', minimum: 0, maximum: 366 },
        type: { enum: ['working', 'calendar'] },
        pauseOnInfoRequest: { type: 'boolean' },
      },
    },
    consents: { type: 'array', uniqueItems: true, items: { type: 'string', pattern: '^[A-Za-z0-9_]+$' } },
    form: {
      type: 'object',
      additionalProperties: false,
      required: ['schema', 'example'],
      properties: {
        schema: { type: 'object', required: ['type', 'properties'], properties: { type: { const: 'object' } } },
        example: { type: 'object' },
      },
    },
    evidence: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'registry', 'subject', 'title'],
        properties: {
          key: { type: 'string', pattern: '^[a-z0-9-]+$' },
          registry: { enum: REGISTRIES },
          subject: { type: 'string', pattern: '^(applicant|field:[A-Za-z0-9_.]+)$' },
          title: localized,
          prefill: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    },
    workflow: {
      type: 'object',
      additionalProperties: false,
      required: ['steps'],
      properties: {
        steps: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'kind', 'title'],
            properties: {
              id: { type: 'string', pattern: '^[a-z0-9-]+$' },
              kind: { enum: ['automatic', 'human'] },
              title: localized,
              rule: {},
              otherwise: { type: 'string' },
              permission: { enum: ['review', 'decide'] },
            },
            allOf: [
              { if: { properties: { kind: { const: 'automatic' } } }, then: { required: ['rule'] } },
              { if: { properties: { kind: { const: 'human' } } }, then: { required: ['permission'] } },
            ],
          },
        },
      },
    },
    result: {
      type: 'object',
      additionalProperties: false,
      required: ['document', 'title', 'states'],
      properties: {
        document: { enum: ['certificate', 'registration', 'permit', 'decision', 'notification'] },
        title: localized,
        validDays: { type: 'integer', minimum: 1 },
        states: {
          type: 'array',
          items: { type: 'object', additionalProperties: false, required: ['field'], properties: { field: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9]*(\\.[A-Za-z][A-Za-z0-9]*)*$' }, label: localized } },
        },
        certifies: {
          type: 'array',
          items: { type: 'object', additionalProperties: false, required: ['evidence'], properties: { evidence: { type: 'string', minLength: 1 }, label: localized } },
        },
      },
    },
  },
} as const;

export const agenciesSchema = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['code', 'name', 'member'],
    properties: {
      code: { type: 'string', pattern: '^(kz|az|kg|tr|uz)-[a-z0-9]+(-[a-z0-9]+)*$' },
      name: localized,
      member: { type: 'string', pattern: '^(KZ|AZ|KG|TR|UZ)/(GOV|COM|NGO)/[A-Za-z0-9._-]+$' },
    },
  },
} as const;

/**
 * The evidence keys a rule reads (`{"var": "evidence.KEY…"}`): so that a register that did not answer is named, and
 * a workflow that reads evidence is known to need a human step to fall back on.
 */
export function evidenceKeysOf(rule: unknown): Set<string> {
  const keys = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    for (const [op, arg] of Object.entries(node)) {
      const path = op === 'var' ? (Array.isArray(arg) ? arg[0] : arg) : undefined;
      const match = typeof path === 'string' ? /^evidence\.([^.]+)/.exec(path) : null;
      if (match) keys.add(match[1]);
      else walk(arg);
    }
  };
  walk(rule);
  return keys;
}
