import { Module } from '@nestjs/common';

import { ErasureRegistryModule } from '../../common/privacy/erasure-registry';
import { AuditModule } from '../audit/audit.module';
import { TenantConfigBusModule } from '../../common/config-bus/tenant-config-bus.module';
import { AnomalyCatalogService } from './anomaly-catalog.service';
import { AnomalyDetectionService } from './anomaly-detection.service';
import { AnomalyEvents } from './anomaly-events.service';
import { AnomalyRepository } from './anomaly.repository';
import { DetectionErasureParticipant } from './detection-erasure.participant';
import { DetectionSettingsService } from './detection-settings.service';
import { DetectionResolver } from './detection.resolver';

/**
 * Anomaly detection on the live pipeline: ingest hands each stored record to
 * `AnomalyDetectionService`; anomalies live in Postgres, reach subscribers through Redis and
 * alerting through the `anomalies` queue.
 */
@Module({
  imports: [ErasureRegistryModule, TenantConfigBusModule, AuditModule],
  providers: [
    AnomalyRepository,
    AnomalyEvents,
    AnomalyDetectionService,
    AnomalyCatalogService,
    DetectionSettingsService,
    DetectionResolver,
    DetectionErasureParticipant,
  ],
  exports: [AnomalyDetectionService, AnomalyCatalogService],
})
export class DetectionModule {}
