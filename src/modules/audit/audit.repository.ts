import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { inTenantTransaction, type TenantTx } from '../../common/database/tenant-transaction';
import type { ActorKind } from './audit-actor';

export interface AuditRow {
  id: string;
  tenantId: string | null;
  at: Date;
  actorKind: ActorKind;
  actorId: string | null;
  actorLabel: string | null;
  ip: string | null;
  userAgent: string | null;
  action: string;
  targetKind: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
}

export interface AuditQuery {
  tenantId: string;
  from: Date | null;
  to: Date | null;
  /** Exact action names. */
  actions: string[] | null;
  /** Action prefixes (`auth.` for `auth.*`). */
  actionPrefixes: string[] | null;
  actorId: string | null;
  targetKind: string | null;
  targetId: string | null;
  /** Entries strictly older than this (at, id) pair. */
  before: { at: Date; id: string } | null;
  limit: number;
}

const COLUMNS = `id, tenant_id, at, actor_kind, actor_id, actor_label, host(ip) AS ip, user_agent,
  action, target_kind, target_id, details`;

interface DbRow {
  id: string;
  tenant_id: string | null;
  at: Date;
  actor_kind: ActorKind;
  actor_id: string | null;
  actor_label: string | null;
  ip: string | null;
  user_agent: string | null;
  action: string;
  target_kind: string | null;
  target_id: string | null;
  details: Record<string, unknown>;
}

/** The only file of the audit module that touches the database. */
@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Appends one entry: inside `tx` when given (it commits or rolls back with the change it
   * records), else in its own tenant-scoped transaction. Tenant-less entries go through the
   * owner connection, since row-level security admits no NULL tenant.
   */
  async insert(row: AuditRow, tx?: TenantTx): Promise<void> {
    const sql = `INSERT INTO audit_log (id, tenant_id, at, actor_kind, actor_id, actor_label, ip,
        user_agent, action, target_kind, target_id, details)
      VALUES ($1, $2, $3, $4, $5, $6, $7::inet, $8, $9, $10, $11, $12::jsonb)`;
    const params = [
      row.id,
      row.tenantId,
      row.at,
      row.actorKind,
      row.actorId,
      row.actorLabel,
      row.ip,
      row.userAgent,
      row.action,
      row.targetKind,
      row.targetId,
      JSON.stringify(row.details),
    ];
    if (tx) {
      await tx.query(sql, params);
    } else if (row.tenantId === null) {
      await this.db.query(sql, params);
    } else {
      await inTenantTransaction(this.db, row.tenantId, (t) => t.query(sql, params));
    }
  }

  /**
   * Runs `work` on the owner connection with `vigil.audit_maintenance` on, the one way past the
   * append-only trigger (see the audit-secrets migration).
   */
  private maintenance<T>(
    work: (query: (sql: string, params: unknown[]) => Promise<T>) => Promise<T>,
  ) {
    return this.db.transaction(async (manager) => {
      const runner = manager.queryRunner;
      if (!runner) throw new Error('a transaction without a query runner');
      await runner.query(`SELECT set_config('vigil.audit_maintenance', 'on', true)`);
      return work(async (sql, params) => (await runner.query(sql, params, true)).affected as T);
    });
  }

  /** Deletes entries older than `cutoff` (all tenants, or one); returns how many. */
  deleteOlderThan(cutoff: Date, tenantId: string | null): Promise<number> {
    return this.maintenance(async (run) =>
      tenantId === null
        ? run('DELETE FROM audit_log WHERE at < $1', [cutoff])
        : run('DELETE FROM audit_log WHERE at < $1 AND tenant_id = $2', [cutoff, tenantId]),
    );
  }

  /**
   * Pseudonymises a data subject's entries: the actor's label, address and user agent are cleared
   * wherever the subject acted (by id or e-mail) or appears as the address; returns how many.
   */
  eraseSubject(
    tenantId: string | null,
    subject: { userId: string | null; email: string | null; ip: string | null },
    replacement: string,
  ): Promise<number> {
    return this.maintenance(async (run) => {
      const actors = await run(
        `UPDATE audit_log SET actor_label = $5, ip = NULL, user_agent = NULL
          WHERE ($1::uuid IS NULL OR tenant_id = $1)
            AND (actor_id = $2 OR lower(actor_label) = lower($3) OR ip = $4::inet)`,
        [tenantId, subject.userId, subject.email, subject.ip, replacement],
      );
      // An e-mail also appears in details (member.invited) and as a target id.
      const mentions =
        subject.email === null
          ? 0
          : await run(
              `UPDATE audit_log
                  SET details = regexp_replace(details::text, $2, $4, 'gi')::jsonb,
                      target_id = CASE WHEN lower(target_id) = lower($3) THEN $4 ELSE target_id END
                WHERE ($1::uuid IS NULL OR tenant_id = $1)
                  AND (details::text ~* $2 OR lower(target_id) = lower($3))`,
              [tenantId, escapeRegExp(subject.email), subject.email, replacement],
            );
      return actors + mentions;
    });
  }

  /** Newest first. */
  async find(q: AuditQuery): Promise<AuditRow[]> {
    const where = ['tenant_id = $1'];
    const params: unknown[] = [q.tenantId];
    const add = (clause: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(clause(`$${params.length}`));
    };
    if (q.from) add((p) => `at >= ${p}`, q.from);
    if (q.to) add((p) => `at < ${p}`, q.to);
    if (q.actions || q.actionPrefixes) {
      const alternatives: string[] = [];
      if (q.actions) {
        params.push(q.actions);
        alternatives.push(`action = ANY($${params.length}::text[])`);
      }
      if (q.actionPrefixes) {
        params.push(q.actionPrefixes.map((p) => `${p.replace(/_/g, '\\_')}%`));
        alternatives.push(`action LIKE ANY($${params.length}::text[])`);
      }
      where.push(`(${alternatives.join(' OR ')})`);
    }
    if (q.actorId !== null) add((p) => `actor_id = ${p}`, q.actorId);
    if (q.targetKind !== null) add((p) => `target_kind = ${p}`, q.targetKind);
    if (q.targetId !== null) add((p) => `target_id = ${p}`, q.targetId);
    if (q.before) {
      params.push(q.before.at, q.before.id);
      where.push(`(at, id) < ($${params.length - 1}, $${params.length}::uuid)`);
    }
    params.push(q.limit);
    const sql = `SELECT ${COLUMNS} FROM audit_log WHERE ${where.join(' AND ')}
      ORDER BY at DESC, id DESC LIMIT $${params.length}`;
    const rows = await inTenantTransaction(this.db, q.tenantId, (tx) =>
      tx.query<DbRow>(sql, params),
    );
    return rows.map(fromDb);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function fromDb(r: DbRow): AuditRow {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    at: r.at,
    actorKind: r.actor_kind,
    actorId: r.actor_id,
    actorLabel: r.actor_label,
    ip: r.ip,
    userAgent: r.user_agent,
    action: r.action,
    targetKind: r.target_kind,
    targetId: r.target_id,
    details: r.details,
  };
}
