import { Module } from '@nestjs/common';

import { AuditModule } from '../../audit/audit.module';
import { CustomFormatCatalog } from './custom-format-catalog.service';
import { CustomFormatsResolver } from './custom-formats.resolver';
import { CustomFormatsService } from './custom-formats.service';
import { LogFormatRepository } from './log-format.repository';
import { TenantConfigBusModule } from '../../../common/config-bus/tenant-config-bus.module';

/**
 * Tenants' grok / regex formats. The ingest pipeline uses `CustomFormatCatalog` (formatsFor,
 * pinnedFor); GraphQL manages them.
 */
@Module({
  imports: [AuditModule, TenantConfigBusModule],
  providers: [
    LogFormatRepository,
    CustomFormatCatalog,
    CustomFormatsService,
    CustomFormatsResolver,
  ],
  exports: [CustomFormatCatalog, CustomFormatsService],
})
export class CustomFormatsModule {}
