import { applyAction, lockApplication, type LockedApplication } from '../applications/lifecycle.js';
import { WITHDRAWABLE } from '../applications/model.js';
import { cancelConsents, partyField } from '../applications/index.js';
import { appendAudit } from '../audit/index.js';
import type { WorkflowStep } from '../catalog/index.js';
import { type Actor, findActor } from '../identity/index.js';
import { notify } from '../notifications/index.js';
import { cancelOpenInvoice } from '../payments/payments.js';
import type { Tx } from '../platform/db/index.js';
import { conflict, forbidden, notFound } from '../platform/errors.js';
import { once, requestHash, type StoredAnswer } from '../platform/idempotency.js';
import { ConflictOfInterest, conflictOf, reportConflict } from './conflicts.js';
import { calendarOf, cancelDeadlineTimers, decide, definitionOf, runSteps, scheduleDeadlineTimers, type WorkflowDeps } from './engine.js';

export interface ActionAnswer {
  id: string;
  number: string;
  status: string;
  currentStep: string | null;
  assignedTo: string | null;
  deadline: string;
  overdue: boolean;
}

export type ActionInput =
  | { action: 'assign'; officerAccountId?: string }
  | { action: 'unassign' }
  | { action: 'approve'; note?: string }
  | { action: 'reject'; reason: string; legalBasis: string }
  | { action: 'request_info'; message: string }
  | { action: 'answer_info'; message: string }
  | { action: 'withdraw'; reason?: string };

/**
 * One action on an application, by an officer of its agency or by its applicant. The application row is locked
 * first, so two officers approving at once are served one after the other: the second finds it decided (409).
 * The change, its history action, audit entry, timers and messages commit together, under the Idempotency-Key;
 * the audit entry is written last, as the chain's lock is then held only until the commit.
 */
export async function act(deps: WorkflowDeps, actor: Actor, applicationId: string, input: ActionInput, idempotencyKey: string): Promise<StoredAnswer<ActionAnswer>> {
  const now = deps.clock.now();
  const hash = requestHash(`POST /api/v1/applications/${applicationId}/${input.action}`, input);
  const answer = once(deps.db, actor.accountId, idempotencyKey, hash, now, async (tx) => {
    const app = await lockApplication(tx, applicationId);
    const isApplicant = actor.role === 'citizen' && app?.applicantPersonId === actor.personId;
    const isOfficer = actor.role === 'officer' && app?.agencyCode === actor.agencyCode;
    const applicantAction = input.action === 'answer_info' || input.action === 'withdraw';
    if (!app || (applicantAction ? !isApplicant : !isOfficer)) {
      // Someone else's application looks like no application at all; an officer may not act for an applicant, nor a
      // party it names (a spouse, who may read it) for its applicant.
      if (app && (isApplicant || isOfficer)) throw forbidden();
      if (app && actor.role === 'citizen' && (await partyField(tx, applicationId, actor.personId))) throw forbidden();
      throw notFound('errors.application_not_found');
    }
    if (CONFLICTED_ACTIONS.has(input.action)) {
      const found = conflictOf(actor, app, definitionOf(deps, app));
      if (found) throw new ConflictOfInterest(app, found, input.action);
    }
    await perform(tx, deps, actor, app, input, idempotencyKey, now);
    const after = (await lockApplication(tx, applicationId))!;
    const { action, ...details } = input;
    await appendAudit(tx, {
      at: now,
      actorAccountId: actor.accountId,
      action: `application.${action}`,
      subjectType: 'application',
      subjectId: app.id,
      personId: app.applicantPersonId,
      details: { number: app.number, statusBefore: app.status, statusAfter: after.status, ...details },
    });
    return {
      status: 200,
      body: { id: after.id, number: after.number, status: after.status, currentStep: after.currentStep, assignedTo: after.assignedTo, deadline: after.deadline, overdue: after.overdue },
    };
  });
  return answer.catch(async (error: unknown) => {
    // (refused, the action wrote nothing; the refusal itself is told to the agency's heads)
    if (error instanceof ConflictOfInterest) await reportConflict(deps.db, actor, error.app, definitionOf(deps, error.app), error.conflict, error.action, now);
    throw error;
  });
}

// What an officer may not do on an application they are a party to (letting go of it, they may).
const CONFLICTED_ACTIONS = new Set<ActionInput['action']>(['assign', 'approve', 'reject', 'request_info']);

function notAllowed(app: LockedApplication): never {
  throw conflict('errors.action_not_allowed', { status: app.status });
}

function currentStep(deps: WorkflowDeps, app: LockedApplication): { step: WorkflowStep; index: number } {
  const steps = definitionOf(deps, app).workflow.steps;
  const index = steps.findIndex((s) => s.id === app.currentStep);
  if (index < 0 || steps[index].kind !== 'human') notAllowed(app);
  return { step: steps[index], index };
}

/** `decide` includes `review`: whoever may decide may also review. */
function mayWorkOn(actor: Actor, step: WorkflowStep): boolean {
  return actor.permissions.includes(step.permission!) || (step.permission === 'review' && actor.permissions.includes('decide'));
}

function requireAssignedToMe(actor: Actor, app: LockedApplication) {
  if (app.status !== 'in_review') notAllowed(app);
  if (app.assignedTo !== actor.accountId) throw conflict(app.assignedTo ? 'errors.assigned_to_other' : 'errors.not_assigned_to_you');
}

async function perform(tx: Tx, deps: WorkflowDeps, actor: Actor, app: LockedApplication, input: ActionInput, key: string, now: Date): Promise<void> {
  const who = { accountId: actor.accountId, role: actor.role };
  const def = definitionOf(deps, app);
  const isHead = actor.permissions.includes('head');

  switch (input.action) {
    case 'assign': {
      if (app.status !== 'in_review') notAllowed(app);
      const { step } = currentStep(deps, app);
      const target = input.officerAccountId ?? actor.accountId;
      if (target !== actor.accountId) {
        if (!isHead) throw forbidden('errors.only_head_assigns_others');
        const officer = await tx.selectFrom('accounts').select(['agency_code', 'role', 'permissions', 'active']).where('id', '=', target).executeTakeFirst();
        if (!officer || officer.role !== 'officer' || officer.agency_code !== app.agencyCode || !officer.active) throw conflict('errors.assignee_not_in_agency');
        const person = await findActor(tx, target);
        if (person && conflictOf(person, app, def)) throw conflict('errors.assignee_conflict_of_interest');
      } else if (!mayWorkOn(actor, step)) {
        throw forbidden('errors.missing_permission', { permission: step.permission });
      }
      if (app.assignedTo === target) return;
      if (app.assignedTo && !isHead) throw conflict('errors.assigned_to_other');
      await applyAction(tx, app.id, now, { assigned_to: target }, { type: 'assign', actor: who, idempotencyKey: key, payload: { to: target } });
      return;
    }
    case 'unassign': {
      if (!app.assignedTo || !['in_review', 'info_requested'].includes(app.status)) notAllowed(app);
      if (app.assignedTo !== actor.accountId && !isHead) throw forbidden('errors.only_head_assigns_others');
      await applyAction(tx, app.id, now, { assigned_to: null }, { type: 'unassign', actor: who, idempotencyKey: key, payload: { from: app.assignedTo } });
      return;
    }
    case 'approve': {
      requireAssignedToMe(actor, app);
      const { step, index } = currentStep(deps, app);
      if (!mayWorkOn(actor, step)) throw forbidden('errors.missing_permission', { permission: step.permission });
      const later = def.workflow.steps.slice(index + 1);
      if (later.length === 0) {
        await decide(tx, deps, app, def, 'approved', { accountId: actor.accountId, role: 'officer' }, { step: step.id, note: input.note ?? null }, now, key);
        return;
      }
      await applyAction(tx, app.id, now, {}, { type: 'complete_step', actor: who, idempotencyKey: key, payload: { step: step.id, note: input.note ?? null } });
      // The officer who completed the step keeps the application for the next one when they may work on it, so that
      // they need not take it again to go on.
      await runSteps(tx, deps, { ...app, status: 'in_review' }, index + 1, now, (next) => (mayWorkOn(actor, next) ? actor.accountId : null));
      return;
    }
    case 'reject': {
      requireAssignedToMe(actor, app);
      const { step } = currentStep(deps, app);
      if (!mayWorkOn(actor, step)) throw forbidden('errors.missing_permission', { permission: step.permission });
      await decide(tx, deps, app, def, 'rejected', { accountId: actor.accountId, role: 'officer' }, { step: step.id, reason: input.reason, legalBasis: input.legalBasis }, now, key);
      return;
    }
    case 'request_info': {
      requireAssignedToMe(actor, app);
      const { step } = currentStep(deps, app);
      if (!mayWorkOn(actor, step)) throw forbidden('errors.missing_permission', { permission: step.permission });
      const pause = def.deadline.pauseOnInfoRequest !== false;
      const daysLeft = pause ? calendarOf(deps, app.state).workingDaysLeft(now, app.deadline) : null;
      await applyAction(tx, app.id, now, { status: 'info_requested', paused_at: pause ? now : null, paused_days_left: daysLeft }, { type: 'request_info', actor: who, idempotencyKey: key, payload: { message: input.message, deadlinePaused: pause, workingDaysLeft: daysLeft } });
      if (pause) await cancelDeadlineTimers(tx, app.id, now);
      await notify(tx, { recipientAccountId: app.applicantAccountId, template: 'info_requested', applicationId: app.id, params: { number: app.number, message: input.message } }, now);
      return;
    }
    case 'answer_info': {
      if (app.status !== 'info_requested') notAllowed(app);
      const calendar = calendarOf(deps, app.state);
      // The term resumes with the working days that were left when it was paused.
      const deadline = app.pausedDaysLeft !== null ? calendar.deadline(now, app.pausedDaysLeft, 'working') : app.deadline;
      await applyAction(tx, app.id, now, { status: 'in_review', deadline, paused_at: null, paused_days_left: null }, { type: 'answer_info', actor: who, idempotencyKey: key, payload: { message: input.message, deadline } });
      if (app.pausedDaysLeft !== null) await scheduleDeadlineTimers(tx, deps, { id: app.id, state: app.state, deadline }, now);
      if (app.assignedTo) {
        await notify(tx, { recipientAccountId: app.assignedTo, template: 'info_answered', applicationId: app.id, params: { number: app.number, deadline } }, now);
      }
      return;
    }
    case 'withdraw': {
      if (!WITHDRAWABLE.includes(app.status)) throw conflict('errors.cannot_withdraw', { status: app.status });
      if (app.status === 'awaiting_payment' || app.status === 'awaiting_consent') await cancelOpenInvoice(tx, app.id, now);
      if (app.status === 'awaiting_consent') await cancelConsents(tx, app.id);
      await applyAction(tx, app.id, now, { status: 'withdrawn', closed_at: now, assigned_to: null }, { type: 'withdraw', actor: who, idempotencyKey: key, payload: input.reason ? { reason: input.reason } : {} });
      await cancelDeadlineTimers(tx, app.id, now);
      await notify(tx, { recipientAccountId: app.applicantAccountId, template: 'application_withdrawn', applicationId: app.id, params: { number: app.number, service: def.title } }, now);
      return;
    }
  }
}
