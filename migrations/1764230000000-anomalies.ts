import type { MigrationInterface, QueryRunner } from 'typeorm';

import { secureTenantTable } from './support/row-level-security';

/**
 * Anomaly detection (issue 6): the anomalies the ensemble opened, each tenant's detector
 * checkpoint, and its detection settings (tenant-wide under service '', or one service's).
 */
export class Anomalies1764230000000 implements MigrationInterface {
  name = 'Anomalies1764230000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE anomalies (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id uuid NOT NULL,
        service text NOT NULL,
        kind text NOT NULL,
        kinds text[] NOT NULL,
        score real NOT NULL CHECK (score >= 0 AND score <= 1),
        status text NOT NULL CHECK (status IN ('open', 'resolved')),
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        detected_at timestamptz NOT NULL,
        last_activity timestamptz NOT NULL,
        explanation text NOT NULL,
        evidence jsonb NOT NULL,
        subjects text[] NOT NULL,
        candidates integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id)
      )`);
    await q.query(
      `CREATE INDEX anomalies_started_idx ON anomalies (tenant_id, started_at DESC, id DESC)`,
    );
    await q.query(`CREATE INDEX anomalies_open_idx ON anomalies (tenant_id) WHERE status = 'open'`);
    await secureTenantTable(q, 'anomalies');

    await q.query(`
      CREATE TABLE detector_states (
        tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
        state jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await secureTenantTable(q, 'detector_states');

    await q.query(`
      CREATE TABLE detection_settings (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        service text NOT NULL,
        settings jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by text NOT NULL,
        PRIMARY KEY (tenant_id, service)
      )`);
    await secureTenantTable(q, 'detection_settings');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE detection_settings`);
    await q.query(`DROP TABLE detector_states`);
    await q.query(`DROP TABLE anomalies`);
  }
}
