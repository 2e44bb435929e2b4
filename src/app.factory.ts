import 'reflect-metadata';

import { type LogLevel } from '@nestjs/common';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, resolve, sep } from 'node:path';

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
  serveConsole(http, consoleDir());
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

/** The built console: `dist/console`, beside `dist/src` in a build and under `dist/` when run from sources. */
function consoleDir(): string {
  const root = join(__dirname, '..');
  return basename(root) === 'dist' ? join(root, 'console') : join(root, 'dist', 'console');
}

const CONSOLE_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};
/** Paths that belong to the server: an unknown one is a 404, never the console's index.html. */
const SERVER_PREFIXES = /^\/(graphql|api|es|metrics|healthz|readyz)(\/|$)/;

/**
 * Serves the console's static files at `/`; other GET paths fall back to its index.html so that
 * deep links work. Static server routes win over this wildcard (find-my-way's precedence).
 * Nothing is registered when the console was not built. Public: the files hold no data; the API
 * behind them checks every call.
 */
function serveConsole(http: FastifyInstance, dir: string): void {
  if (!existsSync(join(dir, 'index.html'))) return;
  const root = resolve(dir);
  const index = readFileSync(join(root, 'index.html'));
  http.get('/*', { config: { permissions: [] } }, (request, reply) => {
    const path = safeDecode(request.url.split('?')[0] ?? '/');
    if (path === null || SERVER_PREFIXES.test(path)) return reply.callNotFound();
    const file = resolve(root, '.' + path);
    const stat = file.startsWith(root + sep) ? statSync(file, { throwIfNoEntry: false }) : null;
    if (stat?.isFile()) {
      // Vite puts a content hash in every asset name: those never change.
      const immutable = path.startsWith('/assets/');
      return reply
        .header('content-type', CONSOLE_TYPES[extname(file)] ?? 'application/octet-stream')
        .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
        .send(createReadStream(file));
    }
    if (extname(path)) return reply.callNotFound();
    return reply
      .header('content-type', CONSOLE_TYPES['.html'])
      .header('cache-control', 'no-cache')
      .send(index);
  });
}

function safeDecode(path: string): string | null {
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}

function loggerLevels(level: string): LogLevel[] | false {
  if (level === 'silent') return false;
  const nestLevel = level === 'info' ? 'log' : level === 'trace' ? 'verbose' : (level as LogLevel);
  const upTo = LEVELS.indexOf(nestLevel);
  return LEVELS.slice(0, upTo < 0 ? 3 : upTo + 1);
}
