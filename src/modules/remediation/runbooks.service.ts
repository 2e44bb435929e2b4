import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { AlertQueryService } from '../alerting/alert-query.service';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../tenancy/principal';
import { RemediationError } from './remediation.errors';
import { RunbookRepository, type RunbookRow, type RunbookVersionRow } from './runbook.repository';
import { bindParameters } from './runbook/parameters';
import { planRun, type RunPlan } from './runbook/plan';
import { validateRunbook } from './runbook/validate-runbook';

/** A dry run's answer: the plan, or why the parameters stopped it before any step. */
export type DryRun =
  | { ok: true; plan: RunPlan }
  | { ok: false; parameterErrors: Array<{ parameter: string; message: string }> };

/**
 * Runbooks per tenant: validated against the published schema (and the checks a schema cannot
 * express) on every save, each save a new version; dry runs bind the parameters (from the input
 * and, when given, an alert's labels and annotations — validated against their declared types
 * and allowlists, so log content never chooses what runs) and resolve every template into the
 * calls the run would make, without making them. Saves and dry runs are audited.
 */
@Injectable()
export class RunbooksService {
  constructor(
    private readonly repo: RunbookRepository,
    private readonly audit: AuditService,
    private readonly alerts: AlertQueryService,
  ) {}

  validate(definition: unknown) {
    return validateRunbook(definition);
  }

  async save(principal: Principal, definition: unknown): Promise<RunbookRow> {
    const checked = validateRunbook(definition);
    if (!checked.ok) {
      throw new RemediationError(
        'INVALID_RUNBOOK',
        `the runbook is not valid: ${checked.errors
          .slice(0, 5)
          .map((e) => `${e.path || '/'} ${e.message}`)
          .join('; ')}`,
        checked.errors,
      );
    }
    return this.repo.transaction(principal.tenantId, async (tx) => {
      const row = await this.repo.save(tx, checked.runbook, principal.label ?? principal.subjectId);
      await this.audit.record(principal, 'runbook.saved', {
        target: { kind: 'runbook', id: row.id },
        details: { version: row.version, steps: row.definition.steps.length },
        tx,
      });
      return row;
    });
  }

  /**
   * Deletes a runbook, its versions and its runs (the audit log keeps what they did). Refused
   * while one of its runs has not ended: cancel it first.
   */
  async delete(principal: Principal, id: string): Promise<boolean> {
    return this.repo.transaction(principal.tenantId, async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 10))`, [
        `runbook:${tx.tenantId}:${id}`,
      ]);
      const unfinished = await this.repo.unfinishedRuns(tx, id);
      if (unfinished > 0) {
        throw new RemediationError(
          'CONFLICT',
          `runbook ${id} has ${unfinished} run(s) that have not ended; cancel them first`,
        );
      }
      const deleted = await this.repo.delete(tx, id);
      if (deleted) {
        await this.audit.record(principal, 'runbook.deleted', {
          target: { kind: 'runbook', id },
          tx,
        });
      }
      return deleted;
    });
  }

  list(tenantId: string): Promise<RunbookRow[]> {
    return this.repo.transaction(tenantId, (tx) => this.repo.list(tx));
  }

  get(tenantId: string, id: string): Promise<RunbookRow | null> {
    return this.repo.transaction(tenantId, (tx) => this.repo.find(tx, id));
  }

  versions(tenantId: string, id: string): Promise<RunbookVersionRow[]> {
    return this.repo.transaction(tenantId, (tx) => this.repo.versions(tx, id));
  }

  /** What a run would do now, with every template resolved and secrets masked. */
  async dryRun(
    principal: Principal,
    id: string,
    input: Record<string, unknown>,
    alertFingerprint: string | null,
  ): Promise<DryRun> {
    const runbook = await this.get(principal.tenantId, id);
    if (!runbook) throw new RemediationError('NOT_FOUND', `no runbook ${id}`);
    let alert: { labels: Record<string, string>; annotations: Record<string, string> } | undefined;
    if (alertFingerprint != null) {
      const row = await this.alerts.get(principal.tenantId, alertFingerprint);
      if (!row) throw new RemediationError('NOT_FOUND', `no alert ${alertFingerprint}`);
      alert = { labels: row.labels, annotations: row.annotations };
    }
    const bound = bindParameters(runbook.definition.parameters ?? [], {
      input,
      ...(alert ? { alert, anomaly: { service: alert.labels.service } } : {}),
    });
    const runId = randomUUID();
    const result: DryRun = bound.ok
      ? {
          ok: true,
          plan: planRun(
            runbook.definition,
            {
              params: bound.values,
              run: { id: runId, startedAt: new Date().toISOString() },
              ...(alert ? { alert } : {}),
            },
            { dryRun: true },
          ),
        }
      : { ok: false, parameterErrors: bound.errors };
    await this.audit.record(principal, 'runbook.dry_run', {
      target: { kind: 'runbook', id },
      details: {
        version: runbook.version,
        runId,
        ok: result.ok && result.plan.ok,
        ...(alertFingerprint ? { alert: alertFingerprint } : {}),
      },
    });
    return result;
  }
}
