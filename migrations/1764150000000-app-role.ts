import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The role tenant-scoped queries run as. Every tenant table gets row-level security, forced, with
 * a policy on `vigil.tenant_id` (set per transaction); `vigil_app` is not the tables' owner and
 * has no BYPASSRLS, so a query that forgets its tenant filter sees nothing. The role that runs
 * migrations (DATABASE_URL) owns the tables and must be a superuser or have BYPASSRLS: it does
 * the cross-tenant work (credential lookups, retention, the log writer's COPY).
 *
 * A tenant table opts in with, in its own migration:
 *   ALTER TABLE t ENABLE ROW LEVEL SECURITY; ALTER TABLE t FORCE ROW LEVEL SECURITY;
 *   CREATE POLICY tenant_isolation ON t USING (tenant_id = vigil_current_tenant())
 *     WITH CHECK (tenant_id = vigil_current_tenant());
 *   GRANT SELECT, INSERT, UPDATE, DELETE ON t TO vigil_app;  -- or less (audit: SELECT, INSERT)
 *
 * Roles are cluster-wide, so databases created side by side (tests) share it.
 */
export class AppRole1764150000000 implements MigrationInterface {
  name = 'AppRole1764150000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        CREATE ROLE vigil_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`);
    await q.query(`GRANT USAGE ON SCHEMA public TO vigil_app`);
    // NULL (no tenant set) matches no row: a forgotten tenant returns nothing.
    await q.query(`
      CREATE FUNCTION vigil_current_tenant() RETURNS uuid LANGUAGE sql STABLE AS
        $$ SELECT nullif(current_setting('vigil.tenant_id', true), '')::uuid $$`);
    await q.query(`GRANT EXECUTE ON FUNCTION vigil_current_tenant() TO vigil_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION vigil_current_tenant()`);
    await q.query(`REVOKE USAGE ON SCHEMA public FROM vigil_app`);
  }
}
