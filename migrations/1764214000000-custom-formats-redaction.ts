import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenants' custom log formats (grok or named-group regex) and PII redaction policies, both tenant
 * tables with forced row-level security like the others (migrations/1764160000000-row-level-
 * security.ts): the application reads and writes them as `vigil_app` inside a tenant transaction,
 * so a query that forgets its tenant filter sees nothing of other tenants.
 *
 * `log_formats.service` / `dataset` pin a format: it is tried first for records of that service or
 * sent to that dataset. A tenant without a `redaction_policies` row gets the default rules.
 */
export class CustomFormatsRedaction1764214000000 implements MigrationInterface {
  name = 'CustomFormatsRedaction1764214000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE log_formats (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        name text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
        kind text NOT NULL CHECK (kind IN ('grok', 'regex')),
        pattern text NOT NULL CHECK (length(pattern) BETWEEN 1 AND 8192),
        service text CHECK (service IS NULL OR length(service) BETWEEN 1 AND 256),
        dataset text CHECK (dataset IS NULL OR length(dataset) BETWEEN 1 AND 256),
        priority integer NOT NULL DEFAULT 0 CHECK (priority BETWEEN -1000 AND 1000),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL,
        updated_by text NOT NULL,
        UNIQUE (tenant_id, name)
      )`);
    await secure(q, 'log_formats');
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON log_formats TO vigil_app`);

    await q.query(`
      CREATE TABLE redaction_policies (
        tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
        rules text[] NOT NULL CHECK (rules <@ ARRAY['EMAIL', 'CREDIT_CARD', 'IBAN', 'BEARER_TOKEN',
          'API_KEY', 'JWT', 'PASSWORD', 'IP']::text[]),
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by text NOT NULL
      )`);
    await secure(q, 'redaction_policies');
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON redaction_policies TO vigil_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE redaction_policies`);
    await q.query(`DROP TABLE log_formats`);
  }
}

async function secure(q: QueryRunner, table: string): Promise<void> {
  await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
  await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
  await q.query(`
    CREATE POLICY tenant_isolation ON ${table}
      USING (tenant_id = vigil_current_tenant()) WITH CHECK (tenant_id = vigil_current_tenant())`);
}
