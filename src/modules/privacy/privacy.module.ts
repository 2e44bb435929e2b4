import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { AuditModule } from '../audit/audit.module';
import { LogsModule } from '../logs/logs.module';
import { PatternsModule } from '../patterns/patterns.module';
import { TenancyModule } from '../tenancy/tenancy.module';
import { ExportDownloadController } from './export-download.controller';
import { ExportFiles } from './export-files';
import { PrivacyJobEntity } from './privacy-job.entity';
import { PrivacyJobProcessor } from './privacy-job.processor';
import { PrivacyJobRepository } from './privacy-job.repository';
import { PrivacyJobRunner } from './privacy-job.runner';
import { PrivacyJobsParticipant } from './privacy-jobs.participant';
import { PrivacyResolver } from './privacy.resolver';
import { PrivacyService } from './privacy.service';
import { RedisKeysParticipant } from './redis-keys.participant';
import { RetentionService } from './retention.service';
import { TenantTablesParticipant } from './tenant-tables.participant';

/**
 * GDPR: tenant export, tenant erasure and data-subject erasure as jobs with reports, and
 * per-tenant retention. Modules holding tenant or log-derived data take part by registering an
 * `ErasureParticipant` (src/common/privacy); this module runs them.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([PrivacyJobEntity]),
    TenancyModule,
    LogsModule,
    AuditModule,
    PatternsModule,
  ],
  controllers: [ExportDownloadController],
  providers: [
    PrivacyJobRepository,
    ExportFiles,
    PrivacyJobRunner,
    PrivacyJobProcessor,
    PrivacyService,
    RetentionService,
    PrivacyResolver,
    TenantTablesParticipant,
    PrivacyJobsParticipant,
    RedisKeysParticipant,
  ],
})
export class PrivacyModule {}
