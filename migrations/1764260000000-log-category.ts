import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Log categories: every log row carries the category the tenant's classifier gave it at ingest
 * (modules/classification) and the classifier's calibrated probability for it. Both are NULL for
 * records stored before classification existed or that no classifier saw.
 *
 * The columns are nullable without a default, so adding them rewrites no partition. The partial
 * index serves `category:<name>` within a time range the way `logs_pattern_idx`
 * (migrations/1764220000000-patterns.ts) serves `pattern:<id>`. There is no CHECK on the
 * confidence: the log store's encoder writes only probabilities (postgres-log-rows.ts), and a
 * failed check would reject the user's record over Vigil's own annotation.
 */
export class LogCategory1764260000000 implements MigrationInterface {
  name = 'LogCategory1764260000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE logs ADD COLUMN category text, ADD COLUMN category_confidence real`);
    await q.query(
      `CREATE INDEX logs_category_idx ON logs (tenant_id, category, ts) WHERE category IS NOT NULL`,
    );
    // The columns of LOG_COLUMNS (postgres-log-rows.ts); new columns go last, as OR REPLACE needs.
    await q.query(`
      CREATE OR REPLACE VIEW tenant_logs AS
        SELECT tenant_id, ts, id, observed_ts, severity_number, severity_text, body, service, host,
               dataset, format, trace_id, span_id, attributes, pattern_id, pattern_params,
               category, category_confidence
          FROM logs WHERE tenant_id = vigil_current_tenant()`);
  }

  async down(q: QueryRunner): Promise<void> {
    // OR REPLACE cannot drop a view's columns.
    await q.query(`DROP VIEW tenant_logs`);
    await q.query(`
      CREATE VIEW tenant_logs AS
        SELECT tenant_id, ts, id, observed_ts, severity_number, severity_text, body, service, host,
               dataset, format, trace_id, span_id, attributes, pattern_id, pattern_params
          FROM logs WHERE tenant_id = vigil_current_tenant()`);
    await q.query(`GRANT SELECT ON tenant_logs TO vigil_app`);
    await q.query(`DROP INDEX logs_category_idx`);
    await q.query(`ALTER TABLE logs DROP COLUMN category_confidence, DROP COLUMN category`);
  }
}
