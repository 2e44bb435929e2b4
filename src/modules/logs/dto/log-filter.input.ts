import { Field, GraphQLISODateTime, InputType } from '@nestjs/graphql';

@InputType('LogFilter', { description: 'Which log records to read; all conditions must hold' })
export class LogFilterInput {
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Inclusive lower bound' })
  from?: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Exclusive upper bound' })
  to?: Date | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Search language: terms, "phrases", field:value, AND/OR/NOT, parentheses, trailing wildcards (err*)',
  })
  query?: string | null;

  @Field(() => [String], { nullable: true })
  services?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Level names in any common spelling' })
  levels?: string[] | null;

  @Field(() => String, { nullable: true })
  traceId?: string | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Format names (nginx-combined, text, json, ...; see the logFormats query)',
  })
  formats?: string[] | null;

  @Field(() => String, {
    nullable: true,
    description: 'Records mined into this pattern (see the patterns query)',
  })
  patternId?: string | null;
}
