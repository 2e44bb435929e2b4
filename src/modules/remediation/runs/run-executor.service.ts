import { randomUUID } from 'node:crypto';

import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Job } from 'bullmq';
import { Pool } from 'pg';

import type { TenantTx } from '../../../common/database/tenant-transaction';
import { QueueService, type TypedQueue } from '../../../common/queues/queue.service';
import { AppConfig } from '../../../config/app-config';
import { systemActor, type AuditActor } from '../../audit/audit-actor';
import { AuditService } from '../../audit/audit.service';
import { SecretsService } from '../../secrets/secrets.service';
import { ROLES, type Principal, type Role } from '../../tenancy/principal';
import { UserRepository } from '../../tenancy/user.repository';
import { REMEDIATION_QUEUE, type RemediationJob } from '../remediation.jobs';
import { RemediationError } from '../remediation.errors';
import { RunbookRepository, type RunbookRow } from '../runbook.repository';
import { evaluateCondition } from '../runbook/conditions';
import { bindParameters, type ParameterSources } from '../runbook/parameters';
import {
  planRun,
  planStep,
  templateContextFor,
  type PlanContext,
  type PlannedAction,
  type PlannedStep,
} from '../runbook/plan';
import { RunbookLanguageError } from '../runbook/runbook.errors';
import {
  DEFAULT_RUNBOOK_LIMITS,
  RUNBOOK_LIMITS,
  type ApprovalStep,
  type FailureAction,
  type RunbookDefinition,
  type RunbookStep,
} from '../runbook/runbook.types';
import {
  RemediationSettingsService,
  type RemediationSettings,
} from './remediation-settings.service';
import { RunEvents } from './run-events.service';
import { RunNotifier } from './run-notifier.service';
import {
  FINISHED_RUN,
  RunRepository,
  type RunRow,
  type RunStatus,
  type RunTrigger,
  type StepRow,
} from './run.repository';
import { StepActions, targetOf, type StepOutcome } from './step-actions';

/** Another advancer holds the run; the job is retried shortly (its work is then done or left). */
class RunBusyError extends Error {}

/** Who decides an approval, and through what. */
export interface Approver {
  userId: string | null;
  label: string;
  role: Role | null;
  via: 'graphql' | 'slack' | 'email';
}

export interface StartOptions {
  trigger: RunTrigger;
  /** One run per key and runbook (an alert firing, an anomaly, a schedule slot); null for manual runs. */
  triggerKey: string | null;
  sources: ParameterSources;
  context: RunRow['context'];
  alertFingerprint: string | null;
  actor: Principal | AuditActor;
  /** Manual starts throw on refusal; automatic ones record a skipped or failed run instead. */
  manual: boolean;
}

/** Links that approve or refuse an approval step, for one person (null: anyone allowed via Slack). */
export type ApprovalLinkMaker = (
  tenantId: string,
  runId: string,
  stepIndex: number,
  userId: string | null,
  expiresAt: Date,
) => { approve?: string; refuse?: string };

const HOUR_MS = 3_600_000;
const SWEEP_EVERY_MS = 30_000;
/** Runs advanced at once by one process. */
const CONCURRENCY = 8;
/** Steps one advance takes at most before handing over to a fresh job. */
const MAX_STEPS_PER_ADVANCE = 60;

/**
 * Runs runbooks as BullMQ jobs with every step's state in Postgres. A `run.advance` job takes the
 * run (a session advisory lock, so one replica at a time) and executes steps in order until the
 * run ends or a step waits (a `wait`, a `verify` poll, an approval, a retry's backoff), which
 * schedules a delayed `run.advance`. A step is marked `running`, with its resolved action, before
 * it acts: a process that dies mid-step leaves it `running`, and the next advance repeats it only
 * when it is idempotent — a non-idempotent step whose outcome is unknown fails instead, taking
 * its `on_failure` branch. Finished steps are never repeated.
 *
 * Safety rails, checked by the executor rather than trusted to runbooks: the kill switches
 * (before every step), runs per hour per runbook and per tenant (at start), actions per target per
 * hour and the blast radius (distinct targets per run) before each acting step, and parameters
 * bound and checked (type, pattern, allowlist) before anything runs: a run whose parameters or
 * templates do not resolve fails before its first call.
 */
@Injectable()
export class RunExecutorService implements OnModuleInit, OnApplicationShutdown {
  readonly #logger = new Logger(RunExecutorService.name);
  #queue: TypedQueue<RemediationJob> | null = null;
  #links: ApprovalLinkMaker | null = null;
  readonly #locks: Pool;
  #triggers:
    ((job: Job<RemediationJob['data'], unknown, RemediationJob['name']>) => Promise<void>) | null =
    null;

  constructor(
    private readonly runs: RunRepository,
    private readonly runbooks: RunbookRepository,
    private readonly settings: RemediationSettingsService,
    private readonly actions: StepActions,
    private readonly notifier: RunNotifier,
    private readonly secrets: SecretsService,
    private readonly users: UserRepository,
    private readonly audit: AuditService,
    private readonly events: RunEvents,
    private readonly queues: QueueService,
    config: AppConfig,
  ) {
    // Advisory locks hold a session each for as long as a run advances: their own small pool, so
    // advancers can never take every connection their transactions need.
    this.#locks = new Pool({ connectionString: config.databaseUrl, max: CONCURRENCY });
    this.#locks.on('error', (err) => this.#logger.warn(`run lock connection lost: ${err.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.#locks.end();
  }

  onModuleInit(): void {
    this.#queue = this.queues.register<RemediationJob>({
      name: REMEDIATION_QUEUE,
      processor: (job) => this.#process(job),
      jobOptions: { attempts: 12, backoff: { type: 'exponential', delay: 250 } },
      // Runs wait on remote calls most of the time: one slow endpoint must not hold up the rest.
      concurrency: CONCURRENCY,
    });
    void this.#queue.queue
      .upsertJobScheduler('runs-sweep', { every: SWEEP_EVERY_MS }, { name: 'runs.sweep', data: {} })
      .catch((err: unknown) => this.#logger.warn(`run sweep not scheduled: ${String(err)}`));
  }

  get queue(): TypedQueue<RemediationJob> | null {
    return this.#queue;
  }

  /** The triggers service handles the `trigger.*` jobs. */
  set triggerHandler(
    handler: (job: Job<RemediationJob['data'], unknown, RemediationJob['name']>) => Promise<void>,
  ) {
    this.#triggers = handler;
  }

  /** Where approval requests get their Approve/Refuse links (the alert action routes). */
  set approvalLinks(maker: ApprovalLinkMaker) {
    this.#links = maker;
  }

  async #process(job: Job<RemediationJob['data'], unknown, RemediationJob['name']>): Promise<void> {
    switch (job.name) {
      case 'run.advance': {
        const d = job.data as Extract<RemediationJob, { name: 'run.advance' }>['data'];
        return this.advance(d.tenantId, d.runId);
      }
      case 'runs.sweep':
        return this.sweep();
      case 'trigger.alerts':
      case 'trigger.anomaly':
      case 'trigger.schedule':
        if (this.#triggers) await this.#triggers(job);
        return;
    }
  }

  /**
   * Starts a run of the runbook's current version: binds and checks its parameters, resolves
   * every step it can before running (a template that fails, with a bad value, stops the run
   * before any call), checks the kill switches and the hourly run limits, then queues it.
   * Returns null when the trigger key already has a run.
   */
  async start(
    tenantId: string,
    runbook: RunbookRow,
    options: StartOptions,
  ): Promise<RunRow | null> {
    const def = runbook.definition;
    const id = randomUUID();
    const refuse = async (
      code: 'HALTED' | 'RATE_LIMITED' | 'INVALID_PARAMETERS',
      status: RunStatus,
      reason: string,
      problems: Array<{ path: string; message: string }> = [],
    ): Promise<RunRow | null> => {
      if (options.manual) throw new RemediationError(code, reason, problems);
      return this.#insert(tenantId, id, runbook, options, status, reason, {});
    };
    const settings = await this.settings.get(tenantId);
    const halted = await this.settings.halted(tenantId, settings);
    if (halted) return refuse('HALTED', 'skipped', halted);
    const limits = limitsOf(def, settings);
    const limited = await this.runs.transaction(tenantId, async (tx) => {
      const since = new Date(Date.now() - HOUR_MS);
      if ((await this.runs.runsSince(tx, since, def.id)) >= limits.maxRunsPerHour) {
        return `runbook ${def.id} already ran ${limits.maxRunsPerHour} times in the last hour`;
      }
      if ((await this.runs.runsSince(tx, since, null)) >= settings.maxRunsPerHour) {
        return `the tenant already ran ${settings.maxRunsPerHour} runbooks in the last hour`;
      }
      return null;
    });
    if (limited) return refuse('RATE_LIMITED', 'skipped', limited);
    const bound = bindParameters(def.parameters ?? [], options.sources);
    if (!bound.ok) {
      const text = bound.errors.map((e) => `${e.parameter}: ${e.message}`).join('; ');
      return refuse(
        'INVALID_PARAMETERS',
        'failed',
        `parameters did not validate, nothing was called: ${text}`,
        bound.errors.map((e) => ({ path: `input.${e.parameter}`, message: e.message })),
      );
    }
    const plan = planRun(def, planContext(id, bound.values, options.context, new Date()), {
      dryRun: true,
    });
    const broken = plan.steps.find((s) => s.error !== undefined);
    if (broken) {
      return refuse(
        'INVALID_PARAMETERS',
        'failed',
        `step ${broken.id} does not resolve, nothing was called: ${broken.error}`,
        [{ path: `steps.${broken.id}`, message: broken.error ?? '' }],
      );
    }
    return this.#insert(tenantId, id, runbook, options, 'queued', null, bound.values);
  }

  /** Records a run that did not start (loop detection), with why; null when its key has one. */
  record(tenantId: string, runbook: RunbookRow, options: StartOptions, reason: string) {
    return this.#insert(tenantId, randomUUID(), runbook, options, 'skipped', reason, {});
  }

  async #insert(
    tenantId: string,
    id: string,
    runbook: RunbookRow,
    options: StartOptions,
    status: RunStatus,
    reason: string | null,
    params: RunRow['params'],
  ): Promise<RunRow | null> {
    const def = runbook.definition;
    const row = await this.runs.transaction(tenantId, async (tx) => {
      const inserted = await this.runs.insert(tx, {
        id,
        runbookId: def.id,
        version: runbook.version,
        status,
        reason,
        trigger: options.trigger,
        triggerKey: options.triggerKey,
        alertFingerprint: options.alertFingerprint,
        params,
        context: options.context,
        startedBy:
          'subjectId' in options.actor ? options.actor.label : (options.actor.label ?? 'vigil'),
        steps: def.steps.map((s) => ({ stepId: s.id, kind: s.kind })),
      });
      if (!inserted) return null;
      await this.audit.record(
        options.actor,
        status === 'queued' ? 'runbook.run_started' : 'runbook.run_refused',
        {
          target: { kind: 'runbook_run', id },
          details: {
            runbook: def.id,
            version: runbook.version,
            trigger: options.trigger.kind,
            params,
            ...(reason ? { reason } : {}),
          },
          tx,
        },
      );
      return this.runs.find(tx, id);
    });
    if (row === null) return null;
    await this.#changed(tenantId, row);
    if (status === 'queued') await this.#wake(tenantId, id, new Date());
    return row;
  }

  /** Asks the run to stop at its next step (a waiting step stops at once). */
  async cancel(principal: Principal, runId: string): Promise<RunRow> {
    const run = await this.runs.transaction(principal.tenantId, async (tx) => {
      const found = await this.runs.find(tx, runId);
      if (!found) throw new RemediationError('NOT_FOUND', `no runbook run ${runId}`);
      if (FINISHED_RUN.has(found.status)) {
        throw new RemediationError('CONFLICT', `the run already ended (${found.status})`);
      }
      await this.runs.updateRun(tx, runId, { cancelRequested: principal.label });
      await this.audit.record(principal, 'runbook.run_cancelled', {
        target: { kind: 'runbook_run', id: runId },
        tx,
      });
      return found;
    });
    await this.#wake(principal.tenantId, runId, new Date());
    return run;
  }

  /** Approves or refuses a pending approval step, as a person whose role the step accepts. */
  async decide(
    tenantId: string,
    runId: string,
    stepId: string,
    approve: boolean,
    approver: Approver,
    comment: string | null,
  ): Promise<void> {
    await this.runs.transaction(tenantId, async (tx) => {
      const run = await this.runs.find(tx, runId);
      if (!run) throw new RemediationError('NOT_FOUND', `no runbook run ${runId}`);
      const def = await this.runbooks.definition(tx, run.runbookId, run.version);
      const index = def?.steps.findIndex((s) => s.id === stepId) ?? -1;
      const step = def?.steps[index];
      if (!def || !step || step.kind !== 'approval') {
        throw new RemediationError('NOT_FOUND', `run ${runId} has no approval step ${stepId}`);
      }
      const row = (await this.runs.steps(tx, runId))[index];
      if (FINISHED_RUN.has(run.status) || row?.status !== 'waiting' || row.output?.decision) {
        throw new RemediationError('CONFLICT', `the approval ${stepId} is not pending`);
      }
      if (!mayApprove(approver.role, step.roles)) {
        throw new RemediationError(
          'FORBIDDEN',
          approver.role === null
            ? 'approvals are given by people: sign in as a member'
            : `approving ${stepId} needs the role ${step.roles.join(' or ')} (or a more powerful one)`,
        );
      }
      const decision = approve ? 'approved' : 'refused';
      await this.runs.updateStep(tx, runId, index, {
        decidedBy: approver.label,
        output: {
          ...row.output,
          decision,
          by: approver.label,
          via: approver.via,
          at: new Date().toISOString(),
          ...(comment ? { comment: comment.slice(0, 1000) } : {}),
        },
      });
      const actor: AuditActor = {
        kind: approver.userId ? 'user' : 'system',
        tenantId,
        id: approver.userId,
        label: approver.label,
      };
      await this.audit.record(actor, approve ? 'runbook.step_approved' : 'runbook.step_refused', {
        target: { kind: 'runbook_run', id: runId },
        details: { step: stepId, via: approver.via, ...(comment ? { comment } : {}) },
        tx,
      });
    });
    await this.#wake(tenantId, runId, new Date());
  }

  /** Wakes runs whose wake-up is overdue (a lost delayed job, a crash mid-step). */
  async sweep(): Promise<void> {
    for (const due of await this.runs.due(200))
      await this.#wake(due.tenantId, due.runId, new Date());
  }

  /** Takes the run as far as it goes now; see the class comment. */
  async advance(tenantId: string, runId: string): Promise<void> {
    const lock = await this.#locks.connect();
    try {
      const key = `runbook-run:${runId}`;
      const { rows } = await lock.query<{ locked: boolean }>(
        `SELECT pg_try_advisory_lock(hashtextextended($1, 11)) AS locked`,
        [key],
      );
      if (!rows[0]?.locked) throw new RunBusyError(`run ${runId} is being advanced elsewhere`);
      try {
        for (let i = 0; i < MAX_STEPS_PER_ADVANCE; i++) {
          if ((await this.#advanceOnce(tenantId, runId)) === 'park') return;
        }
        await this.#wake(tenantId, runId, new Date());
      } finally {
        await lock.query(`SELECT pg_advisory_unlock(hashtextextended($1, 11))`, [key]);
      }
    } finally {
      lock.release();
    }
  }

  /** One move of the run: `continue` when there is more to do now, `park` when it waits or ended. */
  async #advanceOnce(tenantId: string, runId: string): Promise<'continue' | 'park'> {
    const loaded = await this.runs.transaction(tenantId, async (tx) => {
      const run = await this.runs.find(tx, runId);
      if (!run) return null;
      const def = await this.runbooks.definition(tx, run.runbookId, run.version);
      return def ? { run, def, steps: await this.runs.steps(tx, runId) } : null;
    });
    if (!loaded || FINISHED_RUN.has(loaded.run.status)) return 'park';
    const { run, def, steps } = loaded;
    const settings = await this.settings.get(tenantId);
    const stop = run.cancelRequested
      ? `cancelled by ${run.cancelRequested}`
      : await this.settings.halted(tenantId, settings);
    const index = run.currentStep;
    const step = def.steps[index];
    const row = steps[index];
    if (stop) {
      await this.#finish(tenantId, run, 'cancelled', stop, index, def.steps.length);
      return 'park';
    }
    if (!step || !row) {
      await this.#finish(
        tenantId,
        run,
        run.stepFailed ? 'failed' : 'succeeded',
        run.stepFailed ? 'a step failed; its on_failure branch ran' : null,
        index,
        def.steps.length,
      );
      return 'park';
    }
    const ctx = new StepContext(tenantId, run, def, steps, index, step, row, settings);
    if (run.status !== 'running' && run.status !== 'waiting') {
      await this.#setRun(tenantId, run, { status: 'running' });
    }
    switch (row.status) {
      case 'pending':
        return this.#begin(ctx);
      case 'running':
        return this.#interrupted(ctx);
      case 'waiting':
        if (
          row.resumeAt &&
          row.resumeAt.getTime() > Date.now() &&
          !(step.kind === 'approval' && row.output?.decision)
        ) {
          await this.#park(ctx, row.resumeAt);
          return 'park';
        }
        return this.#resume(ctx);
      default:
        // A finished step that is still current (a crash between writes): move past it.
        await this.#setRun(tenantId, run, { currentStep: index + 1 });
        return 'continue';
    }
  }

  async #begin(ctx: StepContext): Promise<'continue' | 'park'> {
    const { step } = ctx;
    if (step.when !== undefined) {
      const go = condition(step.when, ctx.templates(null));
      if (typeof go === 'string') return this.#failStep(ctx, go, step.on_failure ?? 'stop');
      if (!go) return this.#skip(ctx);
    }
    const now = new Date();
    switch (step.kind) {
      case 'wait':
        return this.#wait(ctx, {
          status: 'waiting',
          startedAt: now,
          resumeAt: new Date(now.getTime() + step.durationSeconds * 1000),
          action: { kind: 'wait', durationSeconds: step.durationSeconds },
        });
      case 'verify': {
        const planned = this.#plan(ctx, null);
        if (planned.error || !planned.action)
          return this.#failStep(ctx, planned.error ?? 'unresolvable', step.on_failure ?? 'stop');
        const poll = (planned.action as Extract<PlannedAction, { kind: 'verify' }>).pollSeconds;
        return this.#wait(ctx, {
          status: 'waiting',
          startedAt: now,
          deadline: new Date(now.getTime() + step.windowSeconds * 1000),
          resumeAt: new Date(now.getTime() + Math.min(poll, step.windowSeconds) * 1000),
          action: planned.action,
          output: { checks: 0, lastCheckAt: now.toISOString() },
        });
      }
      case 'approval':
        return this.#askApproval(ctx, step, now);
      default:
        return this.#act(ctx);
    }
  }

  async #resume(ctx: StepContext): Promise<'continue' | 'park'> {
    const { step, row } = ctx;
    const now = Date.now();
    switch (step.kind) {
      case 'wait':
        return this.#succeed(ctx, { waitedSeconds: step.durationSeconds });
      case 'verify':
        return this.#verify(ctx, step.condition, step.windowSeconds);
      case 'approval': {
        const decision = row.output?.decision;
        if (decision === 'approved') return this.#succeed(ctx, row.output ?? {});
        if (decision === 'refused') {
          return this.#failStep(
            ctx,
            `refused by ${row.decidedBy ?? 'someone'}`,
            step.on_refusal ?? 'stop',
            row.output ?? {},
          );
        }
        if (row.deadline && row.deadline.getTime() <= now) {
          return this.#failStep(
            ctx,
            `no decision within ${step.timeoutSeconds} s`,
            step.on_timeout ?? 'stop',
            { ...row.output, decision: 'timed_out' },
          );
        }
        await this.#park(ctx, row.deadline ?? new Date(now + 60_000));
        return 'park';
      }
      default:
        // A retry whose backoff is over.
        return this.#act(ctx);
    }
  }

  /** A step found `running`: its process died before recording the outcome. */
  async #interrupted(ctx: StepContext): Promise<'continue' | 'park'> {
    const { step, row } = ctx;
    if (step.kind === 'wait' || step.kind === 'verify' || step.kind === 'approval')
      return this.#resume(ctx);
    const idempotent = step.idempotent ?? false;
    if (idempotent) return this.#act(ctx);
    return this.#failStep(
      ctx,
      `interrupted after attempt ${row.attempts} began; not repeated because the step is not idempotent and its outcome is unknown`,
      step.on_failure ?? 'stop',
    );
  }

  /** An acting step: http, webhook, kubernetes or notify. */
  async #act(ctx: StepContext): Promise<'continue' | 'park'> {
    const { step, row, run, tenantId, settings } = ctx;
    const secretValues = await this.#secrets(tenantId, ctx.def);
    if (typeof secretValues === 'string')
      return this.#failStep(ctx, secretValues, step.on_failure ?? 'stop');
    const masked = this.#plan(ctx, null);
    const real = this.#plan(ctx, secretValues);
    if (masked.error || real.error || !masked.action || !real.action) {
      return this.#failStep(
        ctx,
        masked.error ?? real.error ?? 'unresolvable',
        step.on_failure ?? 'stop',
      );
    }
    const target = targetOf(real.action);
    const limits = limitsOf(ctx.def, settings);
    if (target !== null) {
      const refusal = await this.runs.transaction(tenantId, async (tx) => {
        const touched = await this.runs.targetsOf(tx, run.id);
        if (!touched.includes(target) && touched.length >= limits.maxTargets) {
          return `blast radius: the run already acted on ${touched.length} targets (at most ${limits.maxTargets})`;
        }
        const recent = await this.runs.actionsOn(tx, target, new Date(Date.now() - HOUR_MS));
        if (recent >= limits.maxActionsPerTargetPerHour) {
          return `rate limit: ${target} was acted on ${recent} times in the last hour (at most ${limits.maxActionsPerTargetPerHour})`;
        }
        return null;
      });
      if (refusal)
        return this.#failStep(ctx, refusal, step.on_failure ?? 'stop', { refused: true });
    }
    const attempt = row.attempts + 1;
    await this.runs.transaction(tenantId, async (tx) => {
      await this.runs.updateStep(tx, run.id, ctx.index, {
        status: 'running',
        attempts: attempt,
        action: masked.action,
        resumeAt: null,
        ...(row.startedAt ? {} : { startedAt: new Date() }),
      });
      if (target !== null) await this.runs.recordAction(tx, run, ctx.index, target);
    });
    await this.#changed(tenantId, run);
    const outcome: StepOutcome = await this.actions.perform(tenantId, real.action, {
      timeoutMs: masked.timeoutSeconds * 1000,
      allowPrivateNetwork: settings.allowPrivateNetwork,
      clusters: settings.clusters,
      ...(step.kind === 'http' && step.expectStatus ? { expectStatus: step.expectStatus } : {}),
    });
    if (outcome.ok) return this.#succeed(ctx, outcome.output);
    const retries = step.retries ?? { max: 0, backoffSeconds: 0 };
    if (outcome.retryable && attempt <= retries.max) {
      const backoff = Math.min(
        retries.backoffSeconds * 2 ** (attempt - 1) * 1000,
        RUNBOOK_LIMITS.maxBackoffSeconds * 1000,
      );
      const at = new Date(Date.now() + Math.max(backoff, outcome.retryAfterMs ?? 0));
      return this.#wait(ctx, {
        status: 'waiting',
        resumeAt: at,
        error: outcome.error ?? 'failed',
        output: outcome.output,
      });
    }
    return this.#failStep(
      ctx,
      outcome.error ?? 'failed',
      step.on_failure ?? 'stop',
      outcome.output,
    );
  }

  async #verify(
    ctx: StepContext,
    expression: string,
    windowSeconds: number,
  ): Promise<'continue' | 'park'> {
    const { row, tenantId, step } = ctx;
    const action = row.action as Extract<PlannedAction, { kind: 'verify' }> | null;
    if (!action)
      return this.#failStep(ctx, 'the check was not resolved', step.on_failure ?? 'stop');
    const now = new Date();
    const since =
      typeof row.output?.lastCheckAt === 'string'
        ? new Date(row.output.lastCheckAt)
        : (row.startedAt ?? now);
    const seen = await this.actions.check(tenantId, action.check, since, now);
    const checks = Number(row.output?.checks ?? 0) + 1;
    const output = { ...seen, checks, lastCheckAt: now.toISOString() };
    const holds = condition(expression, { ...seen, params: ctx.run.params });
    if (typeof holds === 'string') {
      return this.#failStep(ctx, holds, step.on_failure ?? 'stop', output);
    }
    if (holds) return this.#succeed(ctx, output);
    if (row.deadline && row.deadline.getTime() <= now.getTime()) {
      return this.#failStep(
        ctx,
        `'${expression}' did not hold within ${windowSeconds} s (last: count ${seen.count})`,
        step.on_failure ?? 'stop',
        output,
      );
    }
    const next = Math.min(
      now.getTime() + action.pollSeconds * 1000,
      row.deadline?.getTime() ?? Infinity,
    );
    return this.#wait(ctx, { resumeAt: new Date(next), output });
  }

  async #askApproval(
    ctx: StepContext,
    step: ApprovalStep,
    now: Date,
  ): Promise<'continue' | 'park'> {
    const planned = this.#plan(ctx, null);
    if (planned.error || !planned.action)
      return this.#failStep(ctx, planned.error ?? 'unresolvable', step.on_failure ?? 'stop');
    const deadline = new Date(now.getTime() + step.timeoutSeconds * 1000);
    const action = planned.action as Extract<PlannedAction, { kind: 'approval' }>;
    const message =
      action.message ??
      `Runbook ${ctx.def.name} (run ${ctx.run.id}) asks to go on past step ${step.id}.`;
    let asked: unknown[] = [];
    if (step.channels && step.channels.length > 0) {
      const members = (await this.users.members(ctx.tenantId)).filter(
        (m) => m.user.disabledAt === null && mayApprove(m.role, step.roles),
      );
      const links = (userId: string | null) =>
        this.#links?.(ctx.tenantId, ctx.run.id, ctx.index, userId, deadline) ?? {};
      const results = await this.notifier.requestApproval(ctx.tenantId, step.channels, {
        runId: ctx.run.id,
        stepIndex: ctx.index,
        runbookName: ctx.def.name,
        message,
        deadline,
        emailRecipients: members.map((m) => ({ email: m.user.email, links: links(m.user.id) })),
        links: links(null),
      });
      asked = results.map((r) => ({
        channel: r.channelName ?? null,
        ok: r.ok,
        ...(r.error ? { error: r.error } : {}),
      }));
    }
    return this.#wait(ctx, {
      status: 'waiting',
      startedAt: now,
      deadline,
      resumeAt: deadline,
      action: planned.action,
      output: { asked, message },
    });
  }

  #plan(ctx: StepContext, secrets: Record<string, string> | null): PlannedStep {
    return planStep(ctx.step, ctx.index, ctx.templates(secrets));
  }

  async #secrets(
    tenantId: string,
    def: RunbookDefinition,
  ): Promise<Record<string, string> | string> {
    const out: Record<string, string> = {};
    for (const name of def.secrets ?? []) {
      const value = await this.secrets.get(tenantId, name);
      if (value === null) return `the secret ${name} is not set`;
      out[name] = value;
    }
    return out;
  }

  async #wait(ctx: StepContext, patch: Partial<StepRow>): Promise<'park'> {
    await this.runs.transaction(ctx.tenantId, async (tx) => {
      await this.runs.updateStep(tx, ctx.run.id, ctx.index, { status: 'waiting', ...patch });
      await this.runs.updateRun(tx, ctx.run.id, { status: 'waiting' });
    });
    await this.#changed(ctx.tenantId, ctx.run);
    await this.#park(ctx, patch.resumeAt ?? new Date(Date.now() + 60_000));
    return 'park';
  }

  async #park(ctx: StepContext, at: Date): Promise<void> {
    await this.#wake(ctx.tenantId, ctx.run.id, at);
  }

  async #skip(ctx: StepContext): Promise<'continue'> {
    await this.runs.transaction(ctx.tenantId, async (tx) => {
      await this.runs.updateStep(tx, ctx.run.id, ctx.index, {
        status: 'skipped',
        finishedAt: new Date(),
      });
      await this.runs.updateRun(tx, ctx.run.id, { currentStep: ctx.index + 1, status: 'running' });
    });
    await this.#changed(ctx.tenantId, ctx.run);
    return 'continue';
  }

  async #succeed(ctx: StepContext, output: Record<string, unknown>): Promise<'continue'> {
    await this.runs.transaction(ctx.tenantId, async (tx) => {
      await this.runs.updateStep(tx, ctx.run.id, ctx.index, {
        status: 'succeeded',
        output,
        error: null,
        resumeAt: null,
        finishedAt: new Date(),
      });
      await this.runs.updateRun(tx, ctx.run.id, {
        currentStep: ctx.index + 1,
        status: 'running',
        ...(ctx.step.kind === 'verify' ? { verified: true } : {}),
      });
      await this.#auditStep(ctx, tx, 'succeeded', null, output);
    });
    await this.#changed(ctx.tenantId, ctx.run);
    return 'continue';
  }

  /** A failed step takes its branch: stop the run, continue, or jump forward to a step. */
  async #failStep(
    ctx: StepContext,
    error: string,
    branch: FailureAction,
    output: Record<string, unknown> = {},
  ): Promise<'continue' | 'park'> {
    const { run, def, index, tenantId } = ctx;
    const target =
      branch === 'stop' || branch === 'continue' ? -1 : def.steps.findIndex((s) => s.id === branch);
    await this.runs.transaction(tenantId, async (tx) => {
      await this.runs.updateStep(tx, run.id, index, {
        status: 'failed',
        error,
        output,
        resumeAt: null,
        finishedAt: new Date(),
      });
      await this.#auditStep(ctx, tx, 'failed', error, output);
      if (branch === 'continue') {
        await this.runs.updateRun(tx, run.id, { currentStep: index + 1, status: 'running' });
      } else if (target > index) {
        await this.runs.skipSteps(tx, run.id, index + 1, target);
        await this.runs.updateRun(tx, run.id, {
          currentStep: target,
          stepFailed: true,
          status: 'running',
        });
      }
    });
    if (branch === 'continue' || target > index) {
      await this.#changed(tenantId, run);
      return 'continue';
    }
    await this.#finish(
      tenantId,
      run,
      'failed',
      `step ${ctx.step.id} failed: ${error}`,
      index + 1,
      def.steps.length,
    );
    return 'park';
  }

  async #auditStep(
    ctx: StepContext,
    tx: TenantTx,
    outcome: 'succeeded' | 'failed',
    error: string | null,
    output: Record<string, unknown>,
  ): Promise<void> {
    const fresh = (await this.runs.steps(tx, ctx.run.id))[ctx.index];
    await this.audit.record(systemActor(ctx.tenantId, 'remediation'), 'runbook.step_finished', {
      target: { kind: 'runbook_run', id: ctx.run.id },
      details: {
        runbook: ctx.def.id,
        step: ctx.step.id,
        kind: ctx.step.kind,
        outcome,
        attempts: fresh?.attempts ?? 0,
        input: fresh?.action ?? null,
        output: clipOutput(output),
        ...(error ? { error } : {}),
      },
      tx,
    });
  }

  async #finish(
    tenantId: string,
    run: RunRow,
    status: RunStatus,
    reason: string | null,
    from: number,
    stepCount: number,
  ): Promise<void> {
    await this.runs.transaction(tenantId, async (tx) => {
      const steps = await this.runs.steps(tx, run.id);
      for (const s of steps) {
        if (status === 'cancelled' && (s.status === 'waiting' || s.status === 'running')) {
          await this.runs.updateStep(tx, run.id, s.index, {
            status: 'cancelled',
            finishedAt: new Date(),
          });
        }
      }
      await this.runs.skipSteps(tx, run.id, Math.min(from, stepCount), stepCount);
      await this.runs.updateRun(tx, run.id, { status, reason });
      await this.audit.record(systemActor(tenantId, 'remediation'), 'runbook.run_finished', {
        target: { kind: 'runbook_run', id: run.id },
        details: { runbook: run.runbookId, status, ...(reason ? { reason } : {}) },
        tx,
      });
    });
    await this.#changed(tenantId, run);
  }

  async #setRun(
    tenantId: string,
    run: RunRow,
    patch: Parameters<RunRepository['updateRun']>[2],
  ): Promise<void> {
    await this.runs.transaction(tenantId, (tx) => this.runs.updateRun(tx, run.id, patch));
    await this.#changed(tenantId, run);
  }

  async #changed(tenantId: string, run: { id: string; runbookId: string }): Promise<void> {
    await this.events.changed(tenantId, run).catch((err: unknown) => {
      this.#logger.warn(`run ${run.id} change not published: ${String(err)}`);
    });
  }

  async #wake(tenantId: string, runId: string, at: Date): Promise<void> {
    if (this.#queue === null) return;
    const delay = Math.max(0, at.getTime() - Date.now());
    await this.#queue.add(
      'run.advance',
      { tenantId, runId },
      { delay, jobId: `${runId}-${at.getTime()}-${randomUUID()}` },
    );
  }
}

/** What one step's handling reads. */
class StepContext {
  constructor(
    readonly tenantId: string,
    readonly run: RunRow,
    readonly def: RunbookDefinition,
    readonly steps: readonly StepRow[],
    readonly index: number,
    readonly step: RunbookStep,
    readonly row: StepRow,
    readonly settings: RemediationSettings,
  ) {}

  /** The template context: parameters, alert, run, and the earlier steps' status and output. */
  templates(secrets: Record<string, string> | null) {
    const steps: Record<string, unknown> = {};
    for (const s of this.steps.slice(0, this.index)) {
      steps[s.stepId] = { status: s.status, output: s.output ?? {} };
    }
    return templateContextFor(
      this.def,
      planContext(this.run.id, this.run.params, this.run.context, this.run.createdAt),
      secrets ?? undefined,
      steps,
    );
  }
}

function planContext(
  runId: string,
  params: RunRow['params'],
  context: RunRow['context'],
  startedAt: Date,
): PlanContext {
  return {
    params,
    run: { id: runId, startedAt: startedAt.toISOString() },
    ...(context.alert ? { alert: context.alert } : {}),
    ...(context.anomaly ? { anomaly: context.anomaly } : {}),
  };
}

/** A runbook's limits, never above the tenant's. */
export function limitsOf(def: RunbookDefinition, settings: RemediationSettings) {
  const own = { ...DEFAULT_RUNBOOK_LIMITS, ...def.limits };
  return {
    maxRunsPerHour: Math.min(own.maxRunsPerHour, settings.limits.maxRunsPerHour),
    maxActionsPerTargetPerHour: Math.min(
      own.maxActionsPerTargetPerHour,
      settings.limits.maxActionsPerTargetPerHour,
    ),
    maxTargets: Math.min(own.maxTargets, settings.limits.maxTargets),
    loopWindowSeconds: def.limits?.loopWindowSeconds ?? settings.limits.loopWindowSeconds,
  };
}

/** A condition's value, or why it could not be evaluated (a missing path, a type mismatch). */
function condition(expression: string, data: Readonly<Record<string, unknown>>): boolean | string {
  try {
    return evaluateCondition(expression, data);
  } catch (err) {
    if (!(err instanceof RunbookLanguageError)) throw err;
    return `its condition failed: ${err.message}`;
  }
}

/** Whether a member's role is one the step lists, or more powerful than one it lists. */
export function mayApprove(role: Role | null, roles: readonly string[]): boolean {
  if (role === null) return false;
  const rank = ROLES.indexOf(role);
  return roles.some((r) => {
    const needed = ROLES.indexOf(r as Role);
    return needed >= 0 && rank <= needed;
  });
}

function clipOutput(output: Record<string, unknown>): Record<string, unknown> {
  const text = JSON.stringify(output);
  return text.length <= 2000 ? output : { truncated: text.slice(0, 2000) };
}
