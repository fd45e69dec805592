export { appendAudit, verifyAuditChain, type AuditEntry, type ChainCheck } from './log.js';
