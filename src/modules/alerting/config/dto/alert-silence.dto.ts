import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from '@nestjs/graphql';

import type { InhibitRuleRow, SilenceRow } from '../alert-config.repository';

@ObjectType('WeeklyWindow', { description: 'Every week on these days, start to end (HH:MM, UTC)' })
export class WeeklyWindowObject {
  @Field(() => [Int], { description: '0 = Sunday ... 6 = Saturday' })
  days!: number[];

  @Field()
  start!: string;

  @Field({ description: 'At or before start: runs past midnight' })
  end!: string;
}

@InputType('WeeklyWindowInput')
export class WeeklyWindowInput {
  @Field(() => [Int])
  days!: number[];

  @Field()
  start!: string;

  @Field()
  end!: string;
}

@ObjectType('AlertSilence')
export class AlertSilenceObject {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Alertmanager matchers, e.g. service="api", env!="dev"' })
  matchers!: string;

  @Field(() => GraphQLISODateTime)
  startsAt!: Date;

  @Field(() => GraphQLISODateTime)
  endsAt!: Date;

  @Field()
  comment!: string;

  @Field()
  createdBy!: string;

  @Field(() => String, { nullable: true, description: 'Mutes only this alert, until it resolves' })
  muteUntilResolvedFingerprint!: string | null;

  @Field(() => WeeklyWindowObject, { nullable: true, description: 'Set: a maintenance window' })
  weekly!: WeeklyWindowObject | null;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  static from(row: SilenceRow): AlertSilenceObject {
    return Object.assign(new AlertSilenceObject(), row, {
      muteUntilResolvedFingerprint: row.muteUntilResolved,
    });
  }
}

@InputType('CreateAlertSilenceInput', {
  description:
    'endsAt is required for a plain silence; a maintenance window (weekly) or a mute-until-resolved silence without one lasts until expired',
})
export class CreateAlertSilenceInput {
  @Field({ description: 'Alertmanager matchers, e.g. service="api", severity=~"high|critical"' })
  matchers!: string;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Default now' })
  startsAt?: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  endsAt?: Date | null;

  @Field()
  comment!: string;

  @Field(() => String, { nullable: true })
  muteUntilResolvedFingerprint?: string | null;

  @Field(() => WeeklyWindowInput, { nullable: true })
  weekly?: WeeklyWindowInput | null;
}

@ObjectType('AlertInhibitRule', {
  description:
    'While an alert matching sourceMatchers fires, alerts matching targetMatchers that agree with it on the equal labels are muted',
})
export class AlertInhibitRuleObject {
  @Field(() => ID)
  id!: string;

  @Field()
  sourceMatchers!: string;

  @Field()
  targetMatchers!: string;

  @Field(() => [String])
  equal!: string[];

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  static from(row: InhibitRuleRow): AlertInhibitRuleObject {
    return Object.assign(new AlertInhibitRuleObject(), row);
  }
}

@InputType('CreateAlertInhibitRuleInput')
export class CreateAlertInhibitRuleInput {
  @Field()
  sourceMatchers!: string;

  @Field()
  targetMatchers!: string;

  @Field(() => [String], { nullable: true })
  equal?: string[] | null;
}
