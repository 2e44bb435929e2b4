import type { MigrationInterface, QueryRunner } from 'typeorm';

import { secureTenantTable } from './support/row-level-security';

/**
 * Remediation (issue 11), first part: each tenant's runbooks and every version of their
 * definitions (a save never overwrites; the runbook points at its current version).
 */
export class Runbooks1764290000000 implements MigrationInterface {
  name = 'Runbooks1764290000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE runbooks (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id text NOT NULL CHECK (length(id) BETWEEN 1 AND 100),
        name text NOT NULL,
        current_version integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id)
      )`);
    await secureTenantTable(q, 'runbooks');
    await q.query(`
      CREATE TABLE runbook_versions (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        runbook_id text NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        definition jsonb NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, runbook_id, version),
        FOREIGN KEY (tenant_id, runbook_id) REFERENCES runbooks (tenant_id, id) ON DELETE CASCADE
      )`);
    await secureTenantTable(q, 'runbook_versions');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE runbook_versions`);
    await q.query(`DROP TABLE runbooks`);
  }
}
