import { Injectable, Logger } from '@nestjs/common';

import type { ErasureCounts, SubjectIdentifiers } from '../../common/privacy/erasure-participant';
import { ErasureRegistry } from '../../common/privacy/erasure-registry';
import { AppConfig } from '../../config/app-config';
import { systemActor } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import { ExportFiles } from './export-files';
import { NdjsonGzipWriter } from './ndjson-gzip.writer';
import type { PrivacyJobEntity, PrivacyJobParams } from './privacy-job.entity';
import { PrivacyJobRepository } from './privacy-job.repository';
import type { PrivacyJobReport } from './privacy.jobs';

/** The archive's first line: what it is and whose. */
export const EXPORT_FORMAT = 'vigil-export/1';

/**
 * Runs one export or erasure job: every registered participant in turn, counts merged into the
 * job's report. Idempotent: a finished job is not run again, and each participant's work may be
 * repeated harmlessly when a failed attempt is retried.
 */
@Injectable()
export class PrivacyJobRunner {
  readonly #logger = new Logger(PrivacyJobRunner.name);

  constructor(
    private readonly jobs: PrivacyJobRepository,
    private readonly registry: ErasureRegistry,
    private readonly files: ExportFiles,
    private readonly config: AppConfig,
    private readonly auditLog: AuditService,
  ) {}

  /**
   * Runs the job. A failure on an attempt that will be retried puts the job back to `queued`
   * (with the error in its report) and rethrows; on the last attempt the job ends `failed`.
   */
  async run(tenantId: string, jobId: string, lastAttempt: boolean): Promise<void> {
    const job = await this.jobs.find(tenantId, jobId);
    if (!job || job.status === 'done' || job.status === 'failed') return;
    await this.jobs.markRunning(tenantId, jobId);
    let report: PrivacyJobReport;
    try {
      report = await this.execute(job);
    } catch (err) {
      report = { counts: {}, errors: [err instanceof Error ? err.message : String(err)] };
      if (!lastAttempt) {
        await this.jobs.markQueued(tenantId, jobId, report);
        throw err;
      }
      this.#logger.error(`privacy job ${jobId} (${job.kind}) failed: ${report.errors.join('; ')}`);
    }
    // The identifiers are needed no longer: only their counts stay.
    const params: PrivacyJobParams = { identifierCounts: job.params.identifierCounts };
    const status = report.errors.length > 0 ? 'failed' : 'done';
    await this.jobs.finish(tenantId, jobId, status, report, params);
    this.audit(job, status, report);
  }

  private async execute(job: PrivacyJobEntity): Promise<PrivacyJobReport> {
    switch (job.kind) {
      case 'export':
        return this.exportTenant(job);
      case 'erase_tenant':
        return this.erase(job, (p) => p.eraseTenant(job.tenantId));
      case 'erase_subject': {
        const identifiers = this.identifiersOf(job);
        return this.erase(job, (p) => p.eraseSubject(job.tenantId, identifiers));
      }
    }
  }

  private async exportTenant(job: PrivacyJobEntity): Promise<PrivacyJobReport> {
    await this.files.prepare(job.tenantId);
    const writer = new NdjsonGzipWriter(this.files.path(job.tenantId, job.id));
    const counts: ErasureCounts = {};
    try {
      await writer.write('export', {
        format: EXPORT_FORMAT,
        tenantId: job.tenantId,
        jobId: job.id,
        createdAt: new Date().toISOString(),
      });
      for (const participant of this.registry.forExport()) {
        merge(counts, await participant.exportTenant(job.tenantId, writer));
      }
      const bytes = await writer.finish();
      return { counts, errors: [], bytes };
    } catch (err) {
      await writer.abort();
      throw err;
    }
  }

  /** Participants in erasure order; the first failure stops the attempt (a retry resumes it). */
  private async erase(
    job: PrivacyJobEntity,
    work: (p: ReturnType<ErasureRegistry['forErasure']>[number]) => Promise<ErasureCounts>,
  ): Promise<PrivacyJobReport> {
    const counts: ErasureCounts = {};
    for (const participant of this.registry.forErasure()) {
      try {
        merge(counts, await work(participant));
      } catch (err) {
        throw new Error(
          `${participant.name}: ${err instanceof Error ? err.message : String(err)}`,
          {
            cause: err,
          },
        );
      }
    }
    return { counts, errors: [] };
  }

  private identifiersOf(job: PrivacyJobEntity): SubjectIdentifiers {
    const sealed = job.params.sealedIdentifiers;
    if (!sealed) throw new Error('the job has no identifiers (already finished?)');
    return JSON.parse(
      this.config.secretBox.open(sealed, sealContext(job.id)).plaintext,
    ) as SubjectIdentifiers;
  }

  /**
   * The audit log's call site for finished exports and erasures. An erased tenant's own log is
   * gone with it, so its erasure is recorded installation-wide (tenant null, read by operators).
   */
  private audit(job: PrivacyJobEntity, status: 'done' | 'failed', report: PrivacyJobReport): void {
    const erased = job.kind === 'erase_tenant' && status === 'done';
    this.auditLog
      .record(
        systemActor(erased ? null : job.tenantId, 'privacy-jobs'),
        `privacy.${job.kind}_${status}`,
        {
          target: { kind: erased ? 'tenant' : 'privacy_job', id: erased ? job.tenantId : job.id },
          details: { job: job.id, counts: report.counts, errors: report.errors.length },
        },
      )
      .catch((err: unknown) => {
        this.#logger.error(
          `could not record privacy job ${job.id} in the audit log: ${String(err)}`,
        );
      });
  }
}

/** Binds sealed identifiers to their job: they cannot be replayed into another row. */
export function sealContext(jobId: string): string {
  return `privacy_jobs.params:${jobId}`;
}

function merge(into: ErasureCounts, counts: ErasureCounts): void {
  for (const [key, n] of Object.entries(counts)) into[key] = (into[key] ?? 0) + n;
}
