import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';

import { dropDatabase, ensureDatabase, migrateDatabase } from 'src/common/database/database-setup';

const PG = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** A fresh database with every migration applied; `drop()` removes it. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const url = `${PG}/vigil_test_${randomBytes(5).toString('hex')}`;
  await ensureDatabase(url);
  await migrateDatabase(url);
  return { url, drop: () => dropDatabase(url) };
}

/**
 * A pool on a test database. `pool.end()` resolves before its sockets have closed, so the
 * `DROP DATABASE … WITH (FORCE)` that follows can still reach an idle client; its "terminating
 * connection" would otherwise be an unheard pool 'error' that fails the suite.
 */
export function testPool(url: string, max: number): Pool {
  const pool = new Pool({ connectionString: url, max });
  pool.on('error', () => undefined);
  return pool;
}
