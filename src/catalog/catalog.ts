import type { Db } from '../platform/db/index.js';
import type { FieldError } from '../platform/errors.js';
import type { Agency, ServiceDefinition } from './definition.js';
import { labelsAt, toFieldErrors, unprintableFields } from './form-validation.js';
import { CatalogLoadError, loadCatalogFiles, type LoadedService } from './loader.js';

export interface ServiceQuery {
  state?: string;
  agency?: string;
  category?: string;
  lifeEvent?: string;
  applicant?: 'person' | 'organization';
  /** free text, matched in every language, ignoring case and diacritics */
  q?: string;
}

/** Folds case and diacritics so that "basvuru" finds "Başvuru" and "адлі" finds "Адли". */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/ı/g, 'i')
    .toLowerCase();
}

export class Catalog {
  private readonly byCode: Map<string, LoadedService>;
  private readonly searchText: Map<string, string>;

  constructor(
    readonly services: readonly LoadedService[],
    readonly agencies: readonly Agency[],
    /** problems of the service files left out of the catalog, one line each (file: pointer message) */
    readonly loadErrors: readonly string[] = [],
    readonly loadedAt: Date = new Date(),
  ) {
    this.byCode = new Map(services.map((s) => [s.definition.code, s]));
    this.searchText = new Map(
      services.map(({ definition: d }) => [
        d.code,
        foldText([d.code, ...Object.values(d.title), ...Object.values(d.description)].join('\n')),
      ]),
    );
  }

  get(code: string): ServiceDefinition | undefined {
    return this.byCode.get(code)?.definition;
  }

  agency(code: string): Agency | undefined {
    return this.agencies.find((a) => a.code === code);
  }

  search(query: ServiceQuery): ServiceDefinition[] {
    const words = query.q ? foldText(query.q).split(/\s+/).filter(Boolean) : [];
    return this.services
      .map((s) => s.definition)
      .filter(
        (d) =>
          (!query.state || d.state === query.state) &&
          (!query.agency || d.agency === query.agency) &&
          (!query.category || d.category === query.category) &&
          (!query.lifeEvent || d.lifeEvents.includes(query.lifeEvent)) &&
          (!query.applicant || d.applicants.includes(query.applicant)) &&
          words.every((w) => this.searchText.get(d.code)!.includes(w)),
      );
  }

  /**
   * Field errors of form data against the service's schema, and for text the result document could not print;
   * empty when valid. Pointers start at /data.
   */
  validateForm(code: string, data: unknown): FieldError[] {
    const service = this.byCode.get(code);
    if (!service) throw new Error(`unknown service ${code}`);
    const errors = [...(service.validate(data) ? [] : toFieldErrors(service.validate.errors, '/data')), ...unprintableFields(data, '/data')];
    return errors.map((e) => ({
      ...e,
      labels: labelsAt(service.definition.form.schema, e.field.slice('/data'.length)),
    }));
  }
}

/**
 * Loads and checks every definition. A service file with problems is left out and its problems kept in
 * `loadErrors` (the node serves the rest and shows them to its operator); a problem in an agencies file stops the
 * start with one error listing every problem, since services, accounts and applications refer to agencies.
 */
export function loadCatalog(folder: string, states: string[]): Catalog {
  const result = loadCatalogFiles(folder, states);
  const agencyErrors = result.errors.filter((e) => /(^|\/)agencies\.yaml:/.test(e));
  if (agencyErrors.length) throw new CatalogLoadError(agencyErrors);
  return new Catalog(result.services, result.agencies, result.errors);
}

/** Agencies are defined in files; the table mirrors them so that accounts and applications can refer to them. */
export async function syncAgencies(db: Db, catalog: Catalog, now: Date): Promise<void> {
  for (const a of catalog.agencies) {
    await db
      .insertInto('agencies')
      .values({ code: a.code, state: a.state, name: JSON.stringify(a.name), member: a.member, updated_at: now })
      .onConflict((oc) =>
        oc.column('code').doUpdateSet({ state: a.state, name: JSON.stringify(a.name), member: a.member, updated_at: now }),
      )
      .execute();
  }
}
