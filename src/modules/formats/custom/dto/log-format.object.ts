import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

import type { CustomFormatKind } from '../custom-line-format';
import type { LogFormatInfo } from '../custom-formats.service';

/** GraphQL names of the kinds; the values are the kinds themselves. */
export const LogFormatKind = { GROK: 'grok', REGEX: 'regex' } as const;
registerEnumType(LogFormatKind, {
  name: 'LogFormatKind',
  description:
    'GROK: Logstash / Data Prepper grok (%{IP:client} %{WORD:method} %{NUMBER:bytes:int}); REGEX: an RE2 regular expression with named groups ((?<client>\\S+))',
});

@ObjectType('CustomLogFormat', { description: 'A format the tenant defined with grok or a regex' })
export class LogFormatObject {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Lower-case letters, digits and dashes; unique in the tenant' })
  name!: string;

  @Field({ description: 'The name records parsed with it carry as their format: custom-<name>' })
  formatName!: string;

  @Field(() => LogFormatKind)
  kind!: CustomFormatKind;

  @Field()
  pattern!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Pin: the format is tried first for records of this service',
  })
  service!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Pin: the format is tried first for records sent to this dataset',
  })
  dataset!: string | null;

  @Field(() => Int, { description: 'Higher is tried first among the tenant’s formats' })
  priority!: number;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime)
  updatedAt!: Date;

  @Field({ description: 'Who created it (kind:label)' })
  createdBy!: string;

  @Field({ description: 'Who changed it last (kind:label)' })
  updatedBy!: string;

  static from(info: LogFormatInfo): LogFormatObject {
    return Object.assign(new LogFormatObject(), info, { formatName: `custom-${info.name}` });
  }
}
