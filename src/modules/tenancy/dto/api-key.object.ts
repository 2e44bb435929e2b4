import { Field, GraphQLISODateTime, ID, ObjectType, registerEnumType } from '@nestjs/graphql';

import type { ApiKeyView, IssuedApiKey } from '../api-key-lifecycle.service';
import type { Scope } from '../principal';

/** GraphQL names of the scopes; the values are the scopes themselves. */
export const ApiKeyScope = { INGEST: 'ingest', READ: 'read', ADMIN: 'admin' } as const;
registerEnumType(ApiKeyScope, {
  name: 'ApiKeyScope',
  description: 'What an API key may do: INGEST logs, READ logs and what derives from them, ADMIN',
});

@ObjectType('ApiKey', { description: 'An API key as it may be shown: never its secret' })
export class ApiKeyObject {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field({ description: 'The first characters of the key (vgl_…), to recognise it' })
  prefix!: string;

  @Field(() => [ApiKeyScope])
  scopes!: Scope[];

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'Last use, recorded at most about once a minute',
  })
  lastUsedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  revokedAt!: Date | null;

  static from(view: ApiKeyView): ApiKeyObject {
    return Object.assign(new ApiKeyObject(), view);
  }
}

@ObjectType('IssuedApiKey', { description: 'A new key, with its secret: shown this once only' })
export class IssuedApiKeyObject {
  @Field(() => ApiKeyObject)
  key!: ApiKeyObject;

  @Field({ description: 'The key itself; Vigil stores only its hash and cannot show it again' })
  secret!: string;

  @Field(() => ApiKeyObject, {
    nullable: true,
    description: 'After a rotation: the replaced key, valid until its expiresAt',
  })
  previous!: ApiKeyObject | null;

  static from(issued: IssuedApiKey): IssuedApiKeyObject {
    const out = new IssuedApiKeyObject();
    out.key = ApiKeyObject.from(issued.key);
    out.secret = issued.secret;
    out.previous = issued.previous ? ApiKeyObject.from(issued.previous) : null;
    return out;
  }
}
