export { addDays, loadCalendars, WorkingCalendar } from './calendar.js';
export { act, type ActionAnswer, type ActionInput } from './actions.js';
export {
  ADVANCE_QUEUE,
  ESCALATE_QUEUE,
  REMIND_QUEUE,
  calendarOf,
  registerWorkflowJobs,
  scheduleDeadlineTimers,
  type WorkflowDeps,
} from './engine.js';
export { agencyQueue, type QueueFilter, type QueueItem } from './queue.js';
export { EVIDENCE_QUEUE } from './queues.js';
export { evidenceForApplicant, evidenceForParty, evidenceOf, unobtainableEvidence, fetchEvidenceItem, gatherEvidence, prefillForm, type EvidenceDeps, type FetchedEvidence, type PrefilledField } from './evidence.js';
