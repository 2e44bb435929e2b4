import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';

import { AuthGuard } from './common/auth/auth.guard';
import { DatabaseModule } from './common/database/database.module';
import { DomainErrorFilter } from './common/graphql/domain-error.filter';
import { graphqlContext } from './common/graphql/graphql-context';
import { GraphqlWsModule } from './common/graphql/graphql-ws.module';
import { JsonScalar } from './common/graphql/json.scalar';
import { WsSessions } from './common/graphql/ws-sessions';
import { MetricsModule } from './common/metrics/metrics.module';
import { RedisModule } from './common/redis/redis.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { HealthModule } from './modules/health/health.module';
import { IngestModule } from './modules/ingest/ingest.module';
import { LogsModule } from './modules/logs/logs.module';
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
        TenancyModule,
        LogsModule,
        IngestModule,
        HealthModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [GraphqlWsModule],
          inject: [AppConfig, WsSessions],
          useFactory: (cfg: AppConfig, ws: WsSessions): ApolloDriverConfig => ({
            autoSchemaFile: true,
            sortSchema: true,
            path: '/graphql',
            playground: false,
            introspection: true,
            plugins: cfg.graphqlExplorer
              ? [ApolloServerPluginLandingPageLocalDefault({ embed: true })]
              : [],
            context: graphqlContext,
            // AuthGuard runs on @ResolveField methods too, so their declarations are enforced.
            fieldResolverEnhancers: ['guards'],
            subscriptions: {
              'graphql-ws': {
                path: '/graphql',
                onConnect: ws.onConnect,
                onSubscribe: ws.onSubscribe,
                onClose: ws.onClose,
              },
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
