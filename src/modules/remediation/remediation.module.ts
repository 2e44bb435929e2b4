import { Module } from '@nestjs/common';

import { AlertingModule } from '../alerting/alerting.module';
import { AuditModule } from '../audit/audit.module';
import { RunbookRepository } from './runbook.repository';
import { RunbooksResolver } from './runbooks.resolver';
import { RunbooksService } from './runbooks.service';

/**
 * Remediation: runbooks (definition language in runbook/, stored with versions), validation and
 * dry runs. Running them (BullMQ executor, approvals, Kubernetes actions, safety rails) is the
 * rest of issue 11.
 */
@Module({
  imports: [AuditModule, AlertingModule],
  providers: [RunbookRepository, RunbooksService, RunbooksResolver],
})
export class RemediationModule {}
