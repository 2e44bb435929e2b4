import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';

import { AppConfig } from '../../config/app-config';
import { PatternsModule } from '../patterns/patterns.module';
import { TenancyModule } from '../tenancy/tenancy.module';
import { LiveTailService } from './live-tail.service';
import { LogCursorCodec } from './log-cursor.codec';
import { LogRetentionService } from './log-retention.service';
import { LogSearchService } from './log-search.service';
import { LogStore } from './log-store.port';
import { LogsErasureParticipant } from './logs-erasure.participant';
import { LogsResolver } from './logs.resolver';
import { createOpenSearchClient } from './opensearch/opensearch-client';
import { OpenSearchLogStore } from './opensearch-log-store.adapter';
import { PostgresLogStore } from './postgres-log-store.adapter';

@Module({
  imports: [TenancyModule, PatternsModule],
  providers: [
    {
      provide: LogStore,
      inject: [AppConfig],
      useFactory: (config: AppConfig): LogStore => {
        if (config.openSearch) {
          const os = config.openSearch;
          return new OpenSearchLogStore(createOpenSearchClient(os), {
            settings: {
              prefix: os.indexPrefix,
              dedicatedTenantLimit: os.dedicatedTenantLimit,
              routeByTenant: os.routeByTenant,
              sharedShards: os.sharedShards,
              replicas: os.replicas,
              bulkMaxBytes: os.bulkMaxBytes,
              defaultRetentionDays: config.defaultRetentionDays,
            },
          });
        }
        // Its own pool: group commits hold connections for the length of a COPY.
        const pool = new Pool({
          connectionString: config.databaseUrl,
          max: config.ingest.writers + 6,
        });
        return new PostgresLogStore(pool, {
          defaultRetentionDays: config.defaultRetentionDays,
          partitionsAheadDays: config.partitionsAheadDays,
        });
      },
    },
    {
      provide: LogCursorCodec,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new LogCursorCodec(config.cursorKey),
    },
    LogSearchService,
    LiveTailService,
    LogRetentionService,
    LogsResolver,
    LogsErasureParticipant,
  ],
  exports: [LogStore, LiveTailService, LogRetentionService, LogSearchService],
})
export class LogsModule implements OnApplicationShutdown {
  constructor(private readonly store: LogStore) {}

  /** The module that made the store closes it; ingest drains into it before (beforeApplicationShutdown). */
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
