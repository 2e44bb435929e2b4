import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { inTenantTransaction, type TenantTx } from '../../../common/database/tenant-transaction';
import type { PlanContext, PlannedAction } from '../runbook/plan';
import type { ParameterValue } from '../runbook/runbook.types';

export type RunStatus =
  | 'queued'
  | 'running'
  | 'waiting'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'skipped'
  | 'ineffective';

export const FINISHED_RUN: ReadonlySet<RunStatus> = new Set([
  'succeeded',
  'failed',
  'cancelled',
  'skipped',
  'ineffective',
]);

export type StepStatus =
  'pending' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';

/** What started a run. */
export type RunTrigger =
  | { kind: 'manual'; by: string }
  | { kind: 'alert'; fingerprint: string; ruleId: string; startedAt: number }
  | { kind: 'anomaly'; anomalyId: string; service: string; anomalyKind: string }
  | { kind: 'incident'; incidentId: string; fingerprint: string }
  | { kind: 'schedule'; slot: string };

export interface RunRow {
  id: string;
  runbookId: string;
  version: number;
  status: RunStatus;
  reason: string | null;
  trigger: RunTrigger;
  alertFingerprint: string | null;
  params: Record<string, ParameterValue>;
  /** Alert labels/annotations and anomaly fields the templates may read. */
  context: Pick<PlanContext, 'alert' | 'anomaly'>;
  currentStep: number;
  stepFailed: boolean;
  verified: boolean;
  cancelRequested: string | null;
  startedBy: string;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

export interface StepRow {
  index: number;
  stepId: string;
  kind: string;
  status: StepStatus;
  attempts: number;
  resumeAt: Date | null;
  deadline: Date | null;
  /** The resolved action with secrets masked (what was, or would be, called). */
  action: PlannedAction | null;
  output: Record<string, unknown> | null;
  error: string | null;
  decidedBy: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface NewRun {
  id: string;
  runbookId: string;
  version: number;
  status: RunStatus;
  reason?: string | null;
  trigger: RunTrigger;
  triggerKey: string | null;
  alertFingerprint: string | null;
  params: Record<string, ParameterValue>;
  context: RunRow['context'];
  startedBy: string;
  steps: Array<{ stepId: string; kind: string }>;
}

export interface RunFilter {
  runbookId?: string | null;
  status?: RunStatus | null;
  alertFingerprint?: string | null;
}

/** Runs, their steps and the actions they took; every read and write inside one tenant. */
@Injectable()
export class RunRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(tenantId: string, work: (tx: TenantTx) => Promise<T>): Promise<T> {
    return inTenantTransaction(this.db, tenantId, work);
  }

  /** Inserts a run and its pending steps; false when its trigger key already has a run. */
  async insert(tx: TenantTx, run: NewRun): Promise<boolean> {
    const inserted = await tx.query<{ id: string }>(
      `INSERT INTO runbook_runs (tenant_id, id, runbook_id, version, status, reason, trigger,
         trigger_key, alert_fingerprint, params, context, started_by, finished_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
         CASE WHEN $5 IN ('skipped', 'failed', 'cancelled') THEN now() END)
       ON CONFLICT (tenant_id, runbook_id, trigger_key) WHERE trigger_key IS NOT NULL DO NOTHING
       RETURNING id`,
      [
        tx.tenantId,
        run.id,
        run.runbookId,
        run.version,
        run.status,
        run.reason ?? null,
        JSON.stringify(run.trigger),
        run.triggerKey,
        run.alertFingerprint,
        JSON.stringify(run.params),
        JSON.stringify(run.context),
        run.startedBy,
      ],
    );
    if (inserted.length === 0) return false;
    if (run.steps.length > 0) {
      await tx.query(
        `INSERT INTO runbook_run_steps (tenant_id, run_id, index, step_id, kind, status)
         SELECT $1, $2, s.ordinality - 1, s.step_id, s.kind,
                CASE WHEN $5 IN ('skipped', 'failed', 'cancelled') THEN 'skipped' ELSE 'pending' END
           FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS s(step_id, kind)`,
        [
          tx.tenantId,
          run.id,
          run.steps.map((s) => s.stepId),
          run.steps.map((s) => s.kind),
          run.status,
        ],
      );
    }
    return true;
  }

  async find(tx: TenantTx, id: string): Promise<RunRow | null> {
    const [row] = await tx.query<RunDb>(
      `SELECT * FROM runbook_runs WHERE tenant_id = $1 AND id = $2`,
      [tx.tenantId, id],
    );
    return row ? runFromDb(row) : null;
  }

  /** The run locked for this transaction (one advancer at a time); null when it is locked elsewhere. */
  async lock(tx: TenantTx, id: string): Promise<RunRow | null | 'busy'> {
    const rows = await tx.query<RunDb>(
      `SELECT * FROM runbook_runs WHERE tenant_id = $1 AND id = $2 FOR UPDATE SKIP LOCKED`,
      [tx.tenantId, id],
    );
    if (rows[0]) return runFromDb(rows[0]);
    const exists = await tx.query<unknown>(
      `SELECT 1 FROM runbook_runs WHERE tenant_id = $1 AND id = $2`,
      [tx.tenantId, id],
    );
    return exists.length > 0 ? 'busy' : null;
  }

  /** Newest first; `after` continues below a run's position (its `createdAt` and id). */
  async list(
    tx: TenantTx,
    filter: RunFilter,
    first: number,
    after?: { createdAt: Date; id: string },
  ): Promise<RunRow[]> {
    const rows = await tx.query<RunDb>(
      `SELECT * FROM runbook_runs
        WHERE tenant_id = $1
          AND ($2::text IS NULL OR runbook_id = $2)
          AND ($3::text IS NULL OR status = $3)
          AND ($4::text IS NULL OR alert_fingerprint = $4)
          AND ($6::timestamptz IS NULL OR (created_at, id) < ($6, $7::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $5`,
      [
        tx.tenantId,
        filter.runbookId ?? null,
        filter.status ?? null,
        filter.alertFingerprint ?? null,
        first,
        after?.createdAt ?? null,
        after?.id ?? null,
      ],
    );
    return rows.map(runFromDb);
  }

  async steps(tx: TenantTx, runId: string): Promise<StepRow[]> {
    const rows = await tx.query<StepDb>(
      `SELECT * FROM runbook_run_steps WHERE tenant_id = $1 AND run_id = $2 ORDER BY index`,
      [tx.tenantId, runId],
    );
    return rows.map(stepFromDb);
  }

  async updateRun(
    tx: TenantTx,
    id: string,
    patch: Partial<
      Pick<
        RunRow,
        'status' | 'reason' | 'currentStep' | 'stepFailed' | 'verified' | 'cancelRequested'
      >
    >,
  ): Promise<void> {
    const finished = patch.status !== undefined && FINISHED_RUN.has(patch.status);
    await tx.query(
      `UPDATE runbook_runs SET
         status = COALESCE($3, status),
         reason = CASE WHEN $4::boolean THEN $5 ELSE reason END,
         current_step = COALESCE($6, current_step),
         step_failed = COALESCE($7, step_failed),
         verified = COALESCE($8, verified),
         cancel_requested = COALESCE($9, cancel_requested),
         finished_at = CASE WHEN $10::boolean THEN now() ELSE finished_at END,
         updated_at = now()
       WHERE tenant_id = $1 AND id = $2`,
      [
        tx.tenantId,
        id,
        patch.status ?? null,
        patch.reason !== undefined,
        patch.reason ?? null,
        patch.currentStep ?? null,
        patch.stepFailed ?? null,
        patch.verified ?? null,
        patch.cancelRequested ?? null,
        finished,
      ],
    );
  }

  async updateStep(
    tx: TenantTx,
    runId: string,
    index: number,
    patch: Partial<Omit<StepRow, 'index' | 'stepId' | 'kind'>>,
  ): Promise<void> {
    const sets: string[] = [];
    const values: unknown[] = [tx.tenantId, runId, index];
    const put = (column: string, value: unknown, json = false) => {
      values.push(json && value !== null ? JSON.stringify(value) : value);
      sets.push(`${column} = $${values.length}`);
    };
    if (patch.status !== undefined) put('status', patch.status);
    if (patch.attempts !== undefined) put('attempts', patch.attempts);
    if (patch.resumeAt !== undefined) put('resume_at', patch.resumeAt);
    if (patch.deadline !== undefined) put('deadline', patch.deadline);
    if (patch.action !== undefined) put('action', patch.action, true);
    if (patch.output !== undefined) put('output', patch.output, true);
    if (patch.error !== undefined) put('error', patch.error);
    if (patch.decidedBy !== undefined) put('decided_by', patch.decidedBy);
    if (patch.startedAt !== undefined) put('started_at', patch.startedAt);
    if (patch.finishedAt !== undefined) put('finished_at', patch.finishedAt);
    if (sets.length === 0) return;
    await tx.query(
      `UPDATE runbook_run_steps SET ${sets.join(', ')}
        WHERE tenant_id = $1 AND run_id = $2 AND index = $3`,
      values,
    );
  }

  /** Marks pending steps in [from, to) skipped (a jump over them, or the end of a run). */
  async skipSteps(tx: TenantTx, runId: string, from: number, to: number): Promise<void> {
    await tx.query(
      `UPDATE runbook_run_steps SET status = 'skipped', finished_at = now()
        WHERE tenant_id = $1 AND run_id = $2 AND index >= $3 AND index < $4 AND status = 'pending'`,
      [tx.tenantId, runId, from, to],
    );
  }

  /** Records that a run acted on a target (rate limits and the blast radius count these). */
  async recordAction(
    tx: TenantTx,
    run: { id: string; runbookId: string },
    stepIndex: number,
    target: string,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO remediation_actions (tenant_id, run_id, runbook_id, step_index, target)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [tx.tenantId, run.id, run.runbookId, stepIndex, target],
    );
  }

  /** Actions on `target` since `since`, by any run of the tenant. */
  async actionsOn(tx: TenantTx, target: string, since: Date): Promise<number> {
    const [row] = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM remediation_actions
        WHERE tenant_id = $1 AND target = $2 AND at >= $3`,
      [tx.tenantId, target, since],
    );
    return row?.n ?? 0;
  }

  /** The distinct targets a run has acted on. */
  async targetsOf(tx: TenantTx, runId: string): Promise<string[]> {
    const rows = await tx.query<{ target: string }>(
      `SELECT DISTINCT target FROM remediation_actions WHERE tenant_id = $1 AND run_id = $2`,
      [tx.tenantId, runId],
    );
    return rows.map((r) => r.target);
  }

  /** Runs started since `since` that count against rate limits (not skipped ones). */
  async runsSince(tx: TenantTx, since: Date, runbookId: string | null): Promise<number> {
    const [row] = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM runbook_runs
        WHERE tenant_id = $1 AND created_at >= $2 AND status <> 'skipped'
          AND ($3::text IS NULL OR runbook_id = $3)`,
      [tx.tenantId, since, runbookId],
    );
    return row?.n ?? 0;
  }

  /** The newest run of a runbook for an alert fingerprint finished since `since`. */
  async lastRunForAlert(
    tx: TenantTx,
    runbookId: string,
    fingerprint: string,
    since: Date,
  ): Promise<RunRow | null> {
    const [row] = await tx.query<RunDb>(
      `SELECT * FROM runbook_runs
        WHERE tenant_id = $1 AND runbook_id = $2 AND alert_fingerprint = $3
          AND status IN ('succeeded', 'ineffective') AND finished_at >= $4
        ORDER BY finished_at DESC LIMIT 1`,
      [tx.tenantId, runbookId, fingerprint, since],
    );
    return row ? runFromDb(row) : null;
  }

  /**
   * Runs the sweeper wakes: a waiting step past its resume time or deadline (its delayed job was
   * lost), a step left running for 5 minutes without a write (its process died; a live advancer
   * holds the run's lock and the wake-up waits for it), a run queued or between steps for a minute.
   */
  async due(limit: number): Promise<Array<{ tenantId: string; runId: string }>> {
    const rows = await this.db.query<Array<{ tenant_id: string; run_id: string }>>(
      `SELECT DISTINCT r.tenant_id, r.id AS run_id FROM runbook_runs r
         LEFT JOIN runbook_run_steps s
           ON s.tenant_id = r.tenant_id AND s.run_id = r.id AND s.index = r.current_step
        WHERE r.status IN ('queued', 'running', 'waiting')
          AND (s.status = 'waiting' AND COALESCE(s.resume_at, s.deadline) <= now() - interval '5 seconds'
            OR s.status = 'running' AND r.updated_at < now() - interval '5 minutes'
            OR s.status = 'pending' AND r.updated_at < now() - interval '1 minute'
            OR r.status = 'queued' AND r.updated_at < now() - interval '1 minute'
            OR s.status IS NULL AND r.updated_at < now() - interval '1 minute')
        LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, runId: r.run_id }));
  }
}

interface RunDb {
  id: string;
  runbook_id: string;
  version: number;
  status: RunStatus;
  reason: string | null;
  trigger: RunTrigger;
  alert_fingerprint: string | null;
  params: Record<string, ParameterValue>;
  context: RunRow['context'];
  current_step: number;
  step_failed: boolean;
  verified: boolean;
  cancel_requested: string | null;
  started_by: string;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

interface StepDb {
  index: number;
  step_id: string;
  kind: string;
  status: StepStatus;
  attempts: number;
  resume_at: Date | null;
  deadline: Date | null;
  action: PlannedAction | null;
  output: Record<string, unknown> | null;
  error: string | null;
  decided_by: string | null;
  started_at: Date | null;
  finished_at: Date | null;
}

function runFromDb(r: RunDb): RunRow {
  return {
    id: r.id,
    runbookId: r.runbook_id,
    version: r.version,
    status: r.status,
    reason: r.reason,
    trigger: r.trigger,
    alertFingerprint: r.alert_fingerprint,
    params: r.params,
    context: r.context,
    currentStep: r.current_step,
    stepFailed: r.step_failed,
    verified: r.verified,
    cancelRequested: r.cancel_requested,
    startedBy: r.started_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
  };
}

function stepFromDb(r: StepDb): StepRow {
  return {
    index: r.index,
    stepId: r.step_id,
    kind: r.kind,
    status: r.status,
    attempts: r.attempts,
    resumeAt: r.resume_at,
    deadline: r.deadline,
    action: r.action,
    output: r.output,
    error: r.error,
    decidedBy: r.decided_by,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}
