import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';

import { AuthGuard } from './common/auth/auth.guard';
import { DatabaseModule } from './common/database/database.module';
import { DomainErrorFilter } from './common/graphql/domain-error.filter';
import { graphqlContext, graphqlWsOnConnect } from './common/graphql/graphql-context';
import { JsonScalar } from './common/graphql/json.scalar';
import { MetricsModule } from './common/metrics/metrics.module';
import { ErasureRegistryModule } from './common/privacy/erasure-registry';
import { QueueModule } from './common/queues/queue.module';
import { RedisModule } from './common/redis/redis.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { HealthModule } from './modules/health/health.module';
import { IngestModule } from './modules/ingest/ingest.module';
import { LogsModule } from './modules/logs/logs.module';
import { PrivacyModule } from './modules/privacy/privacy.module';
import { Authenticator } from './modules/tenancy/authenticator.service';
import { TenancyModule } from './modules/tenancy/tenancy.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        RedisModule,
        MetricsModule,
        QueueModule,
        ErasureRegistryModule,
        TenancyModule,
        LogsModule,
        IngestModule,
        HealthModule,
        PrivacyModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [TenancyModule],
          inject: [AppConfig, Authenticator],
          useFactory: (cfg: AppConfig, authenticator: Authenticator): ApolloDriverConfig => ({
            autoSchemaFile: true,
            sortSchema: true,
            path: '/graphql',
            playground: false,
            introspection: true,
            plugins: cfg.graphqlExplorer
              ? [ApolloServerPluginLandingPageLocalDefault({ embed: true })]
              : [],
            context: graphqlContext,
            subscriptions: {
              'graphql-ws': { path: '/graphql', onConnect: graphqlWsOnConnect(authenticator) },
            },
          }),
        }),
      ],
      providers: [
        JsonScalar,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: DomainErrorFilter },
      ],
    };
  }
}
