import { Injectable, Logger } from '@nestjs/common';

import { AuditService } from '../audit/audit.service';

export type IdentityAuditAction =
  | 'login.succeeded'
  | 'login.failed'
  | 'login.locked'
  | 'session.refreshed'
  | 'session.reuse_detected'
  | 'logout'
  | 'logout.everywhere'
  | 'member.invited'
  | 'member.joined'
  | 'member.role_changed'
  | 'member.removed'
  | 'password.reset_requested'
  | 'password.reset'
  | 'password.changed';

/** A security event. Never carries a password, token or hash. */
export interface IdentityAuditEvent {
  action: IdentityAuditAction;
  /** Who acted: a user id, API key id, or null when anonymous. */
  actorId: string | null;
  tenantId: string | null;
  /** The user acted upon, when not the actor. */
  targetUserId?: string | null;
  /** Client IP, when known. */
  ip?: string | null;
  detail?: Record<string, string | number | boolean | null>;
}

/** Audit action names (`<subject>.<verb>`) of the identity events. */
const ACTIONS: Record<IdentityAuditAction, string> = {
  'login.succeeded': 'auth.login',
  'login.failed': 'auth.login_failed',
  'login.locked': 'auth.login_locked',
  'session.refreshed': 'auth.session_refreshed',
  'session.reuse_detected': 'auth.refresh_token_reused',
  logout: 'auth.logout',
  'logout.everywhere': 'auth.logout_everywhere',
  'member.invited': 'member.invited',
  'member.joined': 'member.joined',
  'member.role_changed': 'member.role_changed',
  'member.removed': 'member.removed',
  'password.reset_requested': 'auth.password_reset_requested',
  'password.reset': 'auth.password_reset',
  'password.changed': 'auth.password_changed',
};

/**
 * The one call site for identity security events: each goes to the audit log. Recording never
 * blocks or fails the sign-in it describes; a failure to record is logged.
 */
@Injectable()
export class IdentityAudit {
  readonly #logger = new Logger('IdentityAudit');

  constructor(private readonly audit: AuditService) {}

  record(event: IdentityAuditEvent): void {
    this.audit
      .record(
        { kind: 'user', tenantId: event.tenantId, id: event.actorId, label: null },
        ACTIONS[event.action],
        {
          target: event.targetUserId ? { kind: 'user', id: event.targetUserId } : null,
          details: event.detail,
          ip: event.ip ?? null,
        },
      )
      .catch((err: unknown) => {
        this.#logger.error(`could not record ${event.action} in the audit log: ${String(err)}`);
      });
  }
}
