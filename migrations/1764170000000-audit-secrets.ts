import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log and the secrets store, both tenant tables with forced row-level security.
 *
 * `audit_log` is append-only, in two layers:
 * - `vigil_app` is granted SELECT and INSERT only, so the application's tenant-scoped connection
 *   cannot change or remove an entry whatever its SQL says;
 * - a trigger refuses UPDATE, DELETE and TRUNCATE for every role (the owner and superusers too),
 *   unless the transaction has set `vigil.audit_maintenance` to `on` and is not running as
 *   `vigil_app`. Only the owner connection does that, for tenant erasure (deleting a tenant
 *   cascades to its entries), a data subject's erasure and retention:
 *     SELECT set_config('vigil.audit_maintenance', 'on', true);  -- this transaction only
 *   A trigger rather than a revoke alone, because the owner and superusers bypass privileges:
 *   removing an entry then takes a deliberate, greppable statement, never a stray DELETE.
 *
 * `at` is kept to the millisecond so the (at, id) page cursor round-trips through JavaScript.
 * Entries without a tenant (a failed login for an unknown e-mail) have a NULL tenant: no tenant
 * admin sees them, only the operator.
 *
 * `secrets` holds values sealed by SecretBox (`v1.<key id>.…`) with the context
 * `tenant:<id>:secret:<name>`; the plaintext never reaches the database.
 */
export class AuditSecrets1764170000000 implements MigrationInterface {
  name = 'AuditSecrets1764170000000';

  async up(q: QueryRunner): Promise<void> {
    // Tenant-scoped transactions run `SET LOCAL ROLE vigil_app` on the owner's connection, which a
    // non-superuser owner may only do as a member of the role.
    await q.query(`
      DO $$ BEGIN
        IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
          EXECUTE format('GRANT vigil_app TO %I', current_user);
        END IF;
      EXCEPTION WHEN insufficient_privilege THEN
        RAISE WARNING 'could not grant vigil_app to %: grant it by hand', current_user;
      END $$`);
    await q.query(`
      CREATE TABLE audit_log (
        id uuid PRIMARY KEY,
        tenant_id uuid REFERENCES tenants(id) ON DELETE CASCADE,
        at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
        actor_kind text NOT NULL CHECK (actor_kind IN ('user', 'api_key', 'system')),
        actor_id text,
        actor_label text,
        ip inet,
        user_agent text,
        action text NOT NULL CHECK (action ~ '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$'),
        target_kind text,
        target_id text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await q.query(
      `CREATE INDEX audit_log_tenant_at_idx ON audit_log (tenant_id, at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX audit_log_tenant_action_idx ON audit_log (tenant_id, action, at DESC)`,
    );
    await q.query(
      `CREATE INDEX audit_log_tenant_target_idx ON audit_log (tenant_id, target_kind, target_id)`,
    );
    await q.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF coalesce(current_setting('vigil.audit_maintenance', true), '') = 'on'
           AND current_user <> 'vigil_app' THEN
          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
          USING ERRCODE = 'insufficient_privilege',
                HINT = 'erasure and retention set vigil.audit_maintenance in their transaction';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
    await q.query(`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
    await q.query(`ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE audit_log FORCE ROW LEVEL SECURITY`);
    await q.query(`
      CREATE POLICY tenant_isolation ON audit_log USING (tenant_id = vigil_current_tenant())
        WITH CHECK (tenant_id = vigil_current_tenant())`);
    await q.query(`GRANT SELECT, INSERT ON audit_log TO vigil_app`);

    await q.query(`
      CREATE TABLE secrets (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        name text NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$'),
        ciphertext text NOT NULL CHECK (ciphertext LIKE 'v1.%'),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL,
        updated_by text NOT NULL,
        PRIMARY KEY (tenant_id, name)
      )`);
    await q.query(`ALTER TABLE secrets ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE secrets FORCE ROW LEVEL SECURITY`);
    await q.query(`
      CREATE POLICY tenant_isolation ON secrets USING (tenant_id = vigil_current_tenant())
        WITH CHECK (tenant_id = vigil_current_tenant())`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON secrets TO vigil_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE secrets`);
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP FUNCTION audit_log_append_only()`);
  }
}
