import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';

import { Authorize, Public } from '../../common/auth/authorize.decorator';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator';
import type { RequestContext } from '../../common/auth/request-context';
import {
  InvitationObject,
  MemberObject,
  MeObject,
  RoleEnum,
  SessionObject,
  UserObject,
} from './dto/session.object';
import { MembershipService } from './membership.service';
import type { Principal, Role } from './principal';
import { type Session, SessionService } from './session.service';
import type { MemberRow, UserRow } from './user.repository';

/** Sign-in, sessions and the members of the caller's tenant. */
@Resolver()
export class IdentityResolver {
  constructor(
    private readonly sessions: SessionService,
    private readonly members: MembershipService,
  ) {}

  @Mutation(() => SessionObject, {
    description: 'Signs in. `tenant` (slug) may be omitted when the user is in one tenant only.',
  })
  @Public()
  async login(
    @Args('email') email: string,
    @Args('password') password: string,
    @Args('tenant', { type: () => String, nullable: true }) tenant: string | null,
    @Context() ctx: RequestContext,
  ): Promise<SessionObject> {
    return toSession(await this.sessions.login(email, password, tenant ?? null, clientIp(ctx)));
  }

  @Mutation(() => SessionObject, {
    description: 'New tokens for a refresh token, which is used up; reusing one ends the session.',
  })
  @Public()
  async refreshSession(
    @Args('refreshToken') refreshToken: string,
    @Context() ctx: RequestContext,
  ): Promise<SessionObject> {
    return toSession(await this.sessions.refresh(refreshToken, clientIp(ctx)));
  }

  @Mutation(() => Boolean, { description: 'Ends the session of this refresh token.' })
  @Public()
  async logout(
    @Args('refreshToken') refreshToken: string,
    @Context() ctx: RequestContext,
  ): Promise<boolean> {
    await this.sessions.logout(refreshToken, clientIp(ctx));
    return true;
  }

  @Mutation(() => Boolean, { description: 'Ends every session of the signed-in user.' })
  @Authorize('read')
  async logoutEverywhere(@CurrentPrincipal() caller: Principal): Promise<boolean> {
    await this.sessions.logoutEverywhere(caller);
    return true;
  }

  @Query(() => MeObject, { description: 'The signed-in user, tenant and role.' })
  @Authorize('read')
  async me(@CurrentPrincipal() caller: Principal): Promise<MeObject> {
    const me = await this.sessions.me(caller);
    return { user: toUser(me.user), tenant: me.tenant, role: me.role };
  }

  @Query(() => [MemberObject], { description: 'The members of this tenant.' })
  @Authorize('admin')
  async users(@CurrentPrincipal() caller: Principal): Promise<MemberObject[]> {
    return (await this.members.members(caller)).map(toMember);
  }

  @Mutation(() => InvitationObject, {
    description: 'Invites by e-mail; an existing user becomes a member at once.',
  })
  @Authorize('admin')
  inviteUser(
    @CurrentPrincipal() caller: Principal,
    @Args('email') email: string,
    @Args('role', { type: () => RoleEnum }) role: Role,
  ): Promise<InvitationObject> {
    return this.members.invite(caller, email, role);
  }

  @Mutation(() => SessionObject, {
    description: 'Accepts an invitation with the token from the e-mail, and signs in.',
  })
  @Public()
  async acceptInvitation(
    @Args('token') token: string,
    @Args('password') password: string,
  ): Promise<SessionObject> {
    return toSession(await this.members.acceptInvitation(token, password));
  }

  @Mutation(() => MemberObject)
  @Authorize('admin')
  async changeRole(
    @CurrentPrincipal() caller: Principal,
    @Args('userId', { type: () => ID }) userId: string,
    @Args('role', { type: () => RoleEnum }) role: Role,
  ): Promise<MemberObject> {
    return toMember(await this.members.changeRole(caller, userId, role));
  }

  @Mutation(() => Boolean, { description: 'Removes a member; their sessions here end at once.' })
  @Authorize('admin')
  async removeMember(
    @CurrentPrincipal() caller: Principal,
    @Args('userId', { type: () => ID }) userId: string,
  ): Promise<boolean> {
    await this.members.removeMember(caller, userId);
    return true;
  }

  @Mutation(() => Boolean, {
    description: 'E-mails a reset link if the address has an account; the answer is always true.',
  })
  @Public()
  async requestPasswordReset(
    @Args('email') email: string,
    @Context() ctx: RequestContext,
  ): Promise<boolean> {
    await this.members.requestPasswordReset(email, clientIp(ctx));
    return true;
  }

  @Mutation(() => SessionObject, {
    description:
      "Changes the signed-in user's password (the current one is required): every session " +
      'ends, on every replica, and a fresh one in this tenant is returned.',
  })
  @Authorize('read')
  async changePassword(
    @CurrentPrincipal() caller: Principal,
    @Args('currentPassword') currentPassword: string,
    @Args('newPassword') newPassword: string,
    @Context() ctx: RequestContext,
  ): Promise<SessionObject> {
    return toSession(
      await this.members.changePassword(caller, currentPassword, newPassword, clientIp(ctx)),
    );
  }

  @Mutation(() => Boolean, { description: 'Sets a new password and ends every session.' })
  @Public()
  async resetPassword(
    @Args('token') token: string,
    @Args('password') password: string,
  ): Promise<boolean> {
    await this.members.resetPassword(token, password);
    return true;
  }
}

function clientIp(ctx: RequestContext): string | null {
  return (ctx.req as { ip?: string } | undefined)?.ip ?? null;
}

function toUser(u: UserRow): UserObject {
  return { id: u.id, email: u.email, createdAt: u.createdAt, disabledAt: u.disabledAt };
}

function toMember(m: MemberRow): MemberObject {
  return { user: toUser(m.user), role: m.role, since: m.since };
}

function toSession(s: Session): SessionObject {
  return {
    accessToken: s.accessToken,
    refreshToken: s.refreshToken,
    expiresAt: s.expiresAt,
    user: toUser(s.user),
    tenant: s.tenant,
    role: s.role,
  };
}
