import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lets `vigil_app` read the user columns a member list shows. `users` is not a tenant table (a
 * user may belong to several tenants), so it has no row policy: the app role sees those columns
 * only through the memberships its tenant's policy lets it see, and never `password_hash`.
 */
export class MemberDirectory1764205000000 implements MigrationInterface {
  name = 'MemberDirectory1764205000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`GRANT SELECT (id, email, created_at, disabled_at) ON users TO vigil_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE SELECT (id, email, created_at, disabled_at) ON users FROM vigil_app`);
  }
}
