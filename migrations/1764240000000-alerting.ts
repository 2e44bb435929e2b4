import type { MigrationInterface, QueryRunner } from 'typeorm';

import { secureTenantTable } from './support/row-level-security';

/**
 * Alerting (issue 7): channels (secrets sealed with the SecretBox, never returned), rules,
 * silences (a `weekly` one is a maintenance window, recurring between its start and end),
 * inhibition rules, escalation policies; alerts with their timeline, incidents,
 * notifications (one per channel and group notification, with delivery state), feedback from
 * people, and each tenant's engine state (grouping, trackers, correlation) between evaluations.
 */
export class Alerting1764240000000 implements MigrationInterface {
  name = 'Alerting1764240000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE alert_channels (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id uuid NOT NULL,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        kind text NOT NULL CHECK (kind IN ('slack', 'pagerduty', 'email', 'webhook')),
        settings jsonb NOT NULL,
        secret_sealed text,
        allow_private_network boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, name)
      )`);
    await secureTenantTable(q, 'alert_channels');

    await q.query(`
      CREATE TABLE escalation_policies (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id uuid NOT NULL,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        levels jsonb NOT NULL,
        repeat integer NOT NULL DEFAULT 0 CHECK (repeat BETWEEN 0 AND 10),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, name)
      )`);
    await secureTenantTable(q, 'escalation_policies');

    await q.query(`
      CREATE TABLE alert_rules (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id uuid NOT NULL,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        kind text NOT NULL CHECK (kind IN ('anomaly', 'log_query', 'pattern', 'forecast')),
        enabled boolean NOT NULL DEFAULT true,
        severity text NOT NULL CHECK (severity IN ('critical', 'high', 'warning', 'info')),
        labels jsonb NOT NULL DEFAULT '{}',
        annotations jsonb NOT NULL DEFAULT '{}',
        for_ms integer NOT NULL DEFAULT 0 CHECK (for_ms >= 0),
        condition jsonb NOT NULL,
        route jsonb NOT NULL,
        weight real NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, name)
      )`);
    await secureTenantTable(q, 'alert_rules');

    await q.query(`
      CREATE TABLE alert_silences (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id uuid NOT NULL,
        matchers text NOT NULL,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        mute_until_resolved text,
        weekly jsonb,
        created_by text NOT NULL,
        comment text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        CHECK (ends_at > starts_at)
      )`);
    await secureTenantTable(q, 'alert_silences');

    await q.query(`
      CREATE TABLE alert_inhibit_rules (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id uuid NOT NULL,
        source_matchers text NOT NULL,
        target_matchers text NOT NULL,
        equal text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id)
      )`);
    await secureTenantTable(q, 'alert_inhibit_rules');

    await q.query(`
      CREATE TABLE incidents (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id text NOT NULL,
        title text NOT NULL,
        status text NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
        opened_at timestamptz NOT NULL,
        closed_at timestamptz,
        root_cause jsonb,
        alert_count integer NOT NULL DEFAULT 0,
        acknowledged_by text,
        acknowledged_at timestamptz,
        PRIMARY KEY (tenant_id, id)
      )`);
    await q.query(`CREATE INDEX incidents_opened_idx ON incidents (tenant_id, opened_at DESC)`);
    await secureTenantTable(q, 'incidents');

    await q.query(`
      CREATE TABLE alerts (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        fingerprint text NOT NULL,
        rule_id uuid NOT NULL,
        labels jsonb NOT NULL,
        annotations jsonb NOT NULL DEFAULT '{}',
        severity text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'firing', 'acknowledged', 'resolved')),
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        group_key text,
        incident_id text,
        anomaly_ids uuid[] NOT NULL DEFAULT '{}',
        acknowledged_by text,
        acknowledged_at timestamptz,
        PRIMARY KEY (tenant_id, fingerprint)
      )`);
    await q.query(`CREATE INDEX alerts_updated_idx ON alerts (tenant_id, updated_at DESC)`);
    await q.query(`CREATE INDEX alerts_incident_idx ON alerts (tenant_id, incident_id)`);
    await secureTenantTable(q, 'alerts');

    await q.query(`
      CREATE TABLE alert_events (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id bigserial,
        fingerprint text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        kind text NOT NULL,
        details jsonb NOT NULL DEFAULT '{}',
        PRIMARY KEY (tenant_id, id)
      )`);
    await q.query(
      `CREATE INDEX alert_events_alert_idx ON alert_events (tenant_id, fingerprint, id)`,
    );
    await secureTenantTable(q, 'alert_events');
    await q.query(`GRANT USAGE ON SEQUENCE alert_events_id_seq TO vigil_app`);

    await q.query(`
      CREATE TABLE notifications (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id uuid NOT NULL,
        group_key text NOT NULL,
        channel_id uuid NOT NULL,
        kind text NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'dead')),
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        notice jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        PRIMARY KEY (tenant_id, id)
      )`);
    await q.query(
      `CREATE INDEX notifications_created_idx ON notifications (tenant_id, created_at DESC)`,
    );
    await secureTenantTable(q, 'notifications');

    await q.query(`
      CREATE TABLE alert_feedback (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id uuid NOT NULL,
        fingerprint text NOT NULL,
        rule_id uuid,
        pattern_ids text[] NOT NULL DEFAULT '{}',
        verdict text NOT NULL CHECK (verdict IN ('acknowledged', 'not_useful', 'useful')),
        given_by text NOT NULL,
        via text NOT NULL CHECK (via IN ('graphql', 'slack', 'email')),
        at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id)
      )`);
    await secureTenantTable(q, 'alert_feedback');

    await q.query(`
      CREATE TABLE alert_engine_states (
        tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
        state jsonb NOT NULL,
        next_due_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await secureTenantTable(q, 'alert_engine_states');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'alert_engine_states',
      'alert_feedback',
      'notifications',
      'alert_events',
      'alerts',
      'incidents',
      'alert_inhibit_rules',
      'alert_silences',
      'alert_rules',
      'escalation_policies',
      'alert_channels',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
