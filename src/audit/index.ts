export { appendAudit, auditInsert, AuditSealer, sealAudit, verifyAuditChain, type AuditEntry, type ChainCheck } from './log.js';
