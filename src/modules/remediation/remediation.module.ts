import { Module } from '@nestjs/common';

import { ErasureRegistryModule } from '../../common/privacy/erasure-registry';
import { AlertingModule } from '../alerting/alerting.module';
import { AlertConfigModule } from '../alerting/config/alert-config.module';
import { AuditModule } from '../audit/audit.module';
import { DetectionModule } from '../detection/detection.module';
import { LogsModule } from '../logs/logs.module';
import { SecretsModule } from '../secrets/secrets.module';
import { TenancyModule } from '../tenancy/tenancy.module';
import { RunbookRepository } from './runbook.repository';
import { RunbooksResolver } from './runbooks.resolver';
import { RunbooksService } from './runbooks.service';
import { RemediationErasureParticipant } from './runs/remediation-erasure.participant';
import { RemediationSettingsService } from './runs/remediation-settings.service';
import { RunEvents } from './runs/run-events.service';
import { RunExecutorService } from './runs/run-executor.service';
import { RunNotifier } from './runs/run-notifier.service';
import { RunTriggersService } from './runs/run-triggers.service';
import { RunbookApprovalsAdapter } from './runs/runbook-approvals.adapter';
import { RunRepository } from './runs/run.repository';
import { RunsResolver } from './runs/runs.resolver';
import { RunsService } from './runs/runs.service';
import { StepActions } from './runs/step-actions';

/**
 * Remediation: runbooks (definition language in runbook/, stored with versions), validation and
 * dry runs; runs executed step by step on the `remediation` queue (runs/), started by hand or by
 * alerts, incidents, anomalies and schedules, with approvals, rate limits, blast radius, loop
 * detection and kill switches.
 */
@Module({
  imports: [
    ErasureRegistryModule,
    AuditModule,
    AlertingModule,
    AlertConfigModule,
    DetectionModule,
    LogsModule,
    SecretsModule,
    TenancyModule,
  ],
  providers: [
    RunbookRepository,
    RunbooksService,
    RunbooksResolver,
    RunRepository,
    RemediationSettingsService,
    RunEvents,
    RunNotifier,
    StepActions,
    RunExecutorService,
    RunTriggersService,
    RunsService,
    RunsResolver,
    RemediationErasureParticipant,
    // Approve/Refuse links and Slack buttons of approval requests (registered with alerting).
    RunbookApprovalsAdapter,
  ],
  exports: [RunExecutorService],
})
export class RemediationModule {}
