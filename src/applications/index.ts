export { submitApplication, signedPayload, type ApplicationsDeps, type SubmitInput } from './submit.js';
export { getApplication, partyField, listMyApplications, openWorkload, type OpenWorkload, type Page } from './queries.js';
export { STATUSES, WITHDRAWABLE, type ApplicationDetail, type ApplicationSummary, type HistoryAction } from './model.js';
export { applyAction, lockApplication, type ActionRecord, type ApplicationPatch, type LockedApplication } from './lifecycle.js';
export { formatApplicationNumber, nextApplicationNumber } from './numbers.js';
export {
  answerConsent,
  consentingParties,
  cancelConsents,
  CONSENT_LAPSE_QUEUE,
  lapseConsents,
  myConsentRequests,
  type ConsentDecision,
  type ConsentRequest,
} from './consents.js';
