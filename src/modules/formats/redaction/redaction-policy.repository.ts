import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { inTenantTransaction, type TenantTx } from '../../../common/database/tenant-transaction';
import type { RedactionRule } from './redaction-rules';

export interface RedactionPolicyRow {
  rules: RedactionRule[];
  updatedAt: Date;
  updatedBy: string;
}

interface DbRow {
  rules: RedactionRule[];
  updated_at: Date;
  updated_by: string;
}

/** The only file of redaction that touches the database; every query is tenant-scoped. */
@Injectable()
export class RedactionPolicyRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(tenantId: string, work: (tx: TenantTx) => Promise<T>): Promise<T> {
    return inTenantTransaction(this.db, tenantId, work);
  }

  async find(tx: TenantTx): Promise<RedactionPolicyRow | null> {
    const [row] = await tx.query<DbRow>(
      'SELECT rules, updated_at, updated_by FROM redaction_policies WHERE tenant_id = $1',
      [tx.tenantId],
    );
    return row ? fromDb(row) : null;
  }

  async upsert(
    tx: TenantTx,
    rules: readonly RedactionRule[],
    by: string,
  ): Promise<RedactionPolicyRow> {
    const [row] = await tx.query<DbRow>(
      `INSERT INTO redaction_policies (tenant_id, rules, updated_by) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id) DO UPDATE
         SET rules = EXCLUDED.rules, updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING rules, updated_at, updated_by`,
      [tx.tenantId, rules, by],
    );
    if (!row) throw new Error('upsert returned no row');
    return fromDb(row);
  }
}

function fromDb(r: DbRow): RedactionPolicyRow {
  return { rules: r.rules, updatedAt: r.updated_at, updatedBy: r.updated_by };
}
