import { randomBytes } from 'node:crypto';

import { DataSource } from 'typeorm';

import { MIGRATIONS } from '../../migrations';
import { dropDatabase, ensureDatabase } from 'src/common/database/ensure-database';

const PG = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** A fresh database with every migration applied; `drop()` removes it. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const url = `${PG}/vigil_test_${randomBytes(5).toString('hex')}`;
  await ensureDatabase(url);
  const ds = new DataSource({ type: 'postgres', url, migrations: MIGRATIONS, logging: false });
  await ds.initialize();
  await ds.runMigrations();
  await ds.destroy();
  return { url, drop: () => dropDatabase(url) };
}
