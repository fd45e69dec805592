import { recordDecision } from '../stats/index.js';
import { appendAudit } from '../audit/index.js';
import { applyAction, lockApplication, type LockedApplication } from '../applications/lifecycle.js';
import { type Catalog, evidenceKeysOf, type ServiceDefinition, type WorkflowStep } from '../catalog/index.js';
import { ISSUE_QUEUE } from '../documents/issue.js';
import { notify } from '../notifications/index.js';
import { REFUND_QUEUE } from '../payments/queues.js';
import type { Clock } from '../platform/clock.js';
import { type Db, type Tx, type Write, sql, writeTogether } from '../platform/db/index.js';
import { cancelJobs, enqueue, jobsInsert, type Job, type JobRunner } from '../platform/jobs.js';
import { addDays, type WorkingCalendar } from './calendar.js';
import { evidenceFacts } from './evidence.js';
import { rulePasses } from './rules.js';

import { ADVANCE_QUEUE, ESCALATE_QUEUE, REMIND_QUEUE } from './queues.js';

export { ADVANCE_QUEUE, ESCALATE_QUEUE, REMIND_QUEUE };

export interface WorkflowDeps {
  db: Db;
  catalog: Catalog;
  calendars: Map<string, WorkingCalendar>;
  clock: Clock;
}

export function calendarOf(deps: Pick<WorkflowDeps, 'calendars'>, state: string): WorkingCalendar {
  const calendar = deps.calendars.get(state);
  if (!calendar) throw new Error(`no working-day calendar for ${state}`);
  return calendar;
}

/**
 * The deadline's two timers, in the caller's transaction: a reminder when the last working day begins, an
 * escalation when it has passed. Their keys name the deadline, so each fires once per deadline, and a new
 * deadline (after an information request) gets timers of its own.
 */
export async function scheduleDeadlineTimers(tx: Tx, deps: Pick<WorkflowDeps, 'calendars'>, app: { id: string; state: string; deadline: string }, now: Date): Promise<void> {
  await writeTogether(tx, deadlineTimerWrites(tx, deps, app, now));
}

/** The deadline's two timers as writes, to run together with the change that sets the deadline (writeTogether). */
export function deadlineTimerWrites(tx: Tx | Db, deps: Pick<WorkflowDeps, 'calendars'>, app: { id: string; state: string; deadline: string }, now: Date): Write[] {
  const calendar = calendarOf(deps, app.state);
  const payload = { applicationId: app.id, deadline: app.deadline };
  return [
    jobsInsert(tx, [
      { queue: REMIND_QUEUE, payload, options: { runAt: calendar.startOfDay(app.deadline), uniqueKey: `deadline:${app.id}:${app.deadline}:remind` } },
      { queue: ESCALATE_QUEUE, payload, options: { runAt: calendar.startOfDay(addDays(app.deadline, 1)), uniqueKey: `deadline:${app.id}:${app.deadline}:escalate` } },
    ], now),
  ];
}

export function cancelDeadlineTimers(tx: Tx, applicationId: string, now: Date): Promise<number> {
  return cancelJobs(tx, `deadline:${applicationId}:`, now);
}

/** Steps that are only reached when an automatic check does not pass (its `otherwise`). */
function exceptionSteps(def: ServiceDefinition): Set<string> {
  return new Set(def.workflow.steps.map((s) => s.otherwise).filter((s): s is string => !!s && s !== 'reject'));
}

export function definitionOf(deps: Pick<WorkflowDeps, 'catalog'>, app: LockedApplication): ServiceDefinition {
  const def = deps.catalog.get(app.serviceCode);
  if (!def) throw new Error(`service ${app.serviceCode} of application ${app.number} is no longer in the catalog`);
  return def;
}

/**
 * Moves an application forward from step index `from`: automatic steps are evaluated on the spot (a pass skips the
 * steps that exist only for failed checks; a failure goes to `otherwise`), and the application stops at the first
 * human step, or is decided when no step is left. Everything is recorded in the caller's transaction.
 */
export async function runSteps(
  tx: Tx,
  deps: WorkflowDeps,
  app: LockedApplication,
  from: number,
  now: Date,
  /** who keeps the application at the next human step (the officer who completed the last one, if they may work on it) */
  keepWith?: (step: WorkflowStep) => string | null,
): Promise<void> {
  const def = definitionOf(deps, app);
  const steps = def.workflow.steps;
  const skip = exceptionSteps(def);
  let index = from;
  let evidence: Record<string, unknown> | undefined;
  for (let guard = 0; guard <= steps.length; guard++) {
    const step: WorkflowStep | undefined = steps[index];
    if (!step) return decide(tx, deps, app, def, 'approved', null, { automatic: true }, now);
    if (step.kind === 'human') {
      const keeper = keepWith?.(step) ?? null;
      await applyAction(tx, app.id, now, { status: 'in_review', current_step: step.id, assigned_to: keeper }, { type: 'step', actor: null, payload: { step: step.id, ...(keeper ? { assignedTo: keeper } : {}) } });
      if (app.status !== 'in_review') {
        await notify(tx, { recipientAccountId: app.applicantAccountId, template: 'application_in_review', applicationId: app.id, params: { number: app.number, service: def.title, agency: deps.catalog.agency(def.agency)?.name ?? def.agency } }, now);
      }
      return;
    }
    // Evidence came from the registers through the exchange (workflow.evidence). A rule that needs an item a
    // register did not give is not evaluated: it never decides on missing facts, and an officer checks instead,
    // with the gap named in the history (the applicant's timeline and the officer's page show it).
    evidence ??= await evidenceFacts(tx, app.id);
    const gaps = [...evidenceKeysOf(step.rule)].filter((key) => !(key in evidence!)).map((key) => ({ key, registry: def.evidence.find((e) => e.key === key)?.registry ?? null }));
    if (gaps.length) {
      await applyAction(tx, app.id, now, { current_step: step.id }, { type: 'automatic_check', actor: null, payload: { step: step.id, passed: false, unavailable: gaps } });
      index = humanStepAfter(steps, step, index);
      continue;
    }
    const passed = rulePasses(step.rule, { data: app.data, evidence });
    await applyAction(tx, app.id, now, { current_step: step.id }, { type: 'automatic_check', actor: null, payload: { step: step.id, passed } });
    if (passed) {
      index += 1;
      while (steps[index] && skip.has(steps[index].id)) index += 1;
    } else if (step.otherwise === 'reject' || !step.otherwise) {
      return decide(tx, deps, app, def, 'rejected', null, { automatic: true, step: step.id, reason: 'automatic check failed' }, now);
    } else {
      index = steps.findIndex((s) => s.id === step.otherwise);
    }
  }
  throw new Error(`workflow of ${def.code} does not end`);
}

/** Where an automatic step whose evidence is missing sends the application: its human `otherwise`, else the next human step. */
function humanStepAfter(steps: WorkflowStep[], step: WorkflowStep, index: number): number {
  const otherwise = steps.findIndex((s) => s.id === step.otherwise && s.kind === 'human');
  if (otherwise >= 0) return otherwise;
  const next = steps.findIndex((s, i) => i > index && s.kind === 'human');
  if (next >= 0) return next;
  // (the loader refuses a workflow that reads evidence without a human step to fall back on)
  throw new Error(`step ${step.id} reads evidence but no human step follows it`);
}

/** Approves or rejects: closes the application, stops its timers, tells the applicant. */
export async function decide(
  tx: Tx,
  deps: WorkflowDeps,
  app: LockedApplication,
  def: ServiceDefinition,
  outcome: 'approved' | 'rejected',
  actor: { accountId: string; role: 'officer' } | null,
  payload: Record<string, unknown>,
  now: Date,
  idempotencyKey?: string,
): Promise<void> {
  await applyAction(tx, app.id, now, { status: outcome, closed_at: now, current_step: null }, { type: outcome === 'approved' ? 'approve' : 'reject', actor, idempotencyKey, payload });
  await cancelDeadlineTimers(tx, app.id, now);
  await recordDecision(tx, {
    state: app.state,
    agencyCode: app.agencyCode,
    serviceCode: app.serviceCode,
    outcome,
    submittedAt: app.submittedAt,
    decidedAt: now,
    decidedOn: calendarOf(deps, app.state).localDate(now),
    deadline: app.deadline,
  });
  // The result document is made by a job (rendering and signing take a moment), issued once per application.
  if (outcome === 'approved') await enqueue(tx, ISSUE_QUEUE, { applicationId: app.id }, now, { uniqueKey: `document:${app.id}` });
  if (outcome === 'rejected' && def.fee.amount > 0 && def.fee.refundOnReject) {
    await enqueue(tx, REFUND_QUEUE, { applicationId: app.id }, now, { uniqueKey: `refund:${app.id}` });
  }
  await notify(
    tx,
    {
      recipientAccountId: app.applicantAccountId,
      template: outcome === 'approved' ? 'application_approved' : 'application_rejected',
      applicationId: app.id,
      params: { number: app.number, service: def.title, reason: String(payload.reason ?? ''), legalBasis: String(payload.legalBasis ?? '') },
    },
    now,
  );
  // An officer's decision is audited with the action that made it; the node's own decisions are audited here.
  if (!actor) {
    await appendAudit(tx, { at: now, actorAccountId: null, action: `application.${outcome === 'approved' ? 'approve' : 'reject'}`, subjectType: 'application', subjectId: app.id, personId: app.applicantPersonId, details: { number: app.number, ...payload } });
  }
}

export async function agencyHeads(tx: Tx, agencyCode: string): Promise<string[]> {
  const rows = await tx
    .selectFrom('accounts')
    .select('id')
    .where('agency_code', '=', agencyCode)
    .where('active', '=', true)
    .where(sql<boolean>`permissions @> ARRAY['head']`)
    .execute();
  return rows.map((r) => r.id);
}

const OPEN = ['submitted', 'in_review'];

/** True when a timer still concerns the application as it is now (not decided, same deadline, not paused). */
function timerStillApplies(app: LockedApplication | undefined, job: Job): app is LockedApplication {
  return !!app && !app.closedAt && OPEN.includes(app.status) && app.deadline === job.payload.deadline;
}

export function registerWorkflowJobs(runner: JobRunner, deps: WorkflowDeps): void {
  runner.handle(ADVANCE_QUEUE, async (tx, job, now) => {
    const app = await lockApplication(tx, String(job.payload.applicationId));
    if (!app || app.status !== 'submitted') return;
    await runSteps(tx, deps, app, 0, now);
  });

  runner.handle(REMIND_QUEUE, async (tx, job, now) => {
    const app = await lockApplication(tx, String(job.payload.applicationId));
    if (!timerStillApplies(app, job)) return;
    const def = definitionOf(deps, app);
    const recipients = app.assignedTo ? [app.assignedTo] : await agencyHeads(tx, app.agencyCode);
    for (const recipient of recipients) {
      await notify(tx, { recipientAccountId: recipient, template: 'deadline_reminder', applicationId: app.id, params: { number: app.number, service: def.title, deadline: app.deadline } }, now);
    }
  });

  runner.handle(ESCALATE_QUEUE, async (tx, job, now) => {
    const app = await lockApplication(tx, String(job.payload.applicationId));
    if (!timerStillApplies(app, job)) return;
    const def = definitionOf(deps, app);
    const heads = await agencyHeads(tx, app.agencyCode);
    await applyAction(tx, app.id, now, { overdue: true }, { type: 'escalate', actor: null, payload: { deadline: app.deadline, to: heads } });
    for (const head of heads) {
      await notify(tx, { recipientAccountId: head, template: 'deadline_escalation', applicationId: app.id, params: { number: app.number, service: def.title, deadline: app.deadline } }, now);
    }
    await appendAudit(tx, { at: now, actorAccountId: null, action: 'application.escalate', subjectType: 'application', subjectId: app.id, personId: app.applicantPersonId, details: { number: app.number, deadline: app.deadline } });
  });
}
