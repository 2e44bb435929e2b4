import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from '@nestjs/graphql';

import type { EscalationPolicyRow } from '../../alerting.types';

@ObjectType('EscalationLevel')
export class EscalationLevelObject {
  @Field(() => [ID])
  channelIds!: string[];

  @Field(() => Int, { description: 'Seconds before the next level unless acknowledged' })
  timeoutSeconds!: number;
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
      })),
    });
  }
}

@InputType('EscalationLevelInput')
export class EscalationLevelInput {
  @Field(() => [ID])
  channelIds!: string[];

  @Field(() => Int, { description: '60 to 86400 seconds' })
  timeoutSeconds!: number;
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
