import { Injectable, type OnModuleInit } from '@nestjs/common';

import type { ErasureCounts, ErasureParticipant } from '../../common/privacy/erasure-participant';
import { ErasureRegistry } from '../../common/privacy/erasure-registry';
import { ExportFiles } from './export-files';
import { PrivacyJobRepository } from './privacy-job.repository';

/**
 * The privacy module's own data: earlier jobs and their export archives. Records of tenant
 * erasures are kept (they hold ids and counts only) as evidence that the erasure happened.
 */
@Injectable()
export class PrivacyJobsParticipant implements ErasureParticipant, OnModuleInit {
  readonly name = 'privacy-jobs';
  readonly order = 10;
  readonly tables = ['privacy_jobs'];

  constructor(
    private readonly registry: ErasureRegistry,
    private readonly jobs: PrivacyJobRepository,
    private readonly files: ExportFiles,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  /** Job history is operational metadata about the export itself; archives are not re-exported. */
  exportTenant(): Promise<ErasureCounts> {
    return Promise.resolve({});
  }

  async eraseTenant(tenantId: string): Promise<ErasureCounts> {
    const deleted = await this.jobs.deleteAllExcept(tenantId, ['erase_tenant']);
    await this.files.removeTenant(tenantId);
    return { privacy_jobs: deleted.length };
  }

  /** Jobs hold identifiers only sealed, and only until they end. */
  eraseSubject(): Promise<ErasureCounts> {
    return Promise.resolve({});
  }
}
