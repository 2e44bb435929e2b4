import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from '@nestjs/graphql';

import type { EscalationPolicyRow } from '../../alerting.types';
import { onCallAt } from '../../engine/on-call';

@ObjectType('OnCallRotation', { description: 'Members taking turns, one shift each, in order' })
export class OnCallRotationObject {
  @Field(() => [ID])
  userIds!: string[];

  @Field(() => Int)
  shiftHours!: number;

  @Field(() => GraphQLISODateTime, { description: 'When the first member’s first shift began' })
  startsAt!: Date;

  @Field(() => ID, { nullable: true, description: 'Who is on call now' })
  onCallNow!: string | null;
}

@ObjectType('EscalationLevel')
export class EscalationLevelObject {
  @Field(() => [ID])
  channelIds!: string[];

  @Field(() => Int, { description: 'Seconds before the next level unless acknowledged' })
  timeoutSeconds!: number;

  @Field(() => [ID], { description: 'Members paged at this level' })
  userIds!: string[];

  @Field(() => OnCallRotationObject, { nullable: true })
  rotation!: OnCallRotationObject | null;

  @Field(() => ID, { nullable: true, description: 'The e-mail channel that reaches its people' })
  emailChannelId!: string | null;
}

@ObjectType('EscalationPolicy')
export class EscalationPolicyObject {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => [EscalationLevelObject])
  levels!: EscalationLevelObject[];

  @Field(() => Int, { description: 'How many times the policy runs again after its last level' })
  repeat!: number;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime)
  updatedAt!: Date;

  static from(row: EscalationPolicyRow): EscalationPolicyObject {
    return Object.assign(new EscalationPolicyObject(), row, {
      levels: row.levels.map((l) => ({
        channelIds: l.channelIds,
        timeoutSeconds: Math.round(l.timeoutMs / 1000),
        userIds: l.userIds ?? [],
        rotation: l.rotation
          ? {
              userIds: l.rotation.userIds,
              shiftHours: Math.round(l.rotation.shiftMs / 3_600_000),
              startsAt: new Date(l.rotation.startsAt),
              onCallNow: onCallAt(l.rotation, Date.now()) ?? null,
            }
          : null,
        emailChannelId: l.emailChannelId ?? null,
      })),
    });
  }
}

@InputType('OnCallRotationInput')
export class OnCallRotationInput {
  @Field(() => [ID], { description: 'Members, in the order they take their shifts' })
  userIds!: string[];

  @Field(() => Int, { description: '1 to 720 hours' })
  shiftHours!: number;

  @Field(() => GraphQLISODateTime)
  startsAt!: Date;
}

@InputType('EscalationLevelInput', {
  description: 'At least one target: channels, members or a rotation (people need emailChannelId)',
})
export class EscalationLevelInput {
  @Field(() => [ID], { nullable: true, defaultValue: [] })
  channelIds?: string[] | null;

  @Field(() => Int, { description: '60 to 86400 seconds' })
  timeoutSeconds!: number;

  @Field(() => [ID], { nullable: true })
  userIds?: string[] | null;

  @Field(() => OnCallRotationInput, { nullable: true })
  rotation?: OnCallRotationInput | null;

  @Field(() => ID, { nullable: true })
  emailChannelId?: string | null;
}

@InputType('CreateEscalationPolicyInput')
export class CreateEscalationPolicyInput {
  @Field()
  name!: string;

  @Field(() => [EscalationLevelInput], { description: '1 to 10 levels' })
  levels!: EscalationLevelInput[];

  @Field(() => Int, { nullable: true, description: '0 to 10, default 0' })
  repeat?: number | null;
}

@InputType('UpdateEscalationPolicyInput')
export class UpdateEscalationPolicyInput {
  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => [EscalationLevelInput], { nullable: true })
  levels?: EscalationLevelInput[];

  @Field(() => Int, { nullable: true })
  repeat?: number | null;
}
