import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two more delivery channels, Microsoft Teams and Opsgenie: the `alert_channels.kind` check
 * (the one Postgres named for the column in migrations/1764240000000-alerting.ts) is widened.
 *
 * `down` puts the narrow check back as NOT VALID: it refuses new Teams and Opsgenie channels but
 * keeps the ones that exist (and the rules routed to them) rather than deleting a tenant's setup.
 */
export class AlertChannelKinds1764250000000 implements MigrationInterface {
  name = 'AlertChannelKinds1764250000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE alert_channels
        DROP CONSTRAINT alert_channels_kind_check,
        ADD CONSTRAINT alert_channels_kind_check
          CHECK (kind IN ('slack', 'pagerduty', 'email', 'webhook', 'teams', 'opsgenie'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE alert_channels
        DROP CONSTRAINT alert_channels_kind_check,
        ADD CONSTRAINT alert_channels_kind_check
          CHECK (kind IN ('slack', 'pagerduty', 'email', 'webhook')) NOT VALID`);
  }
}
