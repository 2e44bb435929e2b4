import { Injectable } from '@nestjs/common';

import { AlertQueryService } from '../../alerting/alert-query.service';
import type { Principal } from '../../tenancy/principal';
import { RemediationError } from '../remediation.errors';
import { RunbookRepository } from '../runbook.repository';
import { RunExecutorService } from './run-executor.service';
import { decodeRunCursor } from './run-cursor';
import { RunEvents } from './run-events.service';
import {
  FINISHED_RUN,
  RunRepository,
  type RunFilter,
  type RunRow,
  type StepRow,
} from './run.repository';

const MAX_PAGE = 200;
const STATUSES = new Set(['queued', 'running', 'waiting', ...FINISHED_RUN]);

/** Manual starts and the reads of runs: lists, one run with its steps, and live changes. */
@Injectable()
export class RunsService {
  constructor(
    private readonly runs: RunRepository,
    private readonly runbooks: RunbookRepository,
    private readonly executor: RunExecutorService,
    private readonly events: RunEvents,
    private readonly alerts: AlertQueryService,
  ) {}

  /** Starts the runbook's current version by hand; parameters come from `input` (and the alert). */
  async start(
    principal: Principal,
    runbookId: string,
    input: Record<string, unknown>,
    alertFingerprint: string | null,
  ): Promise<{ run: RunRow; steps: StepRow[] }> {
    const runbook = await this.runbooks.transaction(principal.tenantId, (tx) =>
      this.runbooks.find(tx, runbookId),
    );
    if (!runbook) throw new RemediationError('NOT_FOUND', `no runbook ${runbookId}`);
    let alert: { labels: Record<string, string>; annotations: Record<string, string> } | undefined;
    if (alertFingerprint != null) {
      const row = await this.alerts.get(principal.tenantId, alertFingerprint);
      if (!row) throw new RemediationError('NOT_FOUND', `no alert ${alertFingerprint}`);
      alert = { labels: row.labels, annotations: row.annotations };
    }
    const run = await this.executor.start(principal.tenantId, runbook, {
      trigger: { kind: 'manual', by: principal.label },
      triggerKey: null,
      sources: {
        input,
        ...(alert ? { alert, anomaly: { service: alert.labels.service } } : {}),
      },
      context: alert ? { alert } : {},
      alertFingerprint,
      actor: principal,
      manual: true,
    });
    if (!run) throw new RemediationError('CONFLICT', 'the run was not created');
    return (await this.get(principal.tenantId, run.id))!;
  }

  async list(tenantId: string, filter: RunFilter, first: number, after: string | null = null) {
    const position = after === null ? undefined : decodeRunCursor(after);
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) {
      throw new RemediationError(
        'INVALID_ARGUMENT',
        `first must be an integer from 1 to ${MAX_PAGE}`,
      );
    }
    if (filter.status && !STATUSES.has(filter.status)) {
      throw new RemediationError(
        'INVALID_ARGUMENT',
        `status must be one of ${[...STATUSES].join(', ')}`,
      );
    }
    return this.runs.transaction(tenantId, async (tx) => {
      const rows = await this.runs.list(tx, filter, first, position);
      return Promise.all(
        rows.map(async (run) => ({ run, steps: await this.runs.steps(tx, run.id) })),
      );
    });
  }

  get(tenantId: string, runId: string): Promise<{ run: RunRow; steps: StepRow[] } | null> {
    return this.runs.transaction(tenantId, async (tx) => {
      const run = await this.runs.find(tx, runId);
      return run ? { run, steps: await this.runs.steps(tx, runId) } : null;
    });
  }

  /** Changes of the tenant's runs (of one runbook or run when given), on any replica. */
  async follow(
    tenantId: string,
    filter: { runbookId?: string | null; runId?: string | null },
  ): Promise<AsyncGenerator<{ run: RunRow; steps: StepRow[] }>> {
    const sub = await this.events.subscribe(
      tenantId,
      (e) =>
        (!filter.runbookId || e.runbookId === filter.runbookId) &&
        (!filter.runId || e.runId === filter.runId),
    );
    const get = (id: string) => this.get(tenantId, id);
    async function* changes() {
      try {
        for await (const event of sub) {
          const found = await get(event.runId);
          if (found) yield found;
        }
      } finally {
        sub.close();
      }
    }
    return changes();
  }
}
