export { ISSUE_QUEUE, issueDocument, maskName, verifyUrl, type DocumentsDeps } from './issue.js';
export { documentPdf, documentsOfApplication, listMyDocuments, revokeDocument, verifyById, verifyBytes, type OwnDocument, type Verification } from './verify.js';
export { certifiedLines, type CertifiedStatement } from './certified.js';
