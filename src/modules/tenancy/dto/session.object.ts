import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';

import { ROLES, type Role } from '../principal';

export const RoleEnum = Object.fromEntries(ROLES.map((r) => [r, r])) as { [R in Role]: R };
registerEnumType(RoleEnum, { name: 'Role', description: 'A user’s role in one tenant.' });

@ObjectType('User')
export class UserObject {
  @Field(() => ID)
  id!: string;

  @Field()
  email!: string;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  disabledAt!: Date | null;
}

@ObjectType('TenantRef', { description: 'The tenant a session or membership is in.' })
export class TenantRefObject {
  @Field(() => ID)
  id!: string;

  @Field()
  slug!: string;
}

/** Who is signed in, where, as what. */
@ObjectType('Me')
export class MeObject {
  @Field(() => UserObject)
  user!: UserObject;

  @Field(() => TenantRefObject)
  tenant!: TenantRefObject;

  @Field(() => RoleEnum)
  role!: Role;
}

/** A signed-in session: who, where and as what, with its tokens. */
@ObjectType('Session')
export class SessionObject extends MeObject {
  @Field({ description: 'JWT for `Authorization: Bearer`; short-lived.' })
  accessToken!: string;

  @Field({ description: 'Exchange with `refreshSession` before `expiresAt`; one use only.' })
  refreshToken!: string;

  @Field({ description: 'When the access token expires.' })
  expiresAt!: Date;
}

@ObjectType('Member')
export class MemberObject {
  @Field(() => UserObject)
  user!: UserObject;

  @Field(() => RoleEnum)
  role!: Role;

  @Field({ description: 'When the user joined this tenant.' })
  since!: Date;
}

@ObjectType('Invitation')
export class InvitationObject {
  @Field()
  email!: string;

  @Field(() => RoleEnum)
  role!: Role;

  @Field({ description: 'True when the user already had an account and is now a member.' })
  joined!: boolean;
}
