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

import { JsonScalar } from '../../../../common/graphql/json.scalar';
import type { AlertRuleRow, AlertRuleSeverity } from '../../alerting.types';
import type { ConditionFields } from '../alert-config.validation';
import { conditionFields, routeFields } from '../alert-rules.service';

export const AlertRuleSeverityEnum = {
  CRITICAL: 'critical',
  HIGH: 'high',
  WARNING: 'warning',
  INFO: 'info',
} as const;
registerEnumType(AlertRuleSeverityEnum, { name: 'AlertRuleSeverity' });

export const AlertConditionKind = {
  ANOMALY: 'anomaly',
  LOG_QUERY: 'log_query',
  PATTERN: 'pattern',
  FORECAST: 'forecast',
} as const;
registerEnumType(AlertConditionKind, { name: 'AlertConditionKind' });

export const AlertComparison = { GT: '>', GTE: '>=', LT: '<', LTE: '<=' } as const;
registerEnumType(AlertComparison, { name: 'AlertComparison' });

@ObjectType('AlertCondition', {
  description: 'What a rule watches; only its kind’s fields are set',
})
export class AlertConditionObject {
  @Field(() => AlertConditionKind)
  kind!: string;

  @Field(() => [String], { nullable: true, description: 'anomaly: detector kinds' })
  detectorKinds?: string[] | null;

  @Field(() => Float, { nullable: true, description: 'anomaly: minimum score (0-1)' })
  minScore?: number | null;

  @Field(() => [String], { nullable: true, description: 'anomaly, log_query, pattern' })
  services?: string[] | null;

  @Field(() => String, { nullable: true, description: 'log_query: search-language filter' })
  query?: string | null;

  @Field(() => Int, { nullable: true, description: 'log_query: trailing window, seconds' })
  windowSeconds?: number | null;

  @Field(() => AlertComparison, { nullable: true, description: 'log_query, forecast' })
  op?: string | null;

  @Field(() => Float, { nullable: true, description: 'log_query, forecast' })
  threshold?: number | null;

  @Field(() => String, { nullable: true, description: 'pattern' })
  patternId?: string | null;

  @Field(() => String, { nullable: true, description: 'pattern' })
  templateContains?: string | null;

  @Field(() => String, { nullable: true, description: 'forecast' })
  service?: string | null;

  @Field(() => String, { nullable: true, description: 'forecast: volume or error_rate (0..1)' })
  metric?: string | null;

  @Field(() => Int, { nullable: true, description: 'forecast: horizon, seconds' })
  withinSeconds?: number | null;
}

@InputType('AlertConditionInput', {
  description:
    'kind, plus: ANOMALY detectorKinds? minScore? services?; LOG_QUERY query windowSeconds op threshold services?; PATTERN patternId? templateContains? services?; FORECAST service metric op (GT/LT) threshold withinSeconds',
})
export class AlertConditionInput implements ConditionFields {
  @Field(() => AlertConditionKind)
  kind!: string;

  @Field(() => [String], { nullable: true })
  detectorKinds?: string[] | null;

  @Field(() => Float, { nullable: true })
  minScore?: number | null;

  @Field(() => [String], { nullable: true })
  services?: string[] | null;

  @Field(() => String, { nullable: true })
  query?: string | null;

  @Field(() => Int, { nullable: true, description: '60 to 86400' })
  windowSeconds?: number | null;

  @Field(() => AlertComparison, { nullable: true })
  op?: string | null;

  @Field(() => Float, { nullable: true })
  threshold?: number | null;

  @Field(() => String, { nullable: true })
  patternId?: string | null;

  @Field(() => String, { nullable: true })
  templateContains?: string | null;

  @Field(() => String, { nullable: true })
  service?: string | null;

  @Field(() => String, { nullable: true })
  metric?: string | null;

  @Field(() => Int, { nullable: true })
  withinSeconds?: number | null;
}

@ObjectType('AlertRoute')
export class AlertRouteObject {
  @Field(() => [ID])
  channelIds!: string[];

  @Field(() => ID, { nullable: true })
  policyId!: string | null;

  @Field(() => [String], { description: "['...']: every label; []: one group per rule" })
  groupBy!: string[];

  @Field(() => Int)
  groupWaitSeconds!: number;

  @Field(() => Int)
  groupIntervalSeconds!: number;

  @Field(() => Int)
  repeatIntervalSeconds!: number;
}

@InputType('AlertRouteInput')
export class AlertRouteInput {
  @Field(() => [ID], { description: 'Channels of the tenant' })
  channelIds!: string[];

  @Field(() => ID, { nullable: true })
  policyId?: string | null;

  @Field(() => [String], { nullable: true, description: 'Default []' })
  groupBy?: string[] | null;

  @Field(() => Int, { nullable: true, description: 'Default 30' })
  groupWaitSeconds?: number | null;

  @Field(() => Int, { nullable: true, description: 'Default 300' })
  groupIntervalSeconds?: number | null;

  @Field(() => Int, { nullable: true, description: 'Default 14400' })
  repeatIntervalSeconds?: number | null;
}

@ObjectType('AlertRule')
export class AlertRuleObject {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field()
  enabled!: boolean;

  @Field(() => AlertRuleSeverityEnum)
  severity!: AlertRuleSeverity;

  @Field(() => JsonScalar, { description: 'Labels added to its alerts (string values)' })
  labels!: Record<string, string>;

  @Field(() => JsonScalar, { description: 'Annotations added to its alerts (string values)' })
  annotations!: Record<string, string>;

  @Field(() => Int, { description: 'How long the condition holds before the alert fires' })
  forSeconds!: number;

  @Field(() => AlertConditionObject)
  condition!: AlertConditionObject;

  @Field(() => AlertRouteObject)
  route!: AlertRouteObject;

  @Field(() => Float, { description: '1 by default; lowered by "not useful" feedback' })
  weight!: number;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime)
  updatedAt!: Date;

  static from(row: AlertRuleRow): AlertRuleObject {
    return Object.assign(new AlertRuleObject(), {
      id: row.id,
      name: row.name,
      enabled: row.enabled,
      severity: row.severity,
      labels: row.labels,
      annotations: row.annotations,
      forSeconds: Math.round(row.forMs / 1000),
      condition: conditionFields(row),
      route: { ...routeFields(row.route), policyId: row.route.policyId ?? null },
      weight: row.weight,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    });
  }
}

@InputType('CreateAlertRuleInput')
export class CreateAlertRuleInput {
  @Field({ description: '1-200 characters, unique in the tenant' })
  name!: string;

  @Field(() => Boolean, { nullable: true, description: 'Default true' })
  enabled?: boolean | null;

  @Field(() => AlertRuleSeverityEnum)
  severity!: string;

  @Field(() => JsonScalar, { nullable: true })
  labels?: unknown;

  @Field(() => JsonScalar, { nullable: true })
  annotations?: unknown;

  @Field(() => Int, { nullable: true, description: '0 to 86400, default 0' })
  forSeconds?: number | null;

  @Field(() => AlertConditionInput)
  condition!: AlertConditionInput;

  @Field(() => AlertRouteInput)
  route!: AlertRouteInput;
}

@InputType('UpdateAlertRuleInput', {
  description: 'Fields left out stay as they are; condition and route are replaced whole',
})
export class UpdateAlertRuleInput {
  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => Boolean, { nullable: true })
  enabled?: boolean | null;

  @Field(() => AlertRuleSeverityEnum, { nullable: true })
  severity?: string;

  @Field(() => JsonScalar, { nullable: true })
  labels?: unknown;

  @Field(() => JsonScalar, { nullable: true })
  annotations?: unknown;

  @Field(() => Int, { nullable: true })
  forSeconds?: number | null;

  @Field(() => AlertConditionInput, { nullable: true })
  condition?: AlertConditionInput;

  @Field(() => AlertRouteInput, { nullable: true })
  route?: AlertRouteInput;
}
