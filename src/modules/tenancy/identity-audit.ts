import { Injectable, Logger } from '@nestjs/common';

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
  | 'password.reset';

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

/**
 * The one call site for identity security events.
 * TODO(#3): hand these to the audit log service once it exists; until then they are only logged.
 */
@Injectable()
export class IdentityAudit {
  readonly #logger = new Logger('IdentityAudit');

  record(event: IdentityAuditEvent): void {
    this.#logger.log(JSON.stringify(event));
  }
}
