import type { MigrationInterface, QueryRunner } from 'typeorm';

import { secureTenantTable } from './support/row-level-security';

/**
 * Classification and learning (issue 8): people's feedback (every label kept; a new label on the
 * same log, pattern or anomaly is its next version and supersedes the last), the model registry
 * (versions with their metrics, training window, parameters, shadow statistics and serialised
 * state; one active and at most one shadow per tenant), the registry's history (training,
 * promotion, rollback, drift) and each tenant's category taxonomy.
 */
export class Learning1764270000000 implements MigrationInterface {
  name = 'Learning1764270000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE feedback (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id uuid NOT NULL,
        target_kind text NOT NULL CHECK (target_kind IN ('log', 'pattern', 'anomaly')),
        target_id text NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        category text,
        severity text,
        verdict text CHECK (verdict IN ('true_positive', 'false_positive', 'noise')),
        subject jsonb NOT NULL,
        given_by text NOT NULL,
        given_at timestamptz NOT NULL DEFAULT now(),
        superseded_at timestamptz,
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, target_kind, target_id, version)
      )`);
    await q.query(`CREATE INDEX feedback_given_idx ON feedback (tenant_id, given_at DESC)`);
    await secureTenantTable(q, 'feedback');

    await q.query(`
      CREATE TABLE model_versions (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id uuid NOT NULL,
        version integer NOT NULL,
        algorithm text NOT NULL,
        status text NOT NULL CHECK (status IN ('shadow', 'active', 'retired', 'rejected')),
        metrics jsonb NOT NULL,
        baseline_metrics jsonb,
        params jsonb NOT NULL,
        training jsonb NOT NULL,
        profile jsonb NOT NULL,
        shadow_stats jsonb NOT NULL DEFAULT '{}',
        state bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        activated_at timestamptz,
        retired_at timestamptz,
        decided_by text,
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, version)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX model_versions_one_active ON model_versions (tenant_id) WHERE status = 'active'`,
    );
    await q.query(
      `CREATE UNIQUE INDEX model_versions_one_shadow ON model_versions (tenant_id) WHERE status = 'shadow'`,
    );
    await secureTenantTable(q, 'model_versions');

    await q.query(`
      CREATE TABLE model_events (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id bigserial,
        at timestamptz NOT NULL DEFAULT now(),
        kind text NOT NULL,
        version_id uuid,
        details jsonb NOT NULL DEFAULT '{}',
        PRIMARY KEY (tenant_id, id)
      )`);
    await q.query(`CREATE INDEX model_events_at_idx ON model_events (tenant_id, at DESC)`);
    await secureTenantTable(q, 'model_events');
    await q.query(`GRANT USAGE ON SEQUENCE model_events_id_seq TO vigil_app`);

    await q.query(`
      CREATE TABLE classification_settings (
        tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
        taxonomy jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by text NOT NULL
      )`);
    await secureTenantTable(q, 'classification_settings');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['classification_settings', 'model_events', 'model_versions', 'feedback']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
