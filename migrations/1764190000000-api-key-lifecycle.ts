import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API key expiry and rotation: `expires_at` (optional at creation; set to the end of the overlap
 * when the key is rotated) and `replaced_by`, the key a rotation issued in its place.
 */
export class ApiKeyLifecycle1764190000000 implements MigrationInterface {
  name = 'ApiKeyLifecycle1764190000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys ADD COLUMN expires_at timestamptz`);
    await q.query(
      `ALTER TABLE api_keys ADD COLUMN replaced_by uuid REFERENCES api_keys(id) ON DELETE SET NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys DROP COLUMN replaced_by`);
    await q.query(`ALTER TABLE api_keys DROP COLUMN expires_at`);
  }
}
