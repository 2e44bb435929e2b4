import { Module } from '@nestjs/common';

import { AuditModule } from '../../audit/audit.module';
import { TenancyModule } from '../../tenancy/tenancy.module';
import { AlertConfigPort } from '../alerting.types';
import { ChannelRegistry } from '../channels/channel-registry';
import { EmailChannel } from '../channels/email.channel';
import { OpsgenieChannel } from '../channels/opsgenie.channel';
import { PagerDutyChannel } from '../channels/pagerduty.channel';
import { SlackChannel } from '../channels/slack.channel';
import { TeamsChannel } from '../channels/teams.channel';
import { WebhookChannel } from '../channels/webhook.channel';
import { AlertChannelsResolver } from './alert-channels.resolver';
import { AlertChannelsService } from './alert-channels.service';
import { AlertConfigRepository } from './alert-config.repository';
import { AlertConfigService } from './alert-config.service';
import { AlertRulesResolver } from './alert-rules.resolver';
import { AlertRulesService } from './alert-rules.service';
import { AlertSilencesResolver } from './alert-silences.resolver';
import { AlertSilencesService } from './alert-silences.service';

/**
 * Alerting configuration: channels, rules, escalation policies, silences, inhibition rules
 * (GraphQL), and `AlertConfigPort`, what the engine reads of it.
 */
@Module({
  imports: [AuditModule, TenancyModule],
  providers: [
    AlertConfigRepository,
    {
      provide: ChannelRegistry,
      useFactory: () =>
        new ChannelRegistry([
          new SlackChannel(),
          new PagerDutyChannel(),
          new EmailChannel(),
          new WebhookChannel(),
          new TeamsChannel(),
          new OpsgenieChannel(),
        ]),
    },
    AlertChannelsService,
    AlertRulesService,
    AlertSilencesService,
    AlertConfigService,
    { provide: AlertConfigPort, useExisting: AlertConfigService },
    AlertChannelsResolver,
    AlertRulesResolver,
    AlertSilencesResolver,
  ],
  exports: [
    AlertChannelsService,
    AlertRulesService,
    AlertSilencesService,
    AlertConfigService,
    AlertConfigPort,
    ChannelRegistry,
  ],
})
export class AlertConfigModule {}
