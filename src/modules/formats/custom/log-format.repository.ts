import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { inTenantTransaction, type TenantTx } from '../../../common/database/tenant-transaction';
import { CustomFormatError } from './custom-formats.errors';
import type { CustomFormatKind } from './custom-line-format';

export interface LogFormatRow {
  id: string;
  name: string;
  kind: CustomFormatKind;
  pattern: string;
  service: string | null;
  dataset: string | null;
  priority: number;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string;
  updatedBy: string;
}

/** The columns a create or an update writes. */
export type LogFormatValues = Pick<
  LogFormatRow,
  'name' | 'kind' | 'pattern' | 'service' | 'dataset' | 'priority'
>;

interface DbRow {
  id: string;
  name: string;
  kind: CustomFormatKind;
  pattern: string;
  service: string | null;
  dataset: string | null;
  priority: number;
  created_at: Date;
  updated_at: Date;
  created_by: string;
  updated_by: string;
}

const COLUMNS =
  'id, name, kind, pattern, service, dataset, priority, created_at, updated_at, created_by, updated_by';
const UNIQUE_VIOLATION = '23505';

/**
 * The only file of custom formats that touches the database. Every query runs in a tenant
 * transaction as `vigil_app` (row-level security), and names its tenant too.
 */
@Injectable()
export class LogFormatRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(tenantId: string, work: (tx: TenantTx) => Promise<T>): Promise<T> {
    return inTenantTransaction(this.db, tenantId, work);
  }

  list(tenantId: string): Promise<LogFormatRow[]> {
    return this.transaction(tenantId, async (tx) =>
      (
        await tx.query<DbRow>(
          `SELECT ${COLUMNS} FROM log_formats WHERE tenant_id = $1 ORDER BY priority DESC, name`,
          [tenantId],
        )
      ).map(fromDb),
    );
  }

  /** Serializes creations in one tenant (the per-tenant limit is counted, then inserted). */
  async lockTenant(tx: TenantTx): Promise<void> {
    await tx.query('SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE', [tx.tenantId]);
  }

  async count(tx: TenantTx): Promise<number> {
    const [row] = await tx.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM log_formats WHERE tenant_id = $1',
      [tx.tenantId],
    );
    return row?.n ?? 0;
  }

  async find(tx: TenantTx, id: string): Promise<LogFormatRow | null> {
    const [row] = await tx.query<DbRow>(
      `SELECT ${COLUMNS} FROM log_formats WHERE tenant_id = $1 AND id = $2`,
      [tx.tenantId, id],
    );
    return row ? fromDb(row) : null;
  }

  /** Null when the name is taken in this tenant. */
  async insert(tx: TenantTx, values: LogFormatValues, by: string): Promise<LogFormatRow | null> {
    const [row] = await tx.query<DbRow>(
      `INSERT INTO log_formats (tenant_id, name, kind, pattern, service, dataset, priority, created_by, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
       ON CONFLICT (tenant_id, name) DO NOTHING
       RETURNING ${COLUMNS}`,
      [tx.tenantId, ...valueList(values), by],
    );
    return row ? fromDb(row) : null;
  }

  async nameTaken(tx: TenantTx, name: string, exceptId: string): Promise<boolean> {
    const rows = await tx.query(
      'SELECT 1 FROM log_formats WHERE tenant_id = $1 AND name = $2 AND id <> $3',
      [tx.tenantId, name, exceptId],
    );
    return rows.length > 0;
  }

  /**
   * Null when there is no such format. A name taken concurrently (after `nameTaken`) fails the
   * statement, and with it the transaction, as FORMAT_EXISTS.
   */
  async update(
    tx: TenantTx,
    id: string,
    values: LogFormatValues,
    by: string,
  ): Promise<LogFormatRow | null> {
    try {
      const [row] = await tx.query<DbRow>(
        `UPDATE log_formats
            SET name = $3, kind = $4, pattern = $5, service = $6, dataset = $7, priority = $8,
                updated_by = $9, updated_at = now()
          WHERE tenant_id = $1 AND id = $2
          RETURNING ${COLUMNS}`,
        [tx.tenantId, id, ...valueList(values), by],
      );
      return row ? fromDb(row) : null;
    } catch (err) {
      if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
      throw new CustomFormatError('FORMAT_EXISTS', `a format named "${values.name}" exists`, {
        cause: err,
      });
    }
  }

  async delete(tx: TenantTx, id: string): Promise<LogFormatRow | null> {
    const [row] = await tx.query<DbRow>(
      `DELETE FROM log_formats WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [tx.tenantId, id],
    );
    return row ? fromDb(row) : null;
  }
}

function valueList(v: LogFormatValues): unknown[] {
  return [v.name, v.kind, v.pattern, v.service, v.dataset, v.priority];
}

function fromDb(r: DbRow): LogFormatRow {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    pattern: r.pattern,
    service: r.service,
    dataset: r.dataset,
    priority: r.priority,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    createdBy: r.created_by,
    updatedBy: r.updated_by,
  };
}
