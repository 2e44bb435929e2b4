import {
  Field,
  Float,
  GraphQLISODateTime,
  ID,
  InputType,
  Int,
  ObjectType,
  registerEnumType,
} from '@nestjs/graphql';

import { JsonScalar } from '../../../common/graphql/json.scalar';
import type { AlertEventRow, AlertRow, IncidentRow, NotificationRow } from '../alert.repository';

export enum AlertStatusValue {
  PENDING = 'pending',
  FIRING = 'firing',
  ACKNOWLEDGED = 'acknowledged',
  RESOLVED = 'resolved',
}
registerEnumType(AlertStatusValue, { name: 'AlertStatus' });

export enum NotificationStatusValue {
  QUEUED = 'queued',
  SENT = 'sent',
  FAILED = 'failed',
  DEAD = 'dead',
}
registerEnumType(NotificationStatusValue, { name: 'NotificationStatus' });

@InputType('AlertFilter')
export class AlertFilterInput {
  @Field(() => AlertStatusValue, { nullable: true })
  status?: AlertStatusValue | null;

  @Field(() => ID, { nullable: true })
  ruleId?: string | null;

  @Field(() => ID, { nullable: true })
  incidentId?: string | null;
}

@ObjectType('AlertTimelineEntry')
export class AlertTimelineEntryObject {
  @Field(() => GraphQLISODateTime)
  at!: Date;

  @Field({ description: 'A status (firing, resolved...), notification, acknowledged, feedback...' })
  kind!: string;

  @Field(() => JsonScalar)
  details!: Record<string, unknown>;

  static from(e: AlertEventRow): AlertTimelineEntryObject {
    const o = new AlertTimelineEntryObject();
    o.at = new Date(e.at);
    o.kind = e.kind;
    o.details = e.details;
    return o;
  }
}

@ObjectType('Alert', { description: 'A rule firing for one subject (fingerprint: rule + labels)' })
export class AlertObject {
  @Field(() => ID)
  fingerprint!: string;

  @Field(() => ID)
  ruleId!: string;

  @Field(() => JsonScalar)
  labels!: Record<string, string>;

  @Field(() => JsonScalar)
  annotations!: Record<string, string>;

  @Field()
  severity!: string;

  @Field(() => AlertStatusValue)
  status!: AlertStatusValue;

  @Field(() => GraphQLISODateTime)
  startedAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  endedAt!: Date | null;

  @Field(() => GraphQLISODateTime)
  updatedAt!: Date;

  @Field(() => String, { nullable: true })
  groupKey!: string | null;

  @Field(() => ID, { nullable: true })
  incidentId!: string | null;

  @Field(() => [ID], { description: 'The anomalies behind it' })
  anomalyIds!: string[];

  @Field(() => [String], { description: 'The patterns of its anomalies (feedback weighs them)' })
  patternIds!: string[];

  @Field(() => String, { nullable: true })
  acknowledgedBy!: string | null;

  static from(r: AlertRow): AlertObject {
    const o = new AlertObject();
    o.fingerprint = r.fingerprint;
    o.ruleId = r.ruleId;
    o.labels = r.labels;
    o.annotations = r.annotations;
    o.severity = r.severity;
    o.status = r.status as AlertStatusValue;
    o.startedAt = new Date(r.startedAt);
    o.endedAt = r.endedAt === null ? null : new Date(r.endedAt);
    o.updatedAt = new Date(r.updatedAt);
    o.groupKey = r.groupKey;
    o.incidentId = r.incidentId;
    o.anomalyIds = r.anomalyIds;
    o.patternIds = r.patternIds;
    o.acknowledgedBy = r.acknowledgedBy;
    return o;
  }
}

@ObjectType('AlertRuleWeight', {
  description:
    'How feedback weighs a rule’s anomalies of one pattern: their score is multiplied by the rule’s ' +
    'weight and this one before the rule’s minimum score applies',
})
export class AlertRuleWeightObject {
  @Field(() => String, { nullable: true, description: 'Null: alerts that named no pattern' })
  patternId!: string | null;

  @Field(() => Float)
  weight!: number;

  @Field(() => Int)
  notUseful!: number;

  @Field(() => Int)
  useful!: number;
}

@ObjectType('Incident', {
  description: 'Alerts close in time that share a service, host, trace, pattern or dependency',
})
export class IncidentObject {
  @Field(() => ID)
  id!: string;

  @Field()
  title!: string;

  @Field()
  status!: string;

  @Field(() => GraphQLISODateTime)
  openedAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  closedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'The likely root cause, in a sentence' })
  rootCause!: string | null;

  @Field(() => String, { nullable: true })
  rootCauseService!: string | null;

  @Field(() => Int)
  alertCount!: number;

  @Field(() => String, { nullable: true })
  acknowledgedBy!: string | null;

  static from(r: IncidentRow): IncidentObject {
    const o = new IncidentObject();
    o.id = r.id;
    o.title = r.title;
    o.status = r.status;
    o.openedAt = new Date(r.openedAt);
    o.closedAt = r.closedAt === null ? null : new Date(r.closedAt);
    o.rootCause = r.rootCause?.reason ?? null;
    o.rootCauseService = r.rootCause?.service ?? null;
    o.alertCount = r.alertCount;
    o.acknowledgedBy = r.acknowledgedBy;
    return o;
  }
}

@ObjectType('AlertNotification', { description: 'One group notification to one channel' })
export class NotificationObject {
  @Field(() => ID)
  id!: string;

  @Field()
  groupKey!: string;

  @Field(() => ID)
  channelId!: string;

  @Field({ description: 'initial, update or repeat' })
  kind!: string;

  @Field(() => NotificationStatusValue)
  status!: NotificationStatusValue;

  @Field(() => Int)
  attempts!: number;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field()
  title!: string;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  sentAt!: Date | null;

  static from(r: NotificationRow): NotificationObject {
    const o = new NotificationObject();
    o.id = r.id;
    o.groupKey = r.groupKey;
    o.channelId = r.channelId;
    o.kind = r.kind;
    o.status = r.status as NotificationStatusValue;
    o.attempts = r.attempts;
    o.lastError = r.lastError;
    o.title = r.notice.title;
    o.createdAt = new Date(r.createdAt);
    o.sentAt = r.sentAt === null ? null : new Date(r.sentAt);
    return o;
  }
}

@ObjectType('AlertStats', { description: 'How much noise alerting took away' })
export class AlertStatsObject {
  @Field(() => Int)
  alerts!: number;

  @Field(() => Int)
  incidents!: number;

  @Field(() => Float, { description: 'Alerts per incident' })
  alertsPerIncident!: number;

  @Field(() => Int)
  notificationsSent!: number;

  @Field(() => Int, { description: 'Alerts that did not get a notification of their own' })
  suppressed!: number;

  @Field(() => Float, { description: 'suppressed / (alerts): 0 is one notification per alert' })
  noiseRatio!: number;
}
