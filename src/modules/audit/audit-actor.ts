import type { Principal } from '../tenancy/principal';

export const ACTOR_KINDS = ['user', 'api_key', 'system'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/**
 * Who did something, in which tenant. A Principal converts to one (`actorOf`); work nobody asked
 * for in a request (retention, a CLI command, a scheduled job) is a `systemActor`. A failed login
 * is recorded with `kind: 'user'`, the user's id when known and the e-mail as label.
 */
export interface AuditActor {
  kind: ActorKind;
  /** The tenant the entry belongs to; null for installation-wide events (only the operator reads those). */
  tenantId: string | null;
  /** The user's or API key's id; null for the system or an unknown user. */
  id: string | null;
  /** The user's e-mail, the key's name or the system job's name. */
  label: string | null;
}

export function actorOf(who: Principal | AuditActor): AuditActor {
  if (!('subjectId' in who)) return who;
  return { kind: who.kind, tenantId: who.tenantId, id: who.subjectId, label: who.label };
}

export function systemActor(tenantId: string | null, label: string): AuditActor {
  return { kind: 'system', tenantId, id: null, label };
}
