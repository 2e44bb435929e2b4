import { Module } from '@nestjs/common';

import { ActionLinkSigner } from './actions/action-links';
import { actionLinkSignerProvider, AlertActionRoutes } from './actions/alert-actions.module';
import { NoticeTargets, SlackSigningSecrets } from './actions/slack-interactivity';
import { SlackChannelWebApi, SlackWebApi } from './actions/slack-web-api';
import { NotificationTargets, SlackChannelSecrets } from './alert-action-ports.service';
import { AlertActionsService } from './alert-actions.service';
import { AlertDeliveryService } from './alert-delivery.service';
import { AlertEngineService } from './alert-engine.service';
import { AlertEscalationService } from './alert-escalation.service';
import { AlertEvents } from './alert-events.service';
import { AlertQueryService } from './alert-query.service';
import { AlertRepository } from './alert.repository';
import { AlertingErasureParticipant } from './alerting-erasure.participant';
import { AlertingResolver } from './alerting.resolver';
import { AlertActionsPort } from './alerting.types';
import { ErasureRegistryModule } from '../../common/privacy/erasure-registry';
import { ForecastingModule } from '../forecasting/forecasting.module';
import { LogsModule } from '../logs/logs.module';
import { AlertConfigModule } from './config/alert-config.module';

/**
 * Alerting: configuration (config/), the engine consuming the anomalies queue, delivery jobs per
 * notification, escalation, the GraphQL over alerts, incidents and notifications, and the action
 * routes (e-mail links, Slack buttons; mounted by the app factory).
 */
@Module({
  imports: [AlertConfigModule, LogsModule, ErasureRegistryModule, ForecastingModule],
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
    actionLinkSignerProvider,
    { provide: NoticeTargets, useClass: NotificationTargets },
    { provide: SlackSigningSecrets, useClass: SlackChannelSecrets },
    { provide: SlackWebApi, useClass: SlackChannelWebApi },
    AlertActionRoutes,
    AlertingErasureParticipant,
  ],
  exports: [
    AlertActionsPort,
    AlertEngineService,
    AlertActionRoutes,
    AlertQueryService,
    // Remediation signs the approve/refuse links of its approval requests with it.
    ActionLinkSigner,
  ],
})
export class AlertingModule {}
