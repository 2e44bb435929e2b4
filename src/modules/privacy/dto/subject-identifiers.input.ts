import { Field, InputType } from '@nestjs/graphql';

@InputType('SubjectIdentifiers', {
  description:
    "A data subject's identifiers; each is replaced by [erased] wherever it appears as a whole token",
})
export class SubjectIdentifiersInput {
  @Field(() => [String], { nullable: true, description: 'Matched case-insensitively' })
  emails?: string[] | null;

  @Field(() => [String], { nullable: true })
  userIds?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'IPv4 or IPv6 addresses' })
  ips?: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Any other identifying values (at least 3 characters)',
  })
  values?: string[] | null;
}
