import { createHash } from 'node:crypto';

import { Injectable, Logger } from '@nestjs/common';

import { Mailer } from '../../common/mail/mailer.service';
import { RateLimiter } from '../../common/rate-limit/rate-limiter.service';
import { AppConfig } from '../../config/app-config';
import { IdentityAudit } from './identity-audit';
import { LoginThrottle } from './login-throttle.service';
import {
  generateOpaqueToken,
  hashOpaqueToken,
  isPlausibleEmail,
  normalizeEmail,
} from './opaque-token';
import { assertAcceptable, PasswordHasher, WeakPasswordError } from './password-hasher';
import type { Principal, Role } from './principal';
import { type Session, SessionService } from './session.service';
import { TenancyError } from './tenancy.errors';
import { type MemberRow, type TenantRef, type UserRow, UserRepository } from './user.repository';

const HOUR_MS = 3_600_000;
const INVITATION_TTL_MS = 7 * 24 * HOUR_MS;
const RESET_TTL_MS = HOUR_MS;

export interface Invitation {
  email: string;
  role: Role;
  /** True when the user already had an account and is now a member. */
  joined: boolean;
}

/**
 * Members of a tenant: invitations, roles, removal, and password resets by e-mail. Only an owner
 * grants or takes away `owner`, and the last owner can be neither demoted nor removed.
 */
/** Password-reset e-mails: 3 an hour per address, 20 an hour per client address. */
const RESETS_PER_EMAIL = { perSecond: 3 / 3600, burst: 3, cost: 1 };
const RESETS_PER_IP = { perSecond: 20 / 3600, burst: 20, cost: 1 };

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

@Injectable()
export class MembershipService {
  readonly #logger = new Logger(MembershipService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly mailer: Mailer,
    private readonly audit: IdentityAudit,
    private readonly limiter: RateLimiter,
    private readonly throttle: LoginThrottle,
  ) {}

  members(caller: Principal): Promise<MemberRow[]> {
    return this.users.members(caller.tenantId);
  }

  async invite(caller: Principal, rawEmail: string, role: Role): Promise<Invitation> {
    const email = validEmail(rawEmail);
    this.assertMayGrant(caller, role);
    this.mailerReady();
    const tenant = { id: caller.tenantId, slug: caller.tenantSlug };
    const existing = await this.users.userByEmail(email);
    if (existing) {
      const inEffect = await this.users.addMembership(tenant.id, existing.id, role);
      await this.mail(email, `You were added to ${tenant.slug} on Vigil`, [
        `${caller.label} added you to the tenant "${tenant.slug}" on Vigil as ${inEffect}.`,
        `Sign in at ${this.config.publicUrl}/ with your existing password.`,
      ]);
      this.audited('member.invited', caller, existing.id, { role: inEffect, existing: true });
      return { email, role: inEffect, joined: true };
    }
    const link = await this.createInvitation(tenant, email, role, caller.subjectId);
    await this.mail(email, `You are invited to ${tenant.slug} on Vigil`, [
      `${caller.label} invited you to the tenant "${tenant.slug}" on Vigil as ${role}.`,
      `Choose a password to accept (the link works once, for 7 days):`,
      link,
    ]);
    this.audited('member.invited', caller, null, { role, existing: false });
    return { email, role, joined: false };
  }

  /** Stores an invitation and returns its one-time link (the CLI prints it instead of mailing). */
  async createInvitation(
    tenant: TenantRef,
    email: string,
    role: Role,
    createdBy: string | null,
  ): Promise<string> {
    const token = generateOpaqueToken('');
    await this.users.insertUserToken(
      { purpose: 'invitation', email, userId: null, tenantId: tenant.id, role },
      hashOpaqueToken(token),
      new Date(Date.now() + INVITATION_TTL_MS),
      createdBy,
    );
    return `${this.config.publicUrl}/accept-invitation?token=${token}`;
  }

  /** Creates the account (or reuses an existing one) and the membership, and signs in. */
  async acceptInvitation(token: string, password: string): Promise<Session> {
    checkPassword(password);
    const invitation = await this.users.consumeUserToken(hashOpaqueToken(token), 'invitation');
    if (!invitation?.tenantId || !invitation.role) {
      throw new TenancyError('INVALID_TOKEN', 'this invitation is invalid, used or expired');
    }
    const tenant = await this.users.tenantById(invitation.tenantId);
    if (!tenant) throw new TenancyError('INVALID_TOKEN', 'the tenant no longer exists');
    let user = await this.users.ensureUser(invitation.email, await this.hasher.hash(password));
    // Someone registered this e-mail meanwhile: the link proves the mailbox, the password stays.
    user = user.passwordHash ? user : await this.setPassword(user, password);
    const role = await this.users.addMembership(tenant.id, user.id, invitation.role);
    this.audit.record({ action: 'member.joined', actorId: user.id, tenantId: tenant.id });
    return this.sessions.startSession(user, tenant, role);
  }

  async changeRole(caller: Principal, userId: string, role: Role): Promise<MemberRow> {
    this.assertMayGrant(caller, role);
    const changed = await this.users.inMembersTransaction(caller.tenantId, async (tx) => {
      const current = await tx.roleIn(caller.tenantId, userId);
      if (!current) throw new TenancyError('NOT_FOUND', 'no such member in this tenant');
      if (current === 'owner') await this.assertNotLastOwner(caller, tx);
      await tx.setRole(caller.tenantId, userId, role);
      return { from: current };
    });
    await this.sessions.revokeCache(userId);
    this.audited('member.role_changed', caller, userId, { from: changed.from, to: role });
    const member = (await this.users.members(caller.tenantId)).find((m) => m.user.id === userId);
    return member as MemberRow;
  }

  async removeMember(caller: Principal, userId: string): Promise<void> {
    await this.users.inMembersTransaction(caller.tenantId, async (tx) => {
      const current = await tx.roleIn(caller.tenantId, userId);
      if (!current) throw new TenancyError('NOT_FOUND', 'no such member in this tenant');
      if (current === 'owner') await this.assertNotLastOwner(caller, tx);
      await tx.removeMembership(caller.tenantId, userId);
      await tx.revokeSessionsOf(userId, caller.tenantId);
    });
    await this.sessions.revokeCache(userId);
    this.audited('member.removed', caller, userId, {});
  }

  /** Answers the same whether or not the e-mail has an account; mails in the background. */
  async requestPasswordReset(rawEmail: string, ip: string | null): Promise<void> {
    this.mailerReady();
    const email = normalizeEmail(rawEmail);
    if (!isPlausibleEmail(email)) return;
    // Checked before the lookup, so the answer says nothing about whether the account exists.
    const decision = await this.limiter.take([
      { key: `reset:email:${sha256Hex(email)}`, ...RESETS_PER_EMAIL },
      ...(ip ? [{ key: `reset:ip:${ip}`, ...RESETS_PER_IP }] : []),
    ]);
    if (!decision.allowed) {
      throw new TenancyError(
        'TOO_MANY_ATTEMPTS',
        `too many password reset requests; try again in ${decision.retryAfterSeconds} s`,
      );
    }
    const user = await this.users.userByEmail(email);
    this.audit.record({
      action: 'password.reset_requested',
      actorId: null,
      tenantId: null,
      targetUserId: user?.id ?? null,
      ip,
    });
    if (!user || user.disabledAt) return;
    const token = generateOpaqueToken('');
    await this.users.insertUserToken(
      { purpose: 'password_reset', email, userId: user.id, tenantId: null, role: null },
      hashOpaqueToken(token),
      new Date(Date.now() + RESET_TTL_MS),
      null,
    );
    this.mailer
      .send({
        to: email,
        subject: 'Reset your Vigil password',
        text: [
          'Someone (hopefully you) asked to reset the password of this Vigil account.',
          'Choose a new password here (the link works once, for one hour):',
          `${this.config.publicUrl}/reset-password?token=${token}`,
          'If it was not you, ignore this e-mail.',
        ].join('\n\n'),
      })
      .catch((err: unknown) => this.#logger.error(`password reset e-mail failed: ${String(err)}`));
  }

  /** Sets the new password and ends every session of the user. */
  async resetPassword(token: string, password: string): Promise<void> {
    checkPassword(password);
    const reset = await this.users.consumeUserToken(hashOpaqueToken(token), 'password_reset');
    const user = reset?.userId ? await this.users.userById(reset.userId) : null;
    if (!user)
      throw new TenancyError('INVALID_TOKEN', 'this reset link is invalid, used or expired');
    await this.setPassword(user, password);
    await this.sessions.revokeAll(user.id);
    this.audit.record({ action: 'password.reset', actorId: user.id, tenantId: null });
  }

  /**
   * The signed-in user changes their own password, proving the current one (throttled like a
   * login, so a stolen access token cannot guess it). Every session of the user ends, on every
   * replica; the caller gets a fresh one in this tenant.
   */
  async changePassword(
    caller: Principal,
    currentPassword: string,
    newPassword: string,
    ip: string | null,
  ): Promise<Session> {
    if (caller.kind !== 'user' || !caller.role) {
      throw new TenancyError('FORBIDDEN', 'only a signed-in user can change a password');
    }
    const user = await this.users.userById(caller.subjectId);
    if (!user || user.disabledAt) throw new TenancyError('UNAUTHENTICATED', 'unknown user');
    await this.throttle.assertAllowed(user.email, ip);
    if (!user.passwordHash || !(await this.hasher.verify(currentPassword, user.passwordHash))) {
      await this.throttle.recordFailure(user.email, ip);
      throw new TenancyError('WRONG_PASSWORD', 'the current password is wrong');
    }
    checkPassword(newPassword);
    await this.throttle.recordSuccess(user.email);
    const updated = await this.setPassword(user, newPassword);
    await this.sessions.revokeAll(user.id);
    this.audit.record({
      action: 'password.changed',
      actorId: user.id,
      tenantId: caller.tenantId,
      ip,
    });
    return this.sessions.startSession(
      updated,
      { id: caller.tenantId, slug: caller.tenantSlug },
      caller.role,
    );
  }

  /** For the CLI: a user with a password and a membership, created or updated. */
  async createMember(
    tenant: TenantRef,
    rawEmail: string,
    role: Role,
    password: string,
  ): Promise<UserRow> {
    const email = validEmail(rawEmail);
    checkPassword(password);
    const user = await this.users.ensureUser(email, await this.hasher.hash(password));
    await this.users.addMembership(tenant.id, user.id, role);
    this.audit.record({ action: 'member.joined', actorId: null, tenantId: tenant.id });
    return user;
  }

  private async setPassword(user: UserRow, password: string): Promise<UserRow> {
    const passwordHash = await this.hasher.hash(password);
    await this.users.setPassword(user.id, passwordHash);
    return { ...user, passwordHash };
  }

  private assertMayGrant(caller: Principal, role: Role): void {
    if (role === 'owner' && !caller.permissions.has('owner')) {
      throw new TenancyError('FORBIDDEN', 'only an owner can grant or take away the owner role');
    }
  }

  private async assertNotLastOwner(caller: Principal, tx: UserRepository): Promise<void> {
    if (!caller.permissions.has('owner')) {
      throw new TenancyError('FORBIDDEN', 'only an owner can grant or take away the owner role');
    }
    if ((await tx.countOwners(caller.tenantId)) <= 1) {
      throw new TenancyError(
        'LAST_OWNER',
        'the last owner of a tenant cannot be demoted or removed',
      );
    }
  }

  private mailerReady(): void {
    if (!this.mailer.configured) {
      throw new TenancyError('MAIL_NOT_CONFIGURED', 'e-mail is not configured on this server');
    }
  }

  private async mail(to: string, subject: string, paragraphs: string[]): Promise<void> {
    try {
      await this.mailer.send({ to, subject, text: paragraphs.join('\n\n') });
    } catch (err) {
      throw new TenancyError('MAIL_FAILED', 'the e-mail could not be sent', { cause: err });
    }
  }

  private audited(
    action: 'member.invited' | 'member.role_changed' | 'member.removed',
    caller: Principal,
    targetUserId: string | null,
    detail: Record<string, string | boolean>,
  ): void {
    const actorId = caller.kind === 'user' ? caller.subjectId : `api_key:${caller.subjectId}`;
    this.audit.record({ action, actorId, tenantId: caller.tenantId, targetUserId, detail });
  }
}

function validEmail(raw: string): string {
  const email = normalizeEmail(raw);
  if (!isPlausibleEmail(email)) {
    throw new TenancyError('INVALID_ARGUMENT', `"${raw}" is not an e-mail address`);
  }
  return email;
}

function checkPassword(password: string): void {
  try {
    assertAcceptable(password);
  } catch (err) {
    if (err instanceof WeakPasswordError) throw new TenancyError('WEAK_PASSWORD', err.message);
    throw err;
  }
}
