import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenants, API keys and the log table.
 *
 * Logs are range-partitioned by day on `ts` (partitions are created ahead by the app and dropped
 * by retention). Full-text search uses a GIN index over `to_tsvector('simple', body)`: the
 * `simple` configuration keeps identifiers, codes and paths intact (no stemming or stop words,
 * which suit prose, not logs), and `fastupdate` with a large pending list moves most of the index
 * maintenance out of the COPY path into batched merges.
 */
export class Init1764144000000 implements MigrationInterface {
  name = 'Init1764144000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
        name text NOT NULL,
        retention_days integer CHECK (retention_days IS NULL OR retention_days > 0),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        name text NOT NULL,
        key_prefix text NOT NULL,
        key_hash bytea NOT NULL UNIQUE,
        scopes text[] NOT NULL CHECK (scopes <@ ARRAY['ingest','read','admin']::text[]),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id)`);
    await q.query(`
      CREATE TABLE logs (
        tenant_id uuid NOT NULL,
        ts timestamptz NOT NULL,
        id uuid NOT NULL,
        observed_ts timestamptz NOT NULL,
        severity_number smallint NOT NULL,
        severity_text text NOT NULL,
        body text NOT NULL,
        service text NOT NULL,
        host text NOT NULL,
        dataset text NOT NULL,
        format text NOT NULL,
        trace_id text,
        span_id text,
        attributes jsonb NOT NULL
      ) PARTITION BY RANGE (ts)`);
    await q.query(`CREATE INDEX logs_tenant_ts_idx ON logs (tenant_id, ts DESC, id DESC)`);
    await q.query(
      `CREATE INDEX logs_body_fts_idx ON logs USING gin (to_tsvector('simple'::regconfig, body))
         WITH (fastupdate = on, gin_pending_list_limit = 65536)`,
    );
    await q.query(
      `CREATE INDEX logs_trace_idx ON logs (tenant_id, trace_id) WHERE trace_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE logs`);
    await q.query(`DROP TABLE api_keys`);
    await q.query(`DROP TABLE tenants`);
  }
}
