import type { MigrationInterface, QueryRunner } from 'typeorm';

import { secureTenantTable } from './support/row-level-security';

/**
 * Remediation (issue 11), runs: each run of a runbook with its bound parameters and trigger, the
 * state of every step (so a restarted process resumes at the right step and never repeats a
 * finished one), the infrastructure actions taken (rate limits and blast radius count them), and
 * each tenant's remediation settings (kill switch, limits, clusters).
 */
export class RunbookRuns1764300000000 implements MigrationInterface {
  name = 'RunbookRuns1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE runbook_runs (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id uuid NOT NULL,
        runbook_id text NOT NULL,
        version integer NOT NULL,
        status text NOT NULL CHECK (status IN
          ('queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled', 'skipped', 'ineffective')),
        reason text,
        trigger jsonb NOT NULL,
        trigger_key text,
        alert_fingerprint text,
        params jsonb NOT NULL,
        context jsonb NOT NULL DEFAULT '{}',
        current_step integer NOT NULL DEFAULT 0,
        step_failed boolean NOT NULL DEFAULT false,
        verified boolean NOT NULL DEFAULT false,
        cancel_requested text,
        started_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, runbook_id) REFERENCES runbooks (tenant_id, id) ON DELETE CASCADE
      )`);
    // One run per trigger occurrence (an alert firing, an anomaly, a schedule slot).
    await q.query(`
      CREATE UNIQUE INDEX runbook_runs_trigger_key
        ON runbook_runs (tenant_id, runbook_id, trigger_key) WHERE trigger_key IS NOT NULL`);
    await q.query(`CREATE INDEX runbook_runs_recent ON runbook_runs (tenant_id, created_at DESC)`);
    await q.query(`
      CREATE INDEX runbook_runs_alert ON runbook_runs (tenant_id, runbook_id, alert_fingerprint, created_at DESC)
        WHERE alert_fingerprint IS NOT NULL`);
    await secureTenantTable(q, 'runbook_runs');

    await q.query(`
      CREATE TABLE runbook_run_steps (
        tenant_id uuid NOT NULL,
        run_id uuid NOT NULL,
        index integer NOT NULL,
        step_id text NOT NULL,
        kind text NOT NULL,
        status text NOT NULL CHECK (status IN
          ('pending', 'running', 'waiting', 'succeeded', 'failed', 'skipped', 'cancelled')),
        attempts integer NOT NULL DEFAULT 0,
        resume_at timestamptz,
        deadline timestamptz,
        action jsonb,
        output jsonb,
        error text,
        decided_by text,
        started_at timestamptz,
        finished_at timestamptz,
        PRIMARY KEY (tenant_id, run_id, index),
        FOREIGN KEY (tenant_id, run_id) REFERENCES runbook_runs (tenant_id, id) ON DELETE CASCADE
      )`);
    await secureTenantTable(q, 'runbook_run_steps');

    await q.query(`
      CREATE TABLE remediation_actions (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        run_id uuid NOT NULL,
        runbook_id text NOT NULL,
        step_index integer NOT NULL,
        target text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, run_id, step_index, target)
      )`);
    await q.query(
      `CREATE INDEX remediation_actions_target ON remediation_actions (tenant_id, target, at DESC)`,
    );
    await secureTenantTable(q, 'remediation_actions');

    await q.query(`
      CREATE TABLE remediation_settings (
        tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
        enabled boolean NOT NULL DEFAULT true,
        halted_by text,
        settings jsonb NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await secureTenantTable(q, 'remediation_settings');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE remediation_settings`);
    await q.query(`DROP TABLE remediation_actions`);
    await q.query(`DROP TABLE runbook_run_steps`);
    await q.query(`DROP TABLE runbook_runs`);
  }
}
