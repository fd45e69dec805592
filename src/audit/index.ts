export { appendAudit, auditInsert, AuditSealer, sealAudit, verifyAuditChain, wasAudited, type AuditEntry, type ChainCheck } from './log.js';
