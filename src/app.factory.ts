import 'reflect-metadata';

import { type LogLevel } from '@nestjs/common';
import { readFileSync } from 'node:fs';

import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';

import { AppModule } from './app.module';
import { capSubscriptionMessages } from './common/graphql/ws-message-limit';
import { limitGraphqlRequests } from './common/graphql/graphql-rate-limit.hook';
import { RateLimiter } from './common/rate-limit/rate-limiter.service';
import { recordRoutes, type RouteRecord } from './common/http/route-table';
import { MetricsService } from './common/metrics/metrics.service';
import type { AppConfig } from './config/app-config';
import { esApiPlugin, type EsApiOptions } from './modules/ingest/http/es-api.plugin';
import { jsonIngestPlugin } from './modules/ingest/http/json-ingest.plugin';
import { AlertActionRoutes } from './modules/alerting/actions/alert-actions.module';
import { lokiPushPlugin } from './modules/ingest/http/loki-push.plugin';
import { otlpLogsPlugin } from './modules/ingest/http/otlp-logs.plugin';
import { IngestService } from './modules/ingest/ingest.service';
import { SyslogIngestor } from './modules/ingest/syslog/syslog-ingestor';
import { SyslogServer } from './modules/ingest/syslog/syslog.server';
import { Authenticator } from './modules/tenancy/authenticator.service';
import { type CreatedTenant, TenancyService } from './modules/tenancy/tenancy.service';

export interface Vigil {
  app: NestFastifyApplication;
  /** The main port (GraphQL, health, `/api/v1/logs`, `/es`). */
  port: number;
  /** The dedicated Elasticsearch-compatible port, or null when disabled. */
  esPort: number | null;
  /** The bound syslog ports, null when that listener is disabled. */
  syslog: { tcpPort: number | null; udpPort: number | null };
  /** What the first start created (the `default` tenant and its key), else null. */
  bootstrap: CreatedTenant | null;
  /** Every route of the main port and of the ES port, as registered. */
  routes: { main: readonly RouteRecord[]; es: readonly RouteRecord[] };
  close(): Promise<void>;
}

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** Builds and starts Vigil: migrations, the default tenant, the main port and the ES port. */
export async function startVigil(config: AppConfig): Promise<Vigil> {
  const https = config.tls
    ? { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) }
    : null;
  const hops = config.trustProxy;
  const serverOptions: FastifyServerOptions = {
    bodyLimit: config.ingest.maxBodyBytes,
    exposeHeadRoutes: false,
    // Fastify's defaults, stated: a JSON body with __proto__ or constructor.prototype is a 400.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // A hop count trusts that many proxies in front of us (what proxy-addr does with a number).
    trustProxy: typeof hops === 'number' ? (_address, hop) => hop < hops : hops,
  };
  const adapter = new FastifyAdapter(https ? { ...serverOptions, https } : serverOptions);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: loggerLevels(config.logLevel),
  });
  const esOptions: EsApiOptions = {
    ingest: app.get(IngestService),
    authenticator: app.get(Authenticator),
    esVersion: config.esVersion,
    maxBodyBytes: config.ingest.maxBodyBytes,
    limiter: app.get(RateLimiter),
    limits: config.ingest,
    rateLimits: config.rateLimits,
  };
  const http = app.getHttpAdapter().getInstance();
  const mainRoutes = recordRoutes(http);
  limitGraphqlRequests(
    http,
    '/graphql',
    esOptions.limiter,
    esOptions.authenticator,
    config.rateLimits,
  );
  await http.register(esApiPlugin, { prefix: '/es', ...esOptions });
  await http.register(jsonIngestPlugin, esOptions);
  await http.register(otlpLogsPlugin, esOptions);
  await http.register(lokiPushPlugin, esOptions);
  await app.get(AlertActionRoutes).register(http);
  await app.init();
  capSubscriptionMessages(app, config.graphql.maxWsMessageBytes);

  const bootstrap = await app.get(TenancyService).bootstrap(config.bootstrapApiKey);
  await app.listen({ port: config.port, host: config.host });
  const port = (app.getHttpServer().address() as { port: number }).port;

  let es: FastifyInstance | null = null;
  let esPort: number | null = null;
  let esRoutes: readonly RouteRecord[] = [];
  if (config.esPort >= 0) {
    es = Fastify(https ? ({ ...serverOptions, https } as FastifyServerOptions) : serverOptions);
    esRoutes = recordRoutes(es);
    await es.register(esApiPlugin, esOptions);
    await es.listen({ port: config.esPort, host: config.host });
    esPort = (es.server.address() as { port: number }).port;
  }

  let closing: Promise<void> | null = null;
  const { tcpPort, udpPort } = config.syslog;
  let syslog: SyslogServer | null = null;
  if (tcpPort >= 0 || udpPort >= 0) {
    const ingestor = new SyslogIngestor(
      { ...esOptions, registry: app.get(MetricsService).registry },
      config.syslog,
    );
    try {
      syslog = await SyslogServer.start(config.syslog, ingestor);
    } catch (err) {
      // A taken syslog port must not leave the HTTP ports open behind a failed start.
      await es?.close();
      await app.close();
      throw err;
    }
  }

  return {
    app,
    port,
    esPort,
    syslog: { tcpPort: syslog?.tcpPort ?? null, udpPort: syslog?.udpPort ?? null },
    bootstrap,
    routes: { main: mainRoutes, es: esRoutes },
    // Idempotent: a second call (a signal during shutdown, a test tearing down) waits for the first.
    close: () =>
      (closing ??= (async () => {
        // Syslog first: it commits what it buffered while the log store is still open.
        await syslog?.close();
        await es?.close();
        await app.close();
      })()),
  };
}

function loggerLevels(level: string): LogLevel[] | false {
  if (level === 'silent') return false;
  const nestLevel = level === 'info' ? 'log' : level === 'trace' ? 'verbose' : (level as LogLevel);
  const upTo = LEVELS.indexOf(nestLevel);
  return LEVELS.slice(0, upTo < 0 ? 3 : upTo + 1);
}
