export { registryServices, type RegistryAnswer, type RegistryRequest, type RegistryService } from './registries.js';
