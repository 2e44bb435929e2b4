import { randomBytes } from 'node:crypto';

import { dropDatabase, ensureDatabase, migrateDatabase } from 'src/common/database/database-setup';

const PG = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** A fresh database with every migration applied; `drop()` removes it. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const url = `${PG}/vigil_test_${randomBytes(5).toString('hex')}`;
  await ensureDatabase(url);
  await migrateDatabase(url);
  return { url, drop: () => dropDatabase(url) };
}
