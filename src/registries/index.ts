export { registryServices, type RegistryAnswer, type RegistryRequest, type RegistryService } from './registries.js';
export { FIELD_LABELS, labelsOf } from './labels.js';
