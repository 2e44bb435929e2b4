import { Field, GraphQLISODateTime, ObjectType } from '@nestjs/graphql';

import { JsonScalar } from '../../../../common/graphql/json.scalar';
import type { ParsedAttributes } from '../../log-format';
import type { SampleRecord, SampleResult } from '../custom-formats.service';

@ObjectType('LogFormatSampleRecord', {
  description: 'A sample line as the pipeline would store it',
})
export class SampleRecordObject {
  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'From a timestamp/@timestamp/time capture; null: the time of arrival is used',
  })
  timestamp!: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'Canonical level (trace, debug, info, warn, error, fatal)',
  })
  level!: string | null;

  @Field(() => String, { nullable: true, description: 'The level as captured' })
  levelText!: string | null;

  @Field({ description: 'From a message/msg capture, else the whole line' })
  message!: string;

  @Field(() => String, { nullable: true })
  service!: string | null;

  @Field(() => String, { nullable: true })
  host!: string | null;

  @Field(() => String, { nullable: true })
  traceId!: string | null;

  @Field(() => String, { nullable: true })
  spanId!: string | null;

  @Field(() => JsonScalar, { description: 'Every other capture, by dotted field name' })
  attributes!: ParsedAttributes;
}

@ObjectType('LogFormatSampleResult')
export class SampleResultObject {
  @Field()
  sample!: string;

  @Field()
  matched!: boolean;

  @Field(() => JsonScalar, {
    nullable: true,
    description: 'Every capture (converted by :int / :float) by field name; null when unmatched',
  })
  captured!: ParsedAttributes | null;

  @Field(() => SampleRecordObject, { nullable: true })
  record!: SampleRecord | null;

  static from(result: SampleResult): SampleResultObject {
    return Object.assign(new SampleResultObject(), result);
  }
}
