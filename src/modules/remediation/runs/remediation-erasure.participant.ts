import { Injectable, type OnModuleInit } from '@nestjs/common';

import type {
  ErasureCounts,
  ErasureParticipant,
  ExportSink,
  SubjectIdentifiers,
} from '../../../common/privacy/erasure-participant';
import { ErasureRegistry } from '../../../common/privacy/erasure-registry';
import { redactDeep } from '../../../common/privacy/redact-deep';
import { SubjectMatcher } from '../../../common/privacy/subject-matcher';
import { RunRepository } from './run.repository';

/**
 * Runbook runs in GDPR jobs. A run records who started, cancelled or approved it, and copies
 * values from alerts and logs into its parameters, context and step outputs, so a data subject's
 * identifiers are replaced there. The tables themselves are exported and erased with the tenant
 * by the privacy module's catalogue-driven participant.
 */
@Injectable()
export class RemediationErasureParticipant implements ErasureParticipant, OnModuleInit {
  readonly name = 'remediation';
  readonly order = 150;

  constructor(
    private readonly registry: ErasureRegistry,
    private readonly runs: RunRepository,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  exportTenant(_tenantId: string, _sink: ExportSink): Promise<ErasureCounts> {
    return Promise.resolve({});
  }

  eraseTenant(_tenantId: string): Promise<ErasureCounts> {
    return Promise.resolve({});
  }

  async eraseSubject(tenantId: string, identifiers: SubjectIdentifiers): Promise<ErasureCounts> {
    const matcher = new SubjectMatcher(identifiers);
    return this.runs.transaction(tenantId, async (tx) => {
      let runs = 0;
      for (const r of await tx.query<{
        id: string;
        started_by: string;
        cancel_requested: string | null;
        reason: string | null;
        params: unknown;
        context: unknown;
      }>(
        `SELECT id, started_by, cancel_requested, reason, params, context
           FROM runbook_runs WHERE tenant_id = $1`,
        [tenantId],
      )) {
        const started = matcher.redact(r.started_by);
        const cancelled = r.cancel_requested === null ? null : matcher.redact(r.cancel_requested);
        const reason = r.reason === null ? null : matcher.redact(r.reason);
        const params = redactDeep(r.params, matcher);
        const context = redactDeep(r.context, matcher);
        const hits =
          started.hits + (cancelled?.hits ?? 0) + (reason?.hits ?? 0) + params.hits + context.hits;
        if (hits === 0) continue;
        await tx.query(
          `UPDATE runbook_runs SET started_by = $3, cancel_requested = $4, reason = $5,
                  params = $6, context = $7
            WHERE tenant_id = $1 AND id = $2`,
          [
            tenantId,
            r.id,
            started.text,
            cancelled?.text ?? null,
            reason?.text ?? null,
            JSON.stringify(params.value),
            JSON.stringify(context.value),
          ],
        );
        runs++;
      }
      let steps = 0;
      for (const s of await tx.query<{
        run_id: string;
        index: number;
        decided_by: string | null;
        error: string | null;
        action: unknown;
        output: unknown;
      }>(
        `SELECT run_id, index, decided_by, error, action, output
           FROM runbook_run_steps WHERE tenant_id = $1`,
        [tenantId],
      )) {
        const by = s.decided_by === null ? null : matcher.redact(s.decided_by);
        const error = s.error === null ? null : matcher.redact(s.error);
        const action = redactDeep(s.action, matcher);
        const output = redactDeep(s.output, matcher);
        if ((by?.hits ?? 0) + (error?.hits ?? 0) + action.hits + output.hits === 0) continue;
        await tx.query(
          `UPDATE runbook_run_steps SET decided_by = $4, error = $5, action = $6, output = $7
            WHERE tenant_id = $1 AND run_id = $2 AND index = $3`,
          [
            tenantId,
            s.run_id,
            s.index,
            by?.text ?? null,
            error?.text ?? null,
            JSON.stringify(action.value),
            JSON.stringify(output.value),
          ],
        );
        steps++;
      }
      return { 'runbook_runs.subjects': runs, 'runbook_run_steps.subjects': steps };
    });
  }
}
