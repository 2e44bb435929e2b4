import type { QueryRunner } from 'typeorm';

/**
 * Puts a tenant table behind forced row-level security with the policy every tenant table has
 * (see 1764160000000-row-level-security.ts): rows of the current tenant only.
 */
export async function secureTenantTable(q: QueryRunner, table: string): Promise<void> {
  await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
  await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
  await q.query(`
    CREATE POLICY tenant_isolation ON ${table}
      USING (tenant_id = vigil_current_tenant()) WITH CHECK (tenant_id = vigil_current_tenant())`);
  await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO vigil_app`);
}
