import { Args, ID, Int, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';

import { Authorize } from '../../../common/auth/authorize.decorator';
import { CurrentPrincipal } from '../../../common/auth/current-principal.decorator';
import { JsonScalar } from '../../../common/graphql/json.scalar';
import { AuditService } from '../../audit/audit.service';
import type { Principal } from '../../tenancy/principal';
import { DryRunObject } from '../dto/runbook.objects';
import {
  RemediationSettingsInput,
  RemediationSettingsObject,
  RunFilterInput,
  RunObject,
  StartRunbookResultObject,
} from '../dto/run.objects';
import { RemediationError } from '../remediation.errors';
import { RunbooksService } from '../runbooks.service';
import { RemediationSettingsService, type ClusterSettings } from './remediation-settings.service';
import { RunExecutorService } from './run-executor.service';
import type { RunFilter } from './run.repository';
import { RunsService } from './runs.service';

/** Runs: start (or dry-run), approve, cancel, list, follow; and the remediation settings. */
@Resolver()
export class RunsResolver {
  constructor(
    private readonly runs: RunsService,
    private readonly executor: RunExecutorService,
    private readonly runbooks: RunbooksService,
    private readonly settings: RemediationSettingsService,
    private readonly audit: AuditService,
  ) {}

  @Mutation(() => StartRunbookResultObject, {
    description:
      'Starts a run of the current version. With dryRun, resolves every step and calls nothing.',
  })
  @Authorize('write')
  async startRunbook(
    @CurrentPrincipal() p: Principal,
    @Args('id') id: string,
    @Args('input', { type: () => JsonScalar, nullable: true }) input: unknown,
    @Args('dryRun', { type: () => Boolean, nullable: true }) dryRun: boolean | null,
    @Args('alertFingerprint', { type: () => ID, nullable: true }) alertFingerprint: string | null,
  ): Promise<StartRunbookResultObject> {
    if (input != null && (typeof input !== 'object' || Array.isArray(input))) {
      throw new RemediationError('INVALID_ARGUMENT', 'input must be an object of parameter values');
    }
    const values = (input ?? {}) as Record<string, unknown>;
    if (dryRun) {
      const plan = await this.runbooks.dryRun(p, id, values, alertFingerprint ?? null);
      return { run: null, dryRun: DryRunObject.from(plan) };
    }
    const started = await this.runs.start(p, id, values, alertFingerprint ?? null);
    return { run: RunObject.from(started.run, started.steps), dryRun: null };
  }

  @Mutation(() => RunObject, {
    description: 'Approves (or refuses) a waiting approval step; needs a role the step accepts',
  })
  @Authorize('read')
  async approveRunbookStep(
    @CurrentPrincipal() p: Principal,
    @Args('runId', { type: () => ID }) runId: string,
    @Args('stepId') stepId: string,
    @Args('approve', { type: () => Boolean, nullable: true, defaultValue: true }) approve: boolean,
    @Args('comment', { type: () => String, nullable: true }) comment: string | null,
  ): Promise<RunObject> {
    await this.executor.decide(
      p.tenantId,
      runId,
      stepId,
      approve,
      {
        userId: p.kind === 'user' ? p.subjectId : null,
        label: p.label,
        role: p.role,
        via: 'graphql',
      },
      comment,
    );
    return this.#run(p.tenantId, runId);
  }

  @Mutation(() => RunObject, { description: 'Stops a run at its next step' })
  @Authorize('write')
  async cancelRunbookRun(
    @CurrentPrincipal() p: Principal,
    @Args('runId', { type: () => ID }) runId: string,
  ): Promise<RunObject> {
    await this.executor.cancel(p, runId);
    return this.#run(p.tenantId, runId);
  }

  @Query(() => [RunObject], {
    description: 'Runs, newest first; `after` (a run’s cursor) for the next page',
  })
  @Authorize('read')
  async runbookRuns(
    @CurrentPrincipal() p: Principal,
    @Args('filter', { type: () => RunFilterInput, nullable: true }) filter: RunFilterInput | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true, description: 'A run’s `cursor`' })
    after: string | null,
  ): Promise<RunObject[]> {
    const rows = await this.runs.list(
      p.tenantId,
      (filter ?? {}) as RunFilter,
      first,
      after ?? null,
    );
    return rows.map((r) => RunObject.from(r.run, r.steps));
  }

  @Query(() => RunObject, { nullable: true })
  @Authorize('read')
  async runbookRun(
    @CurrentPrincipal() p: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<RunObject | null> {
    const found = await this.runs.get(p.tenantId, id);
    return found ? RunObject.from(found.run, found.steps) : null;
  }

  @Subscription(() => RunObject, {
    description: 'Runs as they change (each step, approval and ending), on any replica',
    resolve: (run: RunObject) => run,
  })
  @Authorize('read')
  async runbookRunUpdated(
    @CurrentPrincipal() p: Principal,
    @Args('runbookId', { type: () => String, nullable: true }) runbookId: string | null,
    @Args('runId', { type: () => ID, nullable: true }) runId: string | null,
  ): Promise<AsyncIterableIterator<RunObject>> {
    const changes = await this.runs.follow(p.tenantId, { runbookId, runId });
    async function* objects() {
      for await (const c of changes) yield RunObject.from(c.run, c.steps);
    }
    return objects();
  }

  @Query(() => RemediationSettingsObject)
  @Authorize('read')
  async remediationSettings(@CurrentPrincipal() p: Principal): Promise<RemediationSettingsObject> {
    return RemediationSettingsObject.from(
      await this.settings.get(p.tenantId),
      await this.settings.globallyHalted(),
    );
  }

  @Mutation(() => RemediationSettingsObject, {
    description: 'Limits, private-network access and Kubernetes clusters for runbooks',
  })
  @Authorize('admin')
  async updateRemediationSettings(
    @CurrentPrincipal() p: Principal,
    @Args('input', { type: () => RemediationSettingsInput }) input: RemediationSettingsInput,
  ): Promise<RemediationSettingsObject> {
    const updated = await this.settings.update(p.tenantId, {
      ...(input.maxRunsPerHour != null ? { maxRunsPerHour: input.maxRunsPerHour } : {}),
      ...(input.limits != null ? { limits: input.limits } : {}),
      ...(input.allowPrivateNetwork != null
        ? { allowPrivateNetwork: input.allowPrivateNetwork }
        : {}),
      ...(input.clusters != null
        ? { clusters: input.clusters as Record<string, ClusterSettings> }
        : {}),
    });
    await this.audit.record(p, 'remediation.settings_updated', {
      target: { kind: 'remediation_settings', id: p.tenantId },
      details: { ...input, clusters: Object.keys((input.clusters as object | null) ?? {}) },
    });
    return RemediationSettingsObject.from(updated, await this.settings.globallyHalted());
  }

  @Mutation(() => RemediationSettingsObject, {
    description:
      "The tenant's kill switch: enabled false halts every run at its next step and starts none",
  })
  @Authorize('admin')
  async setRemediationEnabled(
    @CurrentPrincipal() p: Principal,
    @Args('enabled') enabled: boolean,
  ): Promise<RemediationSettingsObject> {
    const updated = await this.settings.setEnabled(p.tenantId, enabled, p.label);
    await this.audit.record(p, enabled ? 'remediation.resumed' : 'remediation.halted', {
      target: { kind: 'remediation_settings', id: p.tenantId },
    });
    return RemediationSettingsObject.from(updated, await this.settings.globallyHalted());
  }

  async #run(tenantId: string, runId: string): Promise<RunObject> {
    const found = await this.runs.get(tenantId, runId);
    if (!found) throw new RemediationError('NOT_FOUND', `no runbook run ${runId}`);
    return RunObject.from(found.run, found.steps);
  }
}
