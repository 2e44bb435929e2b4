import { isIP } from 'node:net';

import { Injectable } from '@nestjs/common';

import type { RequestOrigin } from '../../common/auth/request-context';
import type { TenantTx } from '../../common/database/tenant-transaction';
import { uuidv7 } from '../../common/ids/uuidv7';
import type { Principal } from '../tenancy/principal';
import { actorOf, type AuditActor } from './audit-actor';
import { redactDetails } from './audit-details.redactor';
import { AuditError } from './audit.errors';
import { type AuditRow, AuditRepository } from './audit.repository';

/**
 * Action names are dotted, `<subject>.<verb>`. The ones Vigil records (extend as modules land):
 * auth.login, auth.login_failed, auth.logout, api_key.created, api_key.revoked, api_key.rotated,
 * member.invited, member.role_changed, member.removed, secret.set, secret.deleted,
 * tenant.exported, tenant.erased, subject.erased, retention.changed, rule.created, rule.updated,
 * rule.deleted, channel.created, channel.updated, channel.deleted, runbook.updated,
 * log_format.created, log_format.updated, log_format.deleted, redaction_policy.updated.
 */
const ACTION = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const MAX_TEXT = 500;

export interface AuditTarget {
  /** What was acted on: `secret`, `api_key`, `user`, `rule`, `tenant`... */
  kind: string;
  id?: string | null;
}

export interface AuditRecordOptions {
  target?: AuditTarget | null;
  /**
   * What changed: for configuration `{ before, after }` (or the changed fields). Values under
   * secret-looking keys are stripped before storage, but never pass a secret value here anyway.
   */
  details?: Record<string, unknown>;
  /** From `@CurrentOrigin()` in a resolver or route. */
  ip?: string | null;
  userAgent?: string | null;
  /**
   * Record inside this tenant transaction, so the entry and the change commit together. It must
   * be the actor's tenant.
   */
  tx?: TenantTx;
}

/**
 * The audit log: every security-relevant or configuration action, with who, when, from where and
 * what changed. Modules call `record` after (or inside the transaction of) the change; entries
 * are append-only and only admins of the same tenant read them.
 */
@Injectable()
export class AuditService {
  constructor(private readonly repository: AuditRepository) {}

  async record(
    who: Principal | AuditActor,
    action: string,
    options: AuditRecordOptions = {},
  ): Promise<void> {
    if (!ACTION.test(action)) {
      throw new AuditError('INVALID_ACTION', `audit action "${action}" is not <subject>.<verb>`);
    }
    const actor = actorOf(who);
    if (options.tx && options.tx.tenantId !== actor.tenantId) {
      throw new AuditError(
        'INVALID_ARGUMENT',
        'audit entry recorded in another tenant’s transaction',
      );
    }
    const at = Date.now();
    const row: AuditRow = {
      id: uuidv7(at),
      tenantId: actor.tenantId,
      at: new Date(at),
      actorKind: actor.kind,
      actorId: actor.id,
      actorLabel: clip(actor.label),
      ip: options.ip && isIP(options.ip) ? options.ip : null,
      userAgent: clip(options.userAgent ?? null),
      action,
      targetKind: clip(options.target?.kind ?? null),
      targetId: clip(options.target?.id ?? null),
      details: redactDetails(options.details ?? {}),
    };
    await this.repository.insert(row, options.tx);
  }

  /** Shorthand for a resolver: the principal and the request origin together. */
  recordRequest(
    principal: Principal,
    origin: RequestOrigin,
    action: string,
    options: Omit<AuditRecordOptions, 'ip' | 'userAgent'> = {},
  ): Promise<void> {
    return this.record(principal, action, { ...options, ...origin });
  }

  /** Audit retention: removes entries older than `cutoff`, of one tenant or all; returns how many. */
  deleteOlderThan(cutoff: Date, tenantId: string | null = null): Promise<number> {
    return this.repository.deleteOlderThan(cutoff, tenantId);
  }

  /**
   * GDPR erasure of a data subject in the audit log: entries stay (what happened, and when), but
   * the label, address and user agent of those the subject made, or made from the subject's
   * address, are cleared, and the e-mail is replaced where it appears. Returns how many changed.
   */
  async eraseSubject(
    tenantId: string | null,
    subject: { userId?: string | null; email?: string | null; ip?: string | null },
  ): Promise<number> {
    const ip = subject.ip && isIP(subject.ip) ? subject.ip : null;
    if (!subject.userId && !subject.email && !ip) {
      throw new AuditError('INVALID_ARGUMENT', 'name the subject: a user id, an e-mail or an IP');
    }
    return this.repository.eraseSubject(
      tenantId,
      { userId: subject.userId ?? null, email: subject.email ?? null, ip },
      '[erased]',
    );
  }

  page(
    tenantId: string,
    filter: AuditFilter,
    first: number,
    after: string | null,
  ): Promise<AuditPage> {
    return findAuditPage(this.repository, tenantId, filter, first, after);
  }
}

export interface AuditFilter {
  from?: Date | null;
  to?: Date | null;
  /** Action names; `auth.*` matches every action under `auth.`. */
  actions?: string[] | null;
  actorId?: string | null;
  targetKind?: string | null;
  targetId?: string | null;
}

export interface AuditPage {
  entries: AuditRow[];
  hasNextPage: boolean;
  endCursor: string | null;
}

export const MAX_AUDIT_PAGE = 500;
const ACTION_PREFIX = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\.\*$/;

/** Reads one tenant's audit log, newest first; the tenant comes from the caller's credential. */
async function findAuditPage(
  repository: AuditRepository,
  tenantId: string,
  filter: AuditFilter,
  first: number,
  after: string | null,
): Promise<AuditPage> {
  if (!Number.isInteger(first) || first < 1 || first > MAX_AUDIT_PAGE) {
    throw new AuditError('INVALID_ARGUMENT', `first must be between 1 and ${MAX_AUDIT_PAGE}`);
  }
  if (filter.from && filter.to && filter.from >= filter.to) {
    throw new AuditError('INVALID_ARGUMENT', '"from" must be before "to"');
  }
  const actions: string[] = [];
  const prefixes: string[] = [];
  for (const a of filter.actions ?? []) {
    if (ACTION.test(a)) actions.push(a);
    else if (ACTION_PREFIX.test(a)) prefixes.push(a.slice(0, -1));
    else {
      throw new AuditError(
        'INVALID_ARGUMENT',
        `action "${a.slice(0, 100)}" is neither an action name (auth.login) nor a prefix (auth.*)`,
      );
    }
  }
  const hasActions = (filter.actions?.length ?? 0) > 0;
  const rows = await repository.find({
    tenantId,
    from: filter.from ?? null,
    to: filter.to ?? null,
    actions: hasActions ? actions : null,
    actionPrefixes: hasActions && prefixes.length > 0 ? prefixes : null,
    actorId: filter.actorId ?? null,
    targetKind: filter.targetKind ?? null,
    targetId: filter.targetId ?? null,
    before: after ? decodeAuditCursor(after) : null,
    limit: first + 1,
  });
  const entries = rows.slice(0, first);
  const last = entries[entries.length - 1];
  return {
    entries,
    hasNextPage: rows.length > first,
    endCursor: last ? encodeAuditCursor(last) : null,
  };
}

export function encodeAuditCursor(row: Pick<AuditRow, 'at' | 'id'>): string {
  return Buffer.from(`${row.at.getTime()}:${row.id}`).toString('base64url');
}

/** Cursors are read within the caller's tenant only, so an edited one cannot reach another tenant. */
export function decodeAuditCursor(cursor: string): { at: Date; id: string } {
  const m = /^(\d{1,16}):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(
    Buffer.from(cursor, 'base64url').toString('utf8'),
  );
  if (!m) throw new AuditError('INVALID_CURSOR', 'this cursor is not one the audit log issued');
  return { at: new Date(Number(m[1])), id: m[2] as string };
}

function clip(text: string | null): string | null {
  return text === null ? null : text.slice(0, MAX_TEXT);
}
