import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { inTenantTransaction, type TenantTx } from '../../common/database/tenant-transaction';
import type { RunbookDefinition } from './runbook/runbook.types';

export interface RunbookRow {
  id: string;
  name: string;
  version: number;
  definition: RunbookDefinition;
  createdAt: Date;
  updatedAt: Date;
}

export interface RunbookVersionRow {
  version: number;
  definition: RunbookDefinition;
  createdBy: string;
  createdAt: Date;
}

/** Runbooks and their versions (a save adds a version; nothing is overwritten). */
@Injectable()
export class RunbookRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(tenantId: string, work: (tx: TenantTx) => Promise<T>): Promise<T> {
    return inTenantTransaction(this.db, tenantId, work);
  }

  /** Stores `definition` as the runbook's next version (creating the runbook); returns it. */
  async save(tx: TenantTx, definition: RunbookDefinition, by: string): Promise<RunbookRow> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 10))`, [
      `runbook:${tx.tenantId}:${definition.id}`,
    ]);
    const [current] = await tx.query<{ current_version: number }>(
      `SELECT current_version FROM runbooks WHERE tenant_id = $1 AND id = $2`,
      [tx.tenantId, definition.id],
    );
    const version = (current?.current_version ?? 0) + 1;
    const stored = { ...definition, version };
    await tx.query(
      `INSERT INTO runbooks (tenant_id, id, name, current_version) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, id) DO UPDATE
         SET name = excluded.name, current_version = excluded.current_version, updated_at = now()`,
      [tx.tenantId, definition.id, definition.name, version],
    );
    await tx.query(
      `INSERT INTO runbook_versions (tenant_id, runbook_id, version, definition, created_by)
       VALUES ($1, $2, $3, $4, $5)`,
      [tx.tenantId, definition.id, version, JSON.stringify(stored), by],
    );
    return (await this.find(tx, definition.id)) as RunbookRow;
  }

  /** Every tenant's runbooks with a schedule trigger (the scheduler's cross-tenant read). */
  async scheduled(): Promise<Array<{ tenantId: string; runbookId: string }>> {
    const rows = await this.db.query<Array<{ tenant_id: string; runbook_id: string }>>(
      `SELECT v.tenant_id, v.runbook_id FROM runbooks r
         JOIN runbook_versions v
           ON v.tenant_id = r.tenant_id AND v.runbook_id = r.id AND v.version = r.current_version
        WHERE v.definition->'trigger'->>'kind' = 'schedule'`,
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, runbookId: r.runbook_id }));
  }

  /** Deletes a runbook with its versions and runs; false when there was none. */
  async delete(tx: TenantTx, id: string): Promise<boolean> {
    const rows = await tx.query<{ id: string }>(
      `DELETE FROM runbooks WHERE tenant_id = $1 AND id = $2 RETURNING id`,
      [tx.tenantId, id],
    );
    return rows.length > 0;
  }

  /** Runs of a runbook that have not ended. */
  async unfinishedRuns(tx: TenantTx, id: string): Promise<number> {
    const [row] = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM runbook_runs
        WHERE tenant_id = $1 AND runbook_id = $2 AND status IN ('queued', 'running', 'waiting')`,
      [tx.tenantId, id],
    );
    return row?.n ?? 0;
  }

  async list(tx: TenantTx): Promise<RunbookRow[]> {
    const rows = await tx.query<DbRow>(`${SELECT} WHERE r.tenant_id = $1 ORDER BY r.id`, [
      tx.tenantId,
    ]);
    return rows.map(fromDb);
  }

  async find(tx: TenantTx, id: string): Promise<RunbookRow | null> {
    const [row] = await tx.query<DbRow>(`${SELECT} WHERE r.tenant_id = $1 AND r.id = $2`, [
      tx.tenantId,
      id,
    ]);
    return row ? fromDb(row) : null;
  }

  /** One version's definition (a run keeps the version it started with). */
  async definition(tx: TenantTx, id: string, version: number): Promise<RunbookDefinition | null> {
    const [row] = await tx.query<{ definition: RunbookDefinition }>(
      `SELECT definition FROM runbook_versions
        WHERE tenant_id = $1 AND runbook_id = $2 AND version = $3`,
      [tx.tenantId, id, version],
    );
    return row?.definition ?? null;
  }

  async versions(tx: TenantTx, id: string): Promise<RunbookVersionRow[]> {
    const rows = await tx.query<{
      version: number;
      definition: RunbookDefinition;
      created_by: string;
      created_at: Date;
    }>(
      `SELECT version, definition, created_by, created_at FROM runbook_versions
        WHERE tenant_id = $1 AND runbook_id = $2 ORDER BY version DESC`,
      [tx.tenantId, id],
    );
    return rows.map((r) => ({
      version: r.version,
      definition: r.definition,
      createdBy: r.created_by,
      createdAt: r.created_at,
    }));
  }
}

const SELECT = `SELECT r.id, r.name, r.current_version, v.definition, r.created_at, r.updated_at
  FROM runbooks r
  JOIN runbook_versions v
    ON v.tenant_id = r.tenant_id AND v.runbook_id = r.id AND v.version = r.current_version`;

interface DbRow {
  id: string;
  name: string;
  current_version: number;
  definition: RunbookDefinition;
  created_at: Date;
  updated_at: Date;
}

function fromDb(r: DbRow): RunbookRow {
  return {
    id: r.id,
    name: r.name,
    version: r.current_version,
    definition: r.definition,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
