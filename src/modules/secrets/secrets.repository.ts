import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { inTenantTransaction, type TenantTx } from '../../common/database/tenant-transaction';

export interface SecretRow {
  name: string;
  ciphertext: string;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string;
  updatedBy: string;
}

interface DbRow {
  name: string;
  ciphertext: string;
  created_at: Date;
  updated_at: Date;
  created_by: string;
  updated_by: string;
}

const COLUMNS = 'name, ciphertext, created_at, updated_at, created_by, updated_by';

/** The only file of the secrets module that touches the database; every query is tenant-scoped. */
@Injectable()
export class SecretsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(tenantId: string, work: (tx: TenantTx) => Promise<T>): Promise<T> {
    return inTenantTransaction(this.db, tenantId, work);
  }

  /** Inserts or replaces; `created` tells which. */
  async upsert(
    tx: TenantTx,
    name: string,
    ciphertext: string,
    by: string,
  ): Promise<{ row: SecretRow; created: boolean }> {
    const [row] = await tx.query<DbRow & { created: boolean }>(
      `INSERT INTO secrets (tenant_id, name, ciphertext, created_by, updated_by)
       VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT (tenant_id, name) DO UPDATE
         SET ciphertext = EXCLUDED.ciphertext, updated_at = now(), updated_by = EXCLUDED.updated_by
       RETURNING ${COLUMNS}, (xmax = 0) AS created`,
      [tx.tenantId, name, ciphertext, by],
    );
    if (!row) throw new Error('upsert returned no row');
    return { row: fromDb(row), created: row.created };
  }

  async find(tx: TenantTx, name: string): Promise<SecretRow | null> {
    const [row] = await tx.query<DbRow>(
      `SELECT ${COLUMNS} FROM secrets WHERE tenant_id = $1 AND name = $2`,
      [tx.tenantId, name],
    );
    return row ? fromDb(row) : null;
  }

  /** Replaces the ciphertext only if nobody changed it meanwhile (a concurrent `set` wins). */
  async reseal(tx: TenantTx, name: string, from: string, to: string): Promise<void> {
    await tx.query(
      `UPDATE secrets SET ciphertext = $4 WHERE tenant_id = $1 AND name = $2 AND ciphertext = $3`,
      [tx.tenantId, name, from, to],
    );
  }

  async delete(tx: TenantTx, name: string): Promise<boolean> {
    const rows = await tx.query<{ name: string }>(
      `DELETE FROM secrets WHERE tenant_id = $1 AND name = $2 RETURNING name`,
      [tx.tenantId, name],
    );
    return rows.length > 0;
  }

  list(tenantId: string): Promise<SecretRow[]> {
    return this.transaction(tenantId, async (tx) =>
      (
        await tx.query<DbRow>(`SELECT ${COLUMNS} FROM secrets WHERE tenant_id = $1 ORDER BY name`, [
          tenantId,
        ])
      ).map(fromDb),
    );
  }
}

function fromDb(r: DbRow): SecretRow {
  return {
    name: r.name,
    ciphertext: r.ciphertext,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    createdBy: r.created_by,
    updatedBy: r.updated_by,
  };
}
