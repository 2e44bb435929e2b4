import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Export and erasure jobs. `tenant_id` has no foreign key on purpose: the record of a tenant's
 * erasure outlives the tenant. `params` never holds a data subject's identifiers in plain text
 * (they are sealed with the secret box while the job waits, and dropped when it ends).
 */
export class PrivacyJobs1764200000000 implements MigrationInterface {
  name = 'PrivacyJobs1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE privacy_jobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('export', 'erase_tenant', 'erase_subject')),
        requested_by text NOT NULL,
        requested_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        status text NOT NULL DEFAULT 'queued'
          CHECK (status IN ('queued', 'running', 'done', 'failed')),
        params jsonb NOT NULL DEFAULT '{}'::jsonb,
        report jsonb
      )`);
    await q.query(
      `CREATE INDEX privacy_jobs_tenant_idx ON privacy_jobs (tenant_id, requested_at DESC)`,
    );
    await q.query(`ALTER TABLE privacy_jobs ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE privacy_jobs FORCE ROW LEVEL SECURITY`);
    await q.query(`
      CREATE POLICY tenant_isolation ON privacy_jobs
        USING (tenant_id = vigil_current_tenant())
        WITH CHECK (tenant_id = vigil_current_tenant())`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON privacy_jobs TO vigil_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE privacy_jobs`);
  }
}
