export {
  dataAccessOf, deleteLocalGroup, endpointMatches, grantAccess, listAccessRights, listLocalGroups, revokeAccess, saveLocalGroup,
  type AccessRight, type DataAccessEntry, type Grant, type LocalGroup, type SubjectType,
} from './access.js';
export {
  addClientCertificate, ClientRateLimiter, CONNECTION_TYPES, listClients, registerClient, removeClient, removeClientCertificate,
  type ClientRegistration, type ConnectionType, type ExchangeClient, type Transport,
} from './clients.js';
export { clientInterfaceHandler, startClientInterface, type ClientInterface } from './client-interface.js';
export { ExchangeError } from './errors.js';
export { Payload } from './payload.js';
export { handleGatewayRequest, type GatewayAnswer, type GatewayDeps, type GatewayRequest, type RemoteProviders } from './gateway.js';
export { loadGatewaySigner, loadInternalTls, loadOwnTsa } from './keys.js';
export { headsDigest, MessageLogTimestamper, type ChainHead } from './log-timestamps.js';
export { answerTimestampQuery, answerTimestampRequest, ownTsaStamper, readTimestampResponse, requestTimestamp, timestampRequest, urlStamper, verifyToken, type OwnTsa, type Stamper, type Timestamp } from './timestamps.js';
export { forwardedHeaders, requestHash, type GatewaySigner } from './signing.js';
export { serveProviderRequest, type ProviderAnswer, type ProviderDeps, type ProviderMessage } from './provider.js';
export { formatClientId, formatServiceId, parseClientId, parseServicePath, parseUserId, providerOf, type ClientId, type ServiceId } from './identifiers.js';
export { listMessageLog, verifyMessageLog, type MessageLogEntry, type MessageLogFilter } from './message-log.js';
export { certificateFingerprint, FederationView, signFederationConfig, verifyFederationConfig, type FederationConfig, type FederationNode, type GlobalGroup } from './federation.js';
export { remoteProviders, startGatewayServer, type NodeCredentials } from './remote.js';
export { callExternal, externalServices, listExternalServices, registerExternalService, removeExternalService, type ExternalRegistration, type ExternalService } from './external.js';
export { directoryOf, endpointsOf, listClientsAnswer, type DirectoryEntry } from './metaservices.js';
export { archiveMessageLog, verifyArchive, type ArchiveCheck } from './archive.js';
export { listArchives, MessageLogArchiver, type ArchivedFile } from './log-archiver.js';
export { signCms, verifyCms } from './cms.js';
