import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alerting follow-ups: a revision token on each tenant's engine state (a process keeps the state
 * it last wrote in memory and reloads it only when another writer changed it), the provider's id
 * of a delivered notification (the Slack message later notices of the group update in place),
 * with the index that finds a group's earlier message on a channel; the patterns of each alert,
 * so that feedback on it weighs its rule+pattern; the people an escalation step pages (their
 * addresses replace the e-mail channel's recipients).
 */
export class AlertingFollowups1764245000000 implements MigrationInterface {
  name = 'AlertingFollowups1764245000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alert_engine_states ADD COLUMN revision text`);
    await q.query(`ALTER TABLE notifications ADD COLUMN provider_id text`);
    await q.query(`ALTER TABLE notifications ADD COLUMN recipients text[]`);
    await q.query(`ALTER TABLE alerts ADD COLUMN pattern_ids text[] NOT NULL DEFAULT '{}'`);
    await q.query(
      `CREATE INDEX alert_feedback_rule_idx ON alert_feedback (tenant_id, rule_id, at)`,
    );
    await q.query(
      `CREATE INDEX notifications_group_channel_idx
         ON notifications (tenant_id, group_key, channel_id, created_at DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX notifications_group_channel_idx`);
    await q.query(`DROP INDEX alert_feedback_rule_idx`);
    await q.query(`ALTER TABLE alerts DROP COLUMN pattern_ids`);
    await q.query(`ALTER TABLE notifications DROP COLUMN recipients`);
    await q.query(`ALTER TABLE notifications DROP COLUMN provider_id`);
    await q.query(`ALTER TABLE alert_engine_states DROP COLUMN revision`);
  }
}
