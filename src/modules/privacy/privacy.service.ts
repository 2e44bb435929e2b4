import { createReadStream, type ReadStream } from 'node:fs';

import { Injectable, Logger } from '@nestjs/common';

import { isUuid } from '../../common/ids/uuid';
import { AppConfig } from '../../config/app-config';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../tenancy/principal';
import { ExportFiles } from './export-files';
import type { PrivacyJobEntity } from './privacy-job.entity';
import { PrivacyJobProcessor } from './privacy-job.processor';
import { PrivacyJobRepository } from './privacy-job.repository';
import { sealContext } from './privacy-job.runner';
import { PrivacyError } from './privacy.errors';
import type { PrivacyJobKind } from './privacy.jobs';
import {
  identifierCounts,
  normalizeSubjectIdentifiers,
  type SubjectIdentifiersInputShape,
} from './subject-identifiers';

const MAX_PAGE = 100;

export interface ExportDownload {
  stream: ReadStream;
  size: number;
  filename: string;
}

/**
 * Tenant export, tenant erasure and data-subject erasure, requested here and run as jobs on the
 * privacy queue (`PrivacyJobRunner`). Every method is scoped to the caller's tenant.
 */
@Injectable()
export class PrivacyService {
  readonly #logger = new Logger(PrivacyService.name);

  constructor(
    private readonly jobs: PrivacyJobRepository,
    private readonly processor: PrivacyJobProcessor,
    private readonly files: ExportFiles,
    private readonly config: AppConfig,
    private readonly auditLog: AuditService,
  ) {}

  requestExport(principal: Principal): Promise<PrivacyJobEntity> {
    return this.request(principal, 'export');
  }

  /** `confirm` must repeat the tenant's slug: erasing a tenant cannot be undone. */
  async requestTenantErasure(principal: Principal, confirm: string): Promise<PrivacyJobEntity> {
    if (confirm !== principal.tenantSlug) {
      throw new PrivacyError(
        'CONFIRMATION_MISMATCH',
        'to erase this tenant and all its data, pass its slug as `confirm`',
      );
    }
    return this.request(principal, 'erase_tenant');
  }

  async requestSubjectErasure(
    principal: Principal,
    input: SubjectIdentifiersInputShape,
  ): Promise<PrivacyJobEntity> {
    const identifiers = normalizeSubjectIdentifiers(input);
    const job = await this.jobs.insert(principal.tenantId, 'erase_subject', requester(principal), {
      identifierCounts: identifierCounts(identifiers),
    });
    // Sealed under the job's id, which exists only once the row does.
    job.params.sealedIdentifiers = this.config.secretBox.seal(
      JSON.stringify(identifiers),
      sealContext(job.id),
    );
    await this.jobs.setParams(principal.tenantId, job.id, job.params);
    return this.enqueue(principal, job);
  }

  list(principal: Principal, first: number): Promise<PrivacyJobEntity[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) {
      throw new PrivacyError('INVALID_ARGUMENT', `first must be between 1 and ${MAX_PAGE}`);
    }
    return this.jobs.list(principal.tenantId, first);
  }

  /** The job, if it exists in the caller's tenant (another tenant's id finds nothing). */
  async get(principal: Principal, id: string): Promise<PrivacyJobEntity | null> {
    return isUuid(id) ? this.jobs.find(principal.tenantId, id) : null;
  }

  /** A finished export of the caller's tenant, ready to stream. */
  async openExport(principal: Principal, jobId: string): Promise<ExportDownload> {
    const job = await this.get(principal, jobId);
    if (!job || job.kind !== 'export') {
      throw new PrivacyError('JOB_NOT_FOUND', `no export ${jobId} in this tenant`);
    }
    const size = job.status === 'done' ? await this.files.size(job.tenantId, job.id) : null;
    if (size === null) {
      throw new PrivacyError(
        'EXPORT_NOT_READY',
        job.status === 'done' ? `export ${jobId} has expired` : `export ${jobId} is ${job.status}`,
      );
    }
    this.audit('tenant.export_downloaded', principal, job);
    return {
      stream: createReadStream(this.files.path(job.tenantId, job.id)),
      size,
      filename: `vigil-export-${principal.tenantSlug}-${job.id}.ndjson.gz`,
    };
  }

  private async request(principal: Principal, kind: PrivacyJobKind): Promise<PrivacyJobEntity> {
    const job = await this.jobs.insert(principal.tenantId, kind, requester(principal));
    return this.enqueue(principal, job);
  }

  private async enqueue(principal: Principal, job: PrivacyJobEntity): Promise<PrivacyJobEntity> {
    try {
      await this.processor.enqueue(job.kind, job.tenantId, job.id);
    } catch (err) {
      await this.jobs.finish(
        job.tenantId,
        job.id,
        'failed',
        { counts: {}, errors: ['could not be queued'] },
        { identifierCounts: job.params.identifierCounts },
      );
      throw new PrivacyError('QUEUE_UNAVAILABLE', 'the job queue is unavailable; try again later', {
        cause: err,
      });
    }
    this.audit(`privacy.${job.kind}_requested`, principal, job);
    return job;
  }

  /** The audit log's call site for requests and downloads. */
  private audit(action: string, principal: Principal, job: PrivacyJobEntity): void {
    this.auditLog
      .record(principal, action, {
        target: { kind: 'privacy_job', id: job.id },
        details: { kind: job.kind },
      })
      .catch((err: unknown) => {
        this.#logger.error(`could not record ${action} in the audit log: ${String(err)}`);
      });
  }
}

/** Who asked, without personal data (no e-mail address): the credential's kind and id. */
function requester(principal: Principal): string {
  return `${principal.kind}:${principal.subjectId}`;
}
