import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { AppConfig } from '../../config/app-config';
import { ensureDatabase, migrateDatabase } from './database-setup';
import { TenantDb } from './tenant-db';

/** Postgres for metadata: TypeORM with migrations applied at start, never `synchronize`. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        await ensureDatabase(config.databaseUrl);
        await migrateDatabase(config.databaseUrl);
        return {
          type: 'postgres' as const,
          url: config.databaseUrl,
          autoLoadEntities: true,
          synchronize: false,
          extra: { max: config.databasePoolSize },
          logging: ['error' as const],
        };
      },
    }),
  ],
  providers: [TenantDb],
  exports: [TenantDb],
})
export class DatabaseModule {}
