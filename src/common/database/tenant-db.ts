import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, PoolClient } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';

import { isUuid } from '../ids/uuid';

/** The role tenant-scoped queries run as (migrations/1764150000000-app-role.ts). */
export const APP_ROLE = 'vigil_app';

/** Anything that runs SQL on one connection: a pg client or a TypeORM EntityManager. */
export interface SqlSession {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * Inside an open transaction: becomes `vigil_app` and sets the tenant, both until the transaction
 * ends. Row-level security then shows this tenant's rows only, whatever the query's WHERE says.
 */
export async function enterTenant(session: SqlSession, tenantId: string): Promise<void> {
  assertTenantId(tenantId);
  // SET LOCAL ROLE and the tenant in one round trip; set_config(..., true) is transaction-local.
  await session.query(
    `SELECT set_config('role', '${APP_ROLE}', true), set_config('vigil.tenant_id', $1, true)`,
    [tenantId],
  );
}

/**
 * Runs `work` on one pooled connection, in a transaction, as `vigil_app` with `tenantId` set; the
 * transaction commits when `work` resolves and rolls back when it throws. The connection goes
 * back to the pool as the owner again (SET LOCAL ends with the transaction).
 */
export async function withTenant<T>(
  pool: Pool,
  tenantId: string,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  assertTenantId(tenantId);
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    await enterTenant(client, tenantId);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    // A connection that cannot even roll back is not given to the next caller.
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw err;
  } finally {
    client.release(broken);
  }
}

/**
 * Tenant-scoped metadata through TypeORM: `withTenant(principal.tenantId, (m) => m.find(...))`.
 * Every read and write `work` makes through `manager` is bound by row-level security to that
 * tenant; use it for anything a tenant's credential asks for (listing its keys, its rules...).
 * Cross-tenant work (credential lookup, retention, migrations) uses the DataSource directly.
 */
@Injectable()
export class TenantDb {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  withTenant<T>(tenantId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(async (manager) => {
      await enterTenant(manager, tenantId);
      return work(manager);
    });
  }
}

function assertTenantId(tenantId: string): void {
  if (!isUuid(tenantId)) throw new TypeError(`tenant id "${tenantId}" is not a UUID`);
}
