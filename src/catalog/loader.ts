import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { expandChoices } from './choices.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { repoRoot } from '../platform/paths.js';
import {
  type Agency,
  type ServiceDefinition,
  agenciesSchema,
  CURRENCY_OF_STATE,
  definitionSchema,
  evidenceKeysOf,
} from './definition.js';
import { createFormAjv, type FormValidator } from './form-validation.js';

export interface LoadedService {
  definition: ServiceDefinition;
  validate: FormValidator;
  file: string;
}

export interface LoadResult {
  services: LoadedService[];
  agencies: Agency[];
  /** one line per problem: `services/KZ/x.yaml: /deadline/days must be >= 0` */
  errors: string[];
}

export class CatalogLoadError extends Error {
  constructor(readonly errors: string[]) {
    super(`service catalog has ${errors.length} error(s):\n  ${errors.join('\n  ')}`);
  }
}

const metaAjv = new Ajv2020({ allErrors: true, strict: false, useDefaults: true });
const checkDefinition = metaAjv.compile(definitionSchema);
const checkAgencies = metaAjv.compile(agenciesSchema);

/** Languages every localized text of a state's service must have. */
// Every text of the catalog in each of the member states' languages: a reader is never shown another state's.
const ALL_LANGUAGES = ['kk', 'ru', 'en', 'tr', 'az', 'ky', 'uz'];


/**
 * Reads services/<STATE>/*.yaml for the given states and checks each file: its shape, cross references (agency,
 * workflow steps), languages, currency, that the form schema compiles and that its example is valid against it.
 * Collects every problem instead of stopping at the first, so an operator fixes them in one pass.
 */
export function loadCatalogFiles(folder: string, states: string[]): LoadResult {
  const errors: string[] = [];
  const agencies: Agency[] = [];
  const services: LoadedService[] = [];
  const formAjv = createFormAjv();
  const show = (file: string) => relative(repoRoot, file) || file;

  for (const state of states) {
    const dir = join(folder, state);
    if (!existsSync(dir)) continue;
    const agenciesFile = join(dir, 'agencies.yaml');
    const stateAgencies = new Set<string>();
    if (existsSync(agenciesFile)) {
      const data = readYaml(agenciesFile, errors, show);
      if (data !== undefined) {
        if (!checkAgencies(data)) {
          for (const e of checkAgencies.errors ?? []) errors.push(`${show(agenciesFile)}: ${e.instancePath || '/'} ${e.message}`);
        } else {
          for (const [i, a] of (data as Omit<Agency, 'state'>[]).entries()) {
            if (!a.code.startsWith(`${state.toLowerCase()}-`)) errors.push(`${show(agenciesFile)}: /${i}/code must start with ${state.toLowerCase()}-`);
            missingLanguages(a.name, ALL_LANGUAGES, `/${i}/name`, (m) => errors.push(`${show(agenciesFile)}: ${m}`));
            stateAgencies.add(a.code);
            agencies.push({ ...a, state });
          }
        }
      }
    }

    for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'agencies.yaml').sort()) {
      const file = join(dir, name);
      const fail = (message: string) => errors.push(`${show(file)}: ${message}`);
      const data = readYaml(file, errors, show);
      if (data === undefined) continue;
      const form = (data as { form?: { schema?: unknown } }).form;
      if (form?.schema && typeof form.schema === 'object') expandChoices(form.schema as Record<string, unknown>, '/form/schema', fail);
      if (!checkDefinition(data)) {
        for (const e of checkDefinition.errors ?? []) {
          const extra = e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : '';
          fail(`${e.instancePath || '/'} ${e.message}${extra}`);
        }
        continue;
      }
      const def = data as unknown as ServiceDefinition;
      def.lifeEvents ??= [];
      const before = errors.length;
      if (`${def.code}.yaml` !== name) fail(`/code must equal the file name (${name.replace(/\.yaml$/, '')})`);
      if (def.state !== state) fail(`/state must be ${state}, the folder it is in`);
      if (!def.code.startsWith(`${state.toLowerCase()}-`)) fail(`/code must start with ${state.toLowerCase()}-`);
      if (!stateAgencies.has(def.agency)) fail(`/agency ${def.agency} is not in ${show(agenciesFile)}`);
      if (def.fee.currency !== CURRENCY_OF_STATE[state]) fail(`/fee/currency must be ${CURRENCY_OF_STATE[state]}, the currency of ${state}`);
      for (const [pointer, texts] of localizedTexts(def)) missingLanguages(texts, ALL_LANGUAGES, pointer, fail);
      // the form marks an optional field itself, in the reader's language: a label that says so too says it twice
      for (const [pointer, texts] of formLabels(def.form.schema, '/form/schema')) {
        for (const [language, text] of Object.entries(texts ?? {})) if (OPTIONAL_MARK.test(text)) fail(`${pointer}/${language} says the field is optional: the form says so itself`);
      }
      checkWorkflow(def, fail);
      checkEvidence(def, fail);
      checkCertified(def, fail);
      let validate: FormValidator | undefined;
      try {
        validate = formAjv.compile(def.form.schema);
      } catch (error) {
        fail(`/form/schema does not compile: ${(error as Error).message}`);
      }
      if (validate && !validate(def.form.example)) {
        for (const e of validate.errors ?? []) fail(`/form/example${e.instancePath} ${e.message}`);
      }
      if (services.some((s) => s.definition.code === def.code)) fail(`/code ${def.code} is defined twice`);
      if (errors.length === before && validate) services.push({ definition: def, validate, file: show(file) });
    }
  }
  return { services, agencies, errors };
}

function readYaml(file: string, errors: string[], show: (f: string) => string): unknown {
  try {
    return parse(readFileSync(file, 'utf8'));
  } catch (error) {
    errors.push(`${show(file)}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

function missingLanguages(texts: Record<string, string> | undefined, languages: string[], pointer: string, fail: (m: string) => void) {
  const missing = languages.filter((l) => !texts?.[l]);
  if (missing.length) fail(`${pointer} lacks the language(s) ${missing.join(', ')}`);
}

/** Every localized text of a definition with its JSON Pointer, form labels included. */
function* localizedTexts(def: ServiceDefinition): Generator<[string, Record<string, string> | undefined]> {
  yield ['/title', def.title];
  yield ['/description', def.description];
  yield ['/result/title', def.result.title];
  for (const [i, e] of def.evidence.entries()) yield [`/evidence/${i}/title`, e.title];
  for (const [i, c] of (def.result.certifies ?? []).entries()) if (c.label) yield [`/result/certifies/${i}/label`, c.label];
  for (const [i, s] of def.result.states.entries()) if (s.label) yield [`/result/states/${i}/label`, s.label];
  for (const [i, s] of def.workflow.steps.entries()) yield [`/workflow/steps/${i}/title`, s.title];
  yield* formLabels(def.form.schema, '/form/schema');
}

function* formLabels(node: Record<string, unknown>, pointer: string): Generator<[string, Record<string, string> | undefined]> {
  const props = node.properties as Record<string, Record<string, unknown>> | undefined;
  for (const [name, child] of Object.entries(props ?? {})) {
    const at = `${pointer}/properties/${name}`;
    yield [`${at}/x-labels`, child['x-labels'] as Record<string, string> | undefined];
    const enumLabels = child['x-enum-labels'] as Record<string, Record<string, string>> | undefined;
    for (const [value, texts] of Object.entries(enumLabels ?? {})) yield [`${at}/x-enum-labels/${value}`, texts];
    if (child.type === 'object') yield* formLabels(child, at);
    const items = child.items as Record<string, unknown> | undefined;
    if (items?.type === 'object') yield* formLabels(items, `${at}/items`);
  }
}

function checkWorkflow(def: ServiceDefinition, fail: (m: string) => void) {
  const ids = def.workflow.steps.map((s) => s.id);
  for (const [i, step] of def.workflow.steps.entries()) {
    if (ids.indexOf(step.id) !== i) fail(`/workflow/steps/${i}/id ${step.id} is used twice`);
    if (step.otherwise && step.otherwise !== 'reject' && ids.indexOf(step.otherwise) <= i) {
      fail(`/workflow/steps/${i}/otherwise must name a later step or "reject"`);
    }
    // A register that does not answer sends the application to an officer, never to an automatic decision.
    if (step.kind === 'automatic' && evidenceKeysOf(step.rule).size > 0 && !def.workflow.steps.some((s, j) => j > i && s.kind === 'human')) {
      fail(`/workflow/steps/${i}: a rule that reads evidence needs a human step after it, for when a register does not answer`);
    }
  }
  const lastHuman = [...def.workflow.steps].reverse().find((s) => s.kind === 'human');
  if (lastHuman && lastHuman.permission !== 'decide') fail(`/workflow/steps: the last human step must have permission decide`);
}

const OPTIONAL_MARK = /\((optional|необязательно|міндетті емес|isteğe bağlı|məcburi deyil|милдеттүү эмес|majburiy emas|ixtiyoriy)\)\s*$/i;

// The registers whose answers a document can state (documents/certified.ts renders each).
const CERTIFIABLE_REGISTRIES = new Set(['criminal-records', 'population']);

function checkCertified(def: ServiceDefinition, fail: (m: string) => void) {
  for (const [i, s] of def.result.states.entries()) {
    // a field of the form, or of a group of it ("parcel.district")
    let node: Record<string, unknown> | undefined = def.form.schema;
    for (const name of s.field.split('.')) node = (node?.properties as Record<string, Record<string, unknown>> | undefined)?.[name];
    if (!node) fail(`/result/states/${i}/field ${s.field} is not a field of the form`);
  }
  for (const [i, c] of (def.result.certifies ?? []).entries()) {
    const evidence = def.evidence.find((e) => e.key === c.evidence);
    if (!evidence) fail(`/result/certifies/${i}/evidence ${c.evidence} is not a key of /evidence`);
    else if (!CERTIFIABLE_REGISTRIES.has(evidence.registry)) fail(`/result/certifies/${i}/evidence: a document cannot state the answer of the ${evidence.registry} register yet`);
  }
}

function checkEvidence(def: ServiceDefinition, fail: (m: string) => void) {
  const props = (def.form.schema.properties ?? {}) as Record<string, unknown>;
  const keys = new Set<string>();
  for (const [i, e] of def.evidence.entries()) {
    if (keys.has(e.key)) fail(`/evidence/${i}/key ${e.key} is used twice`);
    keys.add(e.key);
    if (e.subject.startsWith('field:') && !(e.subject.slice(6).split('.')[0] in props)) {
      fail(`/evidence/${i}/subject names a field the form does not have`);
    }
    for (const field of Object.keys(e.prefill ?? {})) {
      if (!(field.split('.')[0] in props)) fail(`/evidence/${i}/prefill/${field} is not a field of the form`);
    }
  }
  for (const [i, field] of (def.consents ?? []).entries()) {
    if ((props[field] as { type?: string } | undefined)?.type !== 'string') fail(`/consents/${i}: ${field} is not a text field of the form (a person's identifier)`);
  }
}
