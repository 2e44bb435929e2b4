import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { MIGRATIONS } from '../../../migrations';
import { AppConfig } from '../../config/app-config';
import { ensureDatabase } from './ensure-database';

/** Postgres for metadata: TypeORM with migrations applied at start, never `synchronize`. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        await ensureDatabase(config.databaseUrl);
        return {
          type: 'postgres' as const,
          url: config.databaseUrl,
          autoLoadEntities: true,
          synchronize: false,
          migrations: MIGRATIONS,
          migrationsRun: true,
          migrationsTransactionMode: 'each' as const,
          extra: { max: config.databasePoolSize },
          logging: ['error' as const],
        };
      },
    }),
  ],
})
export class DatabaseModule {}
