import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('Retention', {
  description: "How long the tenant's logs and everything derived from them are kept",
})
export class RetentionObject {
  @Field(() => Int, { nullable: true, description: 'The tenant’s own setting; null = the default' })
  days!: number | null;

  @Field(() => Int, { description: 'The server default (LOG_RETENTION_DAYS)' })
  defaultDays!: number;

  @Field(() => Int, { description: 'What applies: `days` or else the default' })
  effectiveDays!: number;
}
