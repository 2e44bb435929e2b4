import { Field, InputType, Int } from '@nestjs/graphql';

import type { CustomFormatKind } from '../custom-line-format';
import { LogFormatKind } from './log-format.object';

@InputType('CreateLogFormatInput')
export class CreateLogFormatInput {
  @Field({ description: 'Lower-case letters, digits and dashes (1-63); unique in the tenant' })
  name!: string;

  @Field(() => LogFormatKind)
  kind!: CustomFormatKind;

  @Field({ description: 'At most 8192 characters' })
  pattern!: string;

  @Field(() => String, { nullable: true, description: 'Pin the format to this service' })
  service?: string | null;

  @Field(() => String, { nullable: true, description: 'Pin the format to this dataset' })
  dataset?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Higher is tried first (-1000..1000, default 0)',
  })
  priority?: number | null;
}

@InputType('UpdateLogFormatInput', {
  description: 'Fields left out stay as they are; service or dataset set to null remove the pin',
})
export class UpdateLogFormatInput {
  @Field({ nullable: true })
  name?: string;

  @Field(() => LogFormatKind, { nullable: true })
  kind?: CustomFormatKind;

  @Field({ nullable: true })
  pattern?: string;

  @Field(() => String, { nullable: true })
  service?: string | null;

  @Field(() => String, { nullable: true })
  dataset?: string | null;

  @Field(() => Int, { nullable: true })
  priority?: number;
}
