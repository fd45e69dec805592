export { submitApplication, signedPayload, type ApplicationsDeps, type SubmitInput } from './submit.js';
export { getApplication, listMyApplications, type Page } from './queries.js';
export { withdrawApplication } from './withdraw.js';
export { STATUSES, type ApplicationDetail, type ApplicationSummary, type HistoryAction } from './model.js';
