/** The workflow's job queues, named in one place (the submission and the payments module start them too). */
export const EVIDENCE_QUEUE = 'workflow.evidence';
export const ADVANCE_QUEUE = 'workflow.advance';
export const REMIND_QUEUE = 'deadline.remind';
export const ESCALATE_QUEUE = 'deadline.escalate';
