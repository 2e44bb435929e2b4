import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';

import { AuthGuard } from './common/auth/auth.guard';
import { DatabaseModule } from './common/database/database.module';
import { DomainErrorFilter } from './common/graphql/domain-error.filter';
import { graphqlContext } from './common/graphql/graphql-context';
import { graphqlHardening } from './common/graphql/graphql-hardening';
import { GraphqlWsModule } from './common/graphql/graphql-ws.module';
import { JsonScalar } from './common/graphql/json.scalar';
import { subscriptionLimits } from './common/graphql/subscription-limits';
import { WsSessions } from './common/graphql/ws-sessions';
import { MailModule } from './common/mail/mail.module';
import { MetricsModule } from './common/metrics/metrics.module';
import { RateLimitModule } from './common/rate-limit/rate-limit.module';
import { RateLimiter } from './common/rate-limit/rate-limiter.service';
import { ErasureRegistryModule } from './common/privacy/erasure-registry';
import { QueueModule } from './common/queues/queue.module';
import { RedisModule } from './common/redis/redis.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { AlertingModule } from './modules/alerting/alerting.module';
import { AuditModule } from './modules/audit/audit.module';
import { CustomFormatsModule } from './modules/formats/custom/custom-formats.module';
import { RedactionModule } from './modules/formats/redaction/redaction.module';
import { HealthModule } from './modules/health/health.module';
import { ClassificationModule } from './modules/classification/classification.module';
import { DetectionModule } from './modules/detection/detection.module';
import { FeedbackModule } from './modules/feedback/feedback.module';
import { ForecastingModule } from './modules/forecasting/forecasting.module';
import { RemediationModule } from './modules/remediation/remediation.module';
import { IngestModule } from './modules/ingest/ingest.module';
import { LogsModule } from './modules/logs/logs.module';
import { SecretsModule } from './modules/secrets/secrets.module';
import { PrivacyModule } from './modules/privacy/privacy.module';
import { TenancyModule } from './modules/tenancy/tenancy.module';

type GraphqlWsOptions = Exclude<
  NonNullable<ApolloDriverConfig['subscriptions']>['graphql-ws'],
  boolean | undefined
>;

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        RedisModule,
        MailModule,
        MetricsModule,
        RateLimitModule,
        QueueModule,
        ErasureRegistryModule,
        TenancyModule,
        LogsModule,
        IngestModule,
        DetectionModule,
        ClassificationModule,
        FeedbackModule,
        ForecastingModule,
        RemediationModule,
        HealthModule,
        AuditModule,
        SecretsModule,
        PrivacyModule,
        CustomFormatsModule,
        RedactionModule,
        AlertingModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [GraphqlWsModule],
          inject: [AppConfig, WsSessions, RateLimiter],
          useFactory: (
            cfg: AppConfig,
            ws: WsSessions,
            limiter: RateLimiter,
          ): ApolloDriverConfig => {
            const hardening = graphqlHardening(cfg.graphql);
            const limits = subscriptionLimits(limiter, cfg.rateLimits);
            return {
              autoSchemaFile: true,
              sortSchema: true,
              path: '/graphql',
              playground: false,
              introspection: cfg.graphql.introspection,
              // Refuses GET and multipart requests without a header a browser form cannot send.
              csrfPrevention: true,
              allowBatchedHttpRequests: false,
              includeStacktraceInErrorResponses: !cfg.graphql.maskErrors,
              validationRules: hardening.validationRules,
              formatError: hardening.formatError,
              plugins: [
                ...hardening.plugins,
                cfg.graphqlExplorer
                  ? ApolloServerPluginLandingPageLocalDefault({ embed: true })
                  : ApolloServerPluginLandingPageDisabled(),
              ],
              context: graphqlContext,
              // AuthGuard runs on @ResolveField methods too, so their declarations are enforced.
              fieldResolverEnhancers: ['guards'],
              subscriptions: {
                // Nest spreads these into graphql-ws's useServer; its type names only some options.
                'graphql-ws': {
                  path: '/graphql',
                  onConnect: ws.onConnect,
                  // The credential is checked again first, then the subscription limits.
                  onSubscribe: async (ctx: Parameters<WsSessions['onSubscribe']>[0]) =>
                    (await ws.onSubscribe(ctx)) ?? (await limits.onSubscribe(ctx)),
                  onOperation: limits.onOperation,
                  onComplete: limits.onComplete,
                  onClose: ws.onClose,
                  validate: hardening.validateSubscription,
                } as GraphqlWsOptions,
              },
            };
          },
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
