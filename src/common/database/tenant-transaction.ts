import type { DataSource, QueryRunner } from 'typeorm';

import { enterTenant } from './tenant-db';

/**
 * One transaction running as `vigil_app` with `vigil.tenant_id` set: row-level security limits
 * every statement in it to that tenant, whatever its SQL says (see the app-role migration).
 */
export class TenantTx {
  constructor(
    readonly tenantId: string,
    private readonly runner: QueryRunner,
  ) {}

  /** The rows the statement returned (SELECT, or any statement with RETURNING). */
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const result = await this.runner.query(sql, params, true);
    return (result.records ?? []) as T[];
  }
}

/** Runs `work` in a transaction scoped to `tenantId` (SET LOCAL, so it ends with the transaction). */
export function inTenantTransaction<T>(
  db: DataSource,
  tenantId: string,
  work: (tx: TenantTx) => Promise<T>,
): Promise<T> {
  return db.transaction(async (manager) => {
    const runner = manager.queryRunner;
    if (!runner) throw new Error('a transaction without a query runner');
    await enterTenant(runner, tenantId);
    return work(new TenantTx(tenantId, runner));
  });
}
