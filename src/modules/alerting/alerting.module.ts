import { Module } from '@nestjs/common';

import { AlertActionsService } from './alert-actions.service';
import { AlertDeliveryService } from './alert-delivery.service';
import { AlertEngineService } from './alert-engine.service';
import { AlertEscalationService } from './alert-escalation.service';
import { AlertEvents } from './alert-events.service';
import { AlertQueryService } from './alert-query.service';
import { AlertRepository } from './alert.repository';
import { AlertingResolver } from './alerting.resolver';
import { AlertActionsPort } from './alerting.types';
import { AlertConfigModule } from './config/alert-config.module';

/**
 * Alerting: configuration (config/), the engine consuming the anomalies queue, delivery jobs per
 * notification, and the GraphQL over alerts, incidents and notifications.
 */
@Module({
  imports: [AlertConfigModule],
  providers: [
    AlertRepository,
    AlertEvents,
    AlertEngineService,
    AlertEscalationService,
    AlertDeliveryService,
    AlertActionsService,
    { provide: AlertActionsPort, useExisting: AlertActionsService },
    AlertQueryService,
    AlertingResolver,
  ],
  exports: [AlertActionsPort, AlertEngineService],
})
export class AlertingModule {}
