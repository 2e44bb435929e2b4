import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Forced row-level security on the tenant tables that exist so far (`tenants`, `api_keys`,
 * `logs` and every log partition), following migrations/1764150000000-app-role.ts.
 *
 * `logs` is partitioned. Postgres checks the policies of the table named in a query, not those of
 * the partitions it reaches, so tenant-scoped reads name `logs` (or the `tenant_logs` view below),
 * never a partition. `vigil_app` holds no privilege on any partition, and each partition also gets
 * the same forced policy (`vigil_secure_log_partition`, called by the log store whenever it creates
 * one), so a partition named directly is refused twice over.
 *
 * `tenant_logs` is how the log store reads: a plain view, owned by the migration role, that keeps
 * the rows of `vigil_current_tenant()`. Under row-level security Postgres evaluates the policy
 * before any clause whose function is not LEAKPROOF, and the full-text match (`ts_match_vq`) is
 * not, so reads of `logs` as `vigil_app` cannot use the GIN index: a rare-word search scans the
 * tenant's whole time range (measured 100x slower on 200k rows). Through the view the planner may
 * use every index, and a query that forgets its tenant filter still sees only the current
 * tenant's rows, or none when no tenant is set. The view is deliberately not a security barrier:
 * its only callers are our own query translator, whose clauses never raise errors that depend on
 * row content (a clause that can, such as a cast of an attribute to a number, must be written so
 * it cannot fail before it joins the translator).
 *
 * The log writer's COPY stays on the owner role (COPY FROM is refused on a table with row-level
 * security for a role it applies to); its rows carry the tenant of the credential, see
 * PostgresLogStore.
 */
export class RowLevelSecurity1764160000000 implements MigrationInterface {
  name = 'RowLevelSecurity1764160000000';

  async up(q: QueryRunner): Promise<void> {
    // FORCE applies the policies to the tables' owner too: without BYPASSRLS, credential lookups,
    // the log writer and retention would see and write nothing. Say so now rather than then.
    await q.query(`
      DO $$ BEGIN
        IF NOT (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user) THEN
          RAISE EXCEPTION 'role % (DATABASE_URL) must be a superuser or have BYPASSRLS: it owns the tables and does the cross-tenant work (ALTER ROLE % BYPASSRLS)', current_user, current_user;
        END IF;
      END $$`);
    // The application switches to vigil_app per transaction (SET LOCAL ROLE), which needs
    // membership unless it is a superuser; checked first so concurrent test databases do not race
    // on the cluster-wide grant.
    await q.query(`
      DO $$ BEGIN
        IF NOT pg_has_role(current_user, 'vigil_app', 'MEMBER') THEN
          EXECUTE format('GRANT vigil_app TO %I', current_user);
        END IF;
      END $$`);

    await secure(q, 'api_keys', 'tenant_id');
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON api_keys TO vigil_app`);
    // A tenant sees its own row only.
    await secure(q, 'tenants', 'id');
    await q.query(`GRANT SELECT, UPDATE ON tenants TO vigil_app`);

    await secure(q, 'logs', 'tenant_id');
    await q.query(`GRANT SELECT ON logs TO vigil_app`);
    await q.query(`
      CREATE FUNCTION vigil_secure_log_partition(part regclass) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', part);
        EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', part);
        IF NOT EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = part AND polname = 'tenant_isolation') THEN
          EXECUTE format(
            'CREATE POLICY tenant_isolation ON %s USING (tenant_id = vigil_current_tenant())
               WITH CHECK (tenant_id = vigil_current_tenant())', part);
        END IF;
      END $$`);
    await q.query(`
      SELECT vigil_secure_log_partition(i.inhrelid::regclass) FROM pg_inherits i
       WHERE i.inhparent = 'logs'::regclass`);

    // The columns of LOG_COLUMNS (postgres-log-rows.ts); a migration that adds a log column
    // recreates the view.
    await q.query(`
      CREATE VIEW tenant_logs AS
        SELECT tenant_id, ts, id, observed_ts, severity_number, severity_text, body, service, host,
               dataset, format, trace_id, span_id, attributes
          FROM logs WHERE tenant_id = vigil_current_tenant()`);
    await q.query(`GRANT SELECT ON tenant_logs TO vigil_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW tenant_logs`);
    for (const part of (await q.query(
      `SELECT i.inhrelid::regclass::text AS name FROM pg_inherits i WHERE i.inhparent = 'logs'::regclass`,
    )) as Array<{ name: string }>) {
      await unsecure(q, part.name);
    }
    await q.query(`DROP FUNCTION vigil_secure_log_partition(regclass)`);
    await q.query(`REVOKE ALL ON logs, tenants, api_keys FROM vigil_app`);
    for (const table of ['logs', 'tenants', 'api_keys']) await unsecure(q, table);
  }
}

async function secure(q: QueryRunner, table: string, column: string): Promise<void> {
  await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
  await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
  await q.query(`
    CREATE POLICY tenant_isolation ON ${table}
      USING (${column} = vigil_current_tenant()) WITH CHECK (${column} = vigil_current_tenant())`);
}

async function unsecure(q: QueryRunner, table: string): Promise<void> {
  await q.query(`DROP POLICY IF EXISTS tenant_isolation ON ${table}`);
  await q.query(`ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY`);
  await q.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
}
