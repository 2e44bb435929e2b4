import { Field, GraphQLISODateTime, InputType } from '@nestjs/graphql';

@InputType('AuditFilter', { description: 'Which audit entries to read; all conditions must hold' })
export class AuditFilterInput {
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Inclusive lower bound' })
  from?: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Exclusive upper bound' })
  to?: Date | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Action names (auth.login) or prefixes (auth.*); any of them',
  })
  actions?: string[] | null;

  @Field(() => String, { nullable: true, description: 'User or API key id' })
  actorId?: string | null;

  @Field(() => String, { nullable: true })
  targetKind?: string | null;

  @Field(() => String, { nullable: true })
  targetId?: string | null;
}
