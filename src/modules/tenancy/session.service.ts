import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { AppConfig } from '../../config/app-config';
import { signAccessToken } from './access-token';
import { IdentityAudit } from './identity-audit';
import { LoginThrottle } from './login-throttle.service';
import { generateOpaqueToken, hashOpaqueToken, normalizeEmail } from './opaque-token';
import { PasswordHasher } from './password-hasher';
import type { Principal, Role } from './principal';
import { RevocationBus } from './revocation-bus';
import { SigningKeyService } from './signing-key.service';
import { TenancyError } from './tenancy.errors';
import { type TenantRef, type UserRow, UserRepository } from './user.repository';

export interface Session {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  user: UserRow;
  tenant: TenantRef;
  role: Role;
}

const DAY_MS = 86_400_000;
const REFRESH_PREFIX = 'vrt_';
const INVALID_LOGIN = 'invalid e-mail, password or tenant';

/**
 * Sessions: password login, refresh-token rotation with reuse detection, logout. A session is a
 * refresh-token family; its access tokens carry the family id (`sid`), so logging out stops them
 * too (see UserPrincipalService).
 */
@Injectable()
export class SessionService {
  /** Verified against when the e-mail is unknown, so both cases take the same time. */
  #dummyHash: Promise<string> | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly keys: SigningKeyService,
    private readonly throttle: LoginThrottle,
    private readonly bus: RevocationBus,
    private readonly audit: IdentityAudit,
  ) {}

  /**
   * Never reveals whether the e-mail exists. `tenantSlug` may be omitted when the user belongs
   * to exactly one tenant. (An external identity provider would call `startSession` directly
   * with the user its verified e-mail names; see identity-provider.port.ts.)
   */
  async login(
    rawEmail: string,
    password: string,
    tenantSlug: string | null,
    ip: string | null,
  ): Promise<Session> {
    const email = normalizeEmail(rawEmail);
    await this.throttle.assertAllowed(email, ip);
    const user = await this.users.userByEmail(email);
    const ok = await this.hasher.verify(password, user?.passwordHash ?? (await this.dummyHash()));
    const tenant = user && ok && !user.disabledAt ? await this.pickTenant(user, tenantSlug) : null;
    if (!user || !ok || user.disabledAt || !tenant) {
      await this.throttle.recordFailure(email, ip);
      // A wrong password for a real member lands in that tenant's log, where its admins see it;
      // anything else is installation-wide (only the operator reads those).
      const audited = tenant ?? (user ? await this.pickTenant(user, tenantSlug) : null);
      this.audit.record({
        action: 'login.failed',
        actorId: null,
        tenantId: audited?.id ?? null,
        targetUserId: user?.id ?? null,
        ip,
      });
      throw new TenancyError('INVALID_CREDENTIALS', INVALID_LOGIN);
    }
    await this.throttle.recordSuccess(email);
    if (user.passwordHash && this.hasher.needsRehash(user.passwordHash)) {
      await this.users.setPassword(user.id, await this.hasher.hash(password));
    }
    this.audit.record({ action: 'login.succeeded', actorId: user.id, tenantId: tenant.id, ip });
    return this.startSession(user, tenant, tenant.role);
  }

  /** A new session (refresh-token family) for a member of `tenant`. */
  async startSession(user: UserRow, tenant: TenantRef, role: Role): Promise<Session> {
    return this.issue(user, tenant, role, randomUUID());
  }

  /** Rotates the refresh token. Presenting one already used revokes its whole session. */
  async refresh(refreshToken: string, ip: string | null): Promise<Session> {
    const result = await this.users.useRefreshToken(hashOpaqueToken(refreshToken));
    if (!result) throw new TenancyError('UNAUTHENTICATED', 'invalid or expired refresh token');
    if ('reused' in result) {
      await this.users.revokeFamily(result.reused.familyId);
      await this.bus.publish({ kind: 'user', id: result.reused.userId, tenantId: null });
      this.audit.record({
        action: 'session.reuse_detected',
        actorId: null,
        tenantId: result.reused.tenantId,
        targetUserId: result.reused.userId,
        ip,
      });
      throw new TenancyError(
        'UNAUTHENTICATED',
        'this refresh token was already used: the session has been revoked, log in again',
      );
    }
    const { used } = result;
    const user = await this.users.userById(used.userId);
    const role = await this.users.roleIn(used.tenantId, used.userId);
    const tenant = await this.users.tenantById(used.tenantId);
    if (!user || user.disabledAt || !role || !tenant) {
      await this.users.revokeFamily(used.familyId);
      throw new TenancyError('UNAUTHENTICATED', 'this session is no longer valid, log in again');
    }
    this.audit.record({ action: 'session.refreshed', actorId: user.id, tenantId: tenant.id, ip });
    return this.issue(user, tenant, role, used.familyId);
  }

  /** Ends the session the refresh token belongs to; its access tokens stop working too. */
  async logout(refreshToken: string, ip: string | null): Promise<void> {
    const token = await this.users.findRefreshToken(hashOpaqueToken(refreshToken));
    if (!token) return;
    await this.users.revokeFamily(token.familyId);
    await this.bus.publish({ kind: 'user', id: token.userId, tenantId: null });
    this.audit.record({ action: 'logout', actorId: token.userId, tenantId: token.tenantId, ip });
  }

  /** Ends every session of the calling user, in every tenant. */
  async logoutEverywhere(caller: Principal): Promise<void> {
    const userId = requireUser(caller);
    await this.revokeAll(userId);
    this.audit.record({ action: 'logout.everywhere', actorId: userId, tenantId: caller.tenantId });
  }

  /** Revokes every session of a user and tells every replica. */
  async revokeAll(userId: string): Promise<void> {
    await this.users.revokeSessionsOf(userId, null);
    await this.bus.publish({ kind: 'user', id: userId, tenantId: null });
  }

  /** Drops every replica's cached view of the user (after a role change or removal). */
  async revokeCache(userId: string): Promise<void> {
    await this.bus.publish({ kind: 'user', id: userId, tenantId: null });
  }

  async me(caller: Principal): Promise<{ user: UserRow; tenant: TenantRef; role: Role }> {
    const user = await this.users.userById(requireUser(caller));
    if (!user || !caller.role) throw new TenancyError('UNAUTHENTICATED', 'unknown user');
    return { user, tenant: { id: caller.tenantId, slug: caller.tenantSlug }, role: caller.role };
  }

  private async issue(user: UserRow, tenant: TenantRef, role: Role, sid: string): Promise<Session> {
    const refreshToken = generateOpaqueToken(REFRESH_PREFIX);
    const { refreshTokenTtlDays, accessTokenTtlSeconds, issuer, audience } = this.config.identity;
    await this.users.insertRefreshToken(
      sid,
      tenant.id,
      user.id,
      hashOpaqueToken(refreshToken),
      new Date(Date.now() + refreshTokenTtlDays * DAY_MS),
    );
    const { token, expiresAt } = await signAccessToken(
      { sub: user.id, tid: tenant.id, role, sid },
      await this.keys.signingKey(),
      { issuer, audience, ttlSeconds: accessTokenTtlSeconds },
    );
    return { accessToken: token, refreshToken, expiresAt, user, tenant, role };
  }

  private async pickTenant(
    user: UserRow,
    slug: string | null,
  ): Promise<(TenantRef & { role: Role }) | null> {
    const tenants = await this.users.tenantsOf(user.id);
    if (slug) return tenants.find((t) => t.slug === slug) ?? null;
    return tenants.length === 1 ? (tenants[0] ?? null) : null;
  }

  private dummyHash(): Promise<string> {
    this.#dummyHash ??= this.hasher.hash(generateOpaqueToken(''));
    return this.#dummyHash;
  }
}

export function requireUser(caller: Principal): string {
  if (caller.kind !== 'user') {
    throw new TenancyError('FORBIDDEN', 'only a signed-in user can do this, not an API key');
  }
  return caller.subjectId;
}
