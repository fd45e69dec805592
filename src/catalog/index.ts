export { Catalog, foldText, loadCatalog, syncAgencies, type ServiceQuery } from './catalog.js';
export { CatalogLoadError, loadCatalogFiles } from './loader.js';
export type { Agency, ApplicantKind, Evidence, Localized, ServiceDefinition, WorkflowStep } from './definition.js';
export { CURRENCY_OF_STATE, evidenceKeysOf, LANGUAGE_OF_STATE } from './definition.js';
