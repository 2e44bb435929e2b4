import { Module } from '@nestjs/common';

import { AuditModule } from '../../audit/audit.module';
import { TenantConfigBusModule } from '../../../common/config-bus/tenant-config-bus.module';
import { RedactionPolicyRepository } from './redaction-policy.repository';
import { RedactionResolver } from './redaction.resolver';
import { RedactionService } from './redaction.service';

/** Per-tenant PII redaction: the pipeline uses `RedactionService.redactorFor`. */
@Module({
  imports: [AuditModule, TenantConfigBusModule],
  providers: [RedactionPolicyRepository, RedactionService, RedactionResolver],
  exports: [RedactionService],
})
export class RedactionModule {}
