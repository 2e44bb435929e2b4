import {
  Field,
  GraphQLISODateTime,
  ID,
  InputType,
  Int,
  ObjectType,
  registerEnumType,
} from '@nestjs/graphql';

import { JsonScalar } from '../../../../common/graphql/json.scalar';
import type { AlertChannelRow } from '../../alerting.types';
import type { ChannelKind, DeliveryReceipt } from '../../channels/alert-channel';

export const AlertChannelKind = {
  SLACK: 'slack',
  PAGERDUTY: 'pagerduty',
  EMAIL: 'email',
  WEBHOOK: 'webhook',
  TEAMS: 'teams',
  OPSGENIE: 'opsgenie',
} as const;
registerEnumType(AlertChannelKind, { name: 'AlertChannelKind' });

@ObjectType('AlertChannel', { description: 'Where notifications go; its secrets are never shown' })
export class AlertChannelObject {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => AlertChannelKind)
  kind!: ChannelKind;

  @Field(() => JsonScalar, { description: 'The non-secret settings (Slack channel, SMTP host...)' })
  settings!: Record<string, unknown>;

  @Field(() => [String], { description: 'Names of the secret fields that are set (never values)' })
  secretFields!: string[];

  @Field({ description: 'May point at loopback / private network addresses' })
  allowPrivateNetwork!: boolean;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime)
  updatedAt!: Date;

  static from(row: AlertChannelRow): AlertChannelObject {
    return Object.assign(new AlertChannelObject(), row);
  }
}

@ObjectType('CreateAlertChannelPayload')
export class CreateAlertChannelPayload {
  @Field(() => AlertChannelObject)
  channel!: AlertChannelObject;

  @Field(() => String, {
    nullable: true,
    description:
      'The webhook signing secret Vigil generated (when none was given): shown this once only',
  })
  signingSecret!: string | null;
}

@ObjectType('DeliveryTest', { description: 'How a test notification went' })
export class DeliveryTestObject {
  @Field()
  ok!: boolean;

  @Field(() => Int, { nullable: true, description: 'HTTP status or SMTP reply code' })
  status!: number | null;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => String, { nullable: true, description: 'Set when Vigil itself refused the target' })
  code!: string | null;

  static from(r: DeliveryReceipt): DeliveryTestObject {
    return Object.assign(new DeliveryTestObject(), {
      ok: r.ok,
      status: r.status ?? null,
      error: r.error ?? null,
      code: r.code ?? null,
    });
  }
}

@InputType('SlackChannelInput', {
  description: 'Either webhookUrl, or token + channel (+ apiUrl) for the Web API',
})
export class SlackChannelInput {
  @Field(() => String, { nullable: true, description: 'Secret' })
  webhookUrl?: string | null;

  @Field(() => String, { nullable: true, description: 'Secret (xoxb-...)' })
  token?: string | null;

  @Field(() => String, { nullable: true })
  channel?: string | null;

  @Field(() => String, { nullable: true })
  apiUrl?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Secret: the Slack app signing secret; set it, and point the app’s interactivity URL at /api/v1/integrations/slack/interactivity/<channel id>, for the Acknowledge and Not useful buttons',
  })
  signingSecret?: string | null;
}

@InputType('PagerDutyChannelInput')
export class PagerDutyChannelInput {
  @Field(() => String, { nullable: true, description: 'Secret (Events API v2 routing key)' })
  routingKey?: string | null;

  @Field(() => String, { nullable: true })
  apiUrl?: string | null;
}

@InputType('EmailChannelInput')
export class EmailChannelInput {
  @Field(() => String, { nullable: true })
  host?: string | null;

  @Field(() => Int, { nullable: true })
  port?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Implicit TLS (port 465)' })
  secure?: boolean | null;

  @Field(() => String, { nullable: true })
  user?: string | null;

  @Field(() => String, { nullable: true, description: 'Secret' })
  password?: string | null;

  @Field(() => String, { nullable: true })
  from?: string | null;

  @Field(() => [String], { nullable: true })
  to?: string[] | null;
}

@InputType('WebhookChannelInput')
export class WebhookChannelInput {
  @Field(() => String, { nullable: true, description: 'Secret (it may carry a token)' })
  url?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'HMAC signing secret (16+ characters); generated and returned once when absent',
  })
  secret?: string | null;
}

@InputType('TeamsChannelInput', {
  description: 'A Microsoft Teams incoming webhook or Workflows webhook URL',
})
export class TeamsChannelInput {
  @Field(() => String, { nullable: true, description: 'Secret (the URL is the credential)' })
  webhookUrl?: string | null;
}

@InputType('OpsgenieChannelInput', { description: 'An Opsgenie API integration' })
export class OpsgenieChannelInput {
  @Field(() => String, { nullable: true, description: 'Secret (sent as GenieKey)' })
  apiKey?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Default https://api.opsgenie.com; https://api.eu.opsgenie.com for EU accounts',
  })
  apiUrl?: string | null;
}

@InputType('CreateAlertChannelInput', { description: 'A name and exactly one kind' })
export class CreateAlertChannelInput {
  @Field({ description: '1-100 characters, unique in the tenant' })
  name!: string;

  @Field(() => Boolean, { nullable: true, description: 'Default false' })
  allowPrivateNetwork?: boolean | null;

  @Field(() => SlackChannelInput, { nullable: true })
  slack?: SlackChannelInput | null;

  @Field(() => PagerDutyChannelInput, { nullable: true })
  pagerduty?: PagerDutyChannelInput | null;

  @Field(() => EmailChannelInput, { nullable: true })
  email?: EmailChannelInput | null;

  @Field(() => WebhookChannelInput, { nullable: true })
  webhook?: WebhookChannelInput | null;

  @Field(() => TeamsChannelInput, { nullable: true })
  teams?: TeamsChannelInput | null;

  @Field(() => OpsgenieChannelInput, { nullable: true })
  opsgenie?: OpsgenieChannelInput | null;
}

@InputType('UpdateAlertChannelInput', {
  description: 'Fields left out stay as they are (secrets included); the kind cannot change',
})
export class UpdateAlertChannelInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => Boolean, { nullable: true })
  allowPrivateNetwork?: boolean | null;

  @Field(() => SlackChannelInput, { nullable: true })
  slack?: SlackChannelInput | null;

  @Field(() => PagerDutyChannelInput, { nullable: true })
  pagerduty?: PagerDutyChannelInput | null;

  @Field(() => EmailChannelInput, { nullable: true })
  email?: EmailChannelInput | null;

  @Field(() => WebhookChannelInput, { nullable: true })
  webhook?: WebhookChannelInput | null;

  @Field(() => TeamsChannelInput, { nullable: true })
  teams?: TeamsChannelInput | null;

  @Field(() => OpsgenieChannelInput, { nullable: true })
  opsgenie?: OpsgenieChannelInput | null;
}
