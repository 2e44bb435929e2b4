import { Pool } from 'pg';

import { PostgresLogStore } from 'src/modules/logs/postgres-log-store.adapter';

import { describeLogStoreContract } from '../../contracts/log-store.contract';
import { createTestDatabase } from '../../support/test-database';

describeLogStoreContract('Postgres', async () => {
  const db = await createTestDatabase();
  const store = new PostgresLogStore(new Pool({ connectionString: db.url, max: 4 }), {
    defaultRetentionDays: 7,
    partitionsAheadDays: 2,
  });
  await store.maintain(new Map(), Date.now());
  return { store, cleanup: db.drop };
});
