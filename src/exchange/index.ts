export { dataAccessOf, grantAccess, listAccessRights, revokeAccess, type AccessRight, type DataAccessEntry } from './access.js';
export { ExchangeError } from './errors.js';
export { handleGatewayRequest, requestHash, type GatewayAnswer, type GatewayDeps, type GatewayRequest, type RemoteProviders } from './gateway.js';
export { serveProviderRequest, type ProviderAnswer, type ProviderDeps, type ProviderMessage } from './provider.js';
export { formatClientId, formatServiceId, parseClientId, parseServicePath, parseUserId, type ClientId, type ServiceId } from './identifiers.js';
export { listMessageLog, verifyMessageLog, type MessageLogEntry, type MessageLogFilter } from './message-log.js';
export { certificateFingerprint, FederationView, signFederationConfig, verifyFederationConfig, type FederationConfig, type FederationNode } from './federation.js';
export { remoteProviders, startGatewayServer, type NodeCredentials } from './remote.js';
