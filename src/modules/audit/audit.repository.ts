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
