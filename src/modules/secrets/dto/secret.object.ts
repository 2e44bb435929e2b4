import { Field, GraphQLISODateTime, ObjectType } from '@nestjs/graphql';

import type { SecretInfo } from '../secrets.service';

@ObjectType('Secret', { description: 'A stored secret: its name and history, never its value' })
export class SecretObject {
  @Field()
  name!: string;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime)
  updatedAt!: Date;

  @Field({ description: 'Who set it first (kind:label)' })
  createdBy!: string;

  @Field({ description: 'Who set it last (kind:label)' })
  updatedBy!: string;

  @Field({ description: 'Id of the encryption key the stored value is sealed under' })
  sealedWith!: string;

  static from(info: SecretInfo): SecretObject {
    return Object.assign(new SecretObject(), info);
  }
}
