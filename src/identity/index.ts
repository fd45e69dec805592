export { contactOf, findActor, listOfficers, pickAccount, type Actor, type OfficerAccount, type Role } from './accounts.js';
export { issueKeyFile, issuePersonCertificate, personSubject, verifyPersonSignature, type SignatureProblem } from './certificates.js';
export { closeSession, openSession, resolveSession } from './sessions.js';
export { keepIdentityReads } from './kept-reads.js';
export { createChallenge, demoSignIn, signInWithSignature } from './signin.js';
export { mandatesOf, signInWithCms, verifyApplicantCms } from './cms-signin.js';
export {
  STATES,
  generateIdentifier,
  isValidIdentifier,
  parseQualifiedIdentifier,
  qualifiedIdentifier,
  validateIdentifier,
  type IdentifierCheck,
  type IdentifierType,
  type StateCode,
} from './identifiers/index.js';
