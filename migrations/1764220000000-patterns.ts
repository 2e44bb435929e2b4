import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Log patterns (issue 5): every log row carries the pattern its message was mined into and the
 * values behind the template's `<*>`; the catalogue (`patterns`), its hourly counts
 * (`pattern_counts`) and the miners' checkpoints (`template_snapshots`) are tenant tables with
 * forced row-level security like the others (migrations/1764214000000-custom-formats-redaction.ts).
 *
 * A `patterns` row with `merged_into` set is a merge the user asked for: it is kept (not listed)
 * so the merge is re-applied to the miner after a restart or relearning. `aliases` holds the ids a
 * pattern had before its template generalised (and the ids merged into it), so an old id found
 * in stored logs still resolves.
 */
export class Patterns1764220000000 implements MigrationInterface {
  name = 'Patterns1764220000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE logs ADD COLUMN pattern_id text, ADD COLUMN pattern_params text[]`);
    await q.query(
      `CREATE INDEX logs_pattern_idx ON logs (tenant_id, pattern_id, ts) WHERE pattern_id IS NOT NULL`,
    );
    // The columns of LOG_COLUMNS (postgres-log-rows.ts), as in the row-level-security migration.
    await q.query(`
      CREATE OR REPLACE VIEW tenant_logs AS
        SELECT tenant_id, ts, id, observed_ts, severity_number, severity_text, body, service, host,
               dataset, format, trace_id, span_id, attributes, pattern_id, pattern_params
          FROM logs WHERE tenant_id = vigil_current_tenant()`);

    await q.query(`
      CREATE TABLE patterns (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        service text NOT NULL,
        id text NOT NULL,
        template text NOT NULL,
        name text CHECK (name IS NULL OR length(name) BETWEEN 1 AND 200),
        first_seen timestamptz NOT NULL,
        last_seen timestamptz NOT NULL,
        count bigint NOT NULL DEFAULT 0,
        examples jsonb NOT NULL DEFAULT '[]',
        param_stats jsonb NOT NULL DEFAULT '[]',
        aliases text[] NOT NULL DEFAULT '{}',
        merged_into text,
        pinned boolean NOT NULL DEFAULT false,
        user_defined boolean NOT NULL DEFAULT false,
        PRIMARY KEY (tenant_id, id)
      )`);
    await q.query(`CREATE INDEX patterns_service_idx ON patterns (tenant_id, service)`);
    await q.query(`CREATE INDEX patterns_aliases_idx ON patterns USING gin (aliases)`);
    await secure(q, 'patterns');
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON patterns TO vigil_app`);

    await q.query(`
      CREATE TABLE pattern_counts (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        pattern_id text NOT NULL,
        hour timestamptz NOT NULL,
        count bigint NOT NULL,
        PRIMARY KEY (tenant_id, pattern_id, hour)
      )`);
    await q.query(`CREATE INDEX pattern_counts_hour_idx ON pattern_counts (tenant_id, hour)`);
    await secure(q, 'pattern_counts');
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON pattern_counts TO vigil_app`);

    await q.query(`
      CREATE TABLE template_snapshots (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        service text NOT NULL,
        state jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, service)
      )`);
    await secure(q, 'template_snapshots');
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON template_snapshots TO vigil_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE template_snapshots`);
    await q.query(`DROP TABLE pattern_counts`);
    await q.query(`DROP TABLE patterns`);
    await q.query(`DROP VIEW tenant_logs`);
    await q.query(`
      CREATE VIEW tenant_logs AS
        SELECT tenant_id, ts, id, observed_ts, severity_number, severity_text, body, service, host,
               dataset, format, trace_id, span_id, attributes
          FROM logs WHERE tenant_id = vigil_current_tenant()`);
    await q.query(`GRANT SELECT ON tenant_logs TO vigil_app`);
    await q.query(`DROP INDEX logs_pattern_idx`);
    await q.query(`ALTER TABLE logs DROP COLUMN pattern_params, DROP COLUMN pattern_id`);
  }
}

async function secure(q: QueryRunner, table: string): Promise<void> {
  await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
  await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
  await q.query(`
    CREATE POLICY tenant_isolation ON ${table}
      USING (tenant_id = vigil_current_tenant()) WITH CHECK (tenant_id = vigil_current_tenant())`);
}
