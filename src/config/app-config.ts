import { resolve } from 'node:path';

import { SecretBox } from '../common/crypto/secret-box';
import { ConfigError, type EnvSchema, parseEnv } from './env';

export interface IngestLimits {
  maxBodyBytes: number;
  maxDocumentDepth: number;
  maxDocumentBytes: number;
  maxPendingRecords: number;
  batchMaxRecords: number;
  flushDelayMs: number;
  writers: number;
}

export interface SyslogSettings {
  /** Address both listeners bind. */
  host: string;
  /** -1 disables the listener, 0 picks a free port. */
  tcpPort: number;
  udpPort: number;
  /** Key for messages without a structured-data key; undefined: such messages are refused. */
  apiKey: string | undefined;
  maxMessageBytes: number;
  maxConnections: number;
  batchMaxMessages: number;
  flushDelayMs: number;
}

export interface IdentitySettings {
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  signingKeyRotationDays: number;
  issuer: string;
  audience: string;
  loginMaxFailures: number;
  loginMaxFailuresPerIp: number;
  loginLockMinutes: number;
}

export interface MailSettings {
  /** Unset: e-mail is not configured and anything that must send one fails. */
  smtpUrl: string | undefined;
  from: string;
}

export interface GraphqlLimits {
  introspection: boolean;
  maskErrors: boolean;
  maxDepth: number;
  maxCost: number;
  maxPageSize: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  /** Largest graphql-ws message, in bytes. */
  maxWsMessageBytes: number;
}

export interface OpenSearchSettings {
  nodes: string[];
  auth: { username: string; password: string } | null;
  caFile: string | undefined;
  tlsInsecure: boolean;
  indexPrefix: string;
  dedicatedTenantLimit: number;
  routeByTenant: boolean;
  sharedShards: number;
  replicas: number;
  bulkMaxBytes: number;
}

export interface RateLimits {
  enabled: boolean;
  graphqlPerSecond: number;
  graphqlBurst: number;
  graphqlTenantPerSecond: number;
  subscribePerMinute: number;
  maxSubscriptionsPerTenant: number;
  ingestRequestsPerSecond: number;
  ingestRecordsPerSecond: number;
}

/** Typed, validated configuration. Built once at boot from the environment (see `env.ts`). */
export class AppConfig {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly databaseUrl: string;
  readonly databasePoolSize: number;
  readonly redisUrl: string;
  readonly redisPrefix: string;
  readonly host: string;
  readonly port: number;
  /** -1 when the dedicated ES port is disabled. */
  readonly esPort: number;
  readonly esVersion: string;
  readonly logStore: 'postgres' | 'opensearch';
  /** Set when LOG_STORE=opensearch. */
  readonly openSearch: OpenSearchSettings | null;
  readonly ingest: IngestLimits;
  readonly syslog: SyslogSettings;
  readonly defaultRetentionDays: number;
  readonly auditRetentionDays: number;
  readonly partitionsAheadDays: number;
  readonly bootstrapApiKey: string | undefined;
  readonly graphqlExplorer: boolean;
  readonly logLevel: string;
  readonly graphql: GraphqlLimits;
  readonly rateLimits: RateLimits;
  readonly tls: { certFile: string; keyFile: string } | null;
  /** Passed to Fastify's `trustProxy`. */
  readonly trustProxy: boolean | number | string[];
  /** Seals and opens secrets at rest. */
  readonly secretBox: SecretBox;
  /** Signs pagination cursors (VIGIL_CURSOR_KEY, or derived from the secret key ring). */
  readonly cursorKey: Buffer;
  readonly identity: IdentitySettings;
  readonly mail: MailSettings;
  /** Where users reach Vigil (links in e-mails). */
  readonly publicUrl: string;
  /** Directory of tenant export archives. */
  readonly exportDir: string;
  /** Jobs each queue's worker runs at once. */
  readonly queueConcurrency: number;
  /** An alert resolving within this long of firing is never notified (0: off). */
  readonly alertTransientMs: number;
  /** Classification learning: when to retrain, how long a shadow model runs, what is drift. */
  readonly learning: {
    retrainAfterLabels: number;
    shadowMinPredictions: number;
    shadowMinMs: number;
    driftThreshold: number;
  };

  constructor(env: Record<string, string | undefined>) {
    const e = parseEnv(env);
    this.nodeEnv = e.NODE_ENV;
    this.databaseUrl = e.DATABASE_URL;
    this.databasePoolSize = e.DATABASE_POOL_SIZE;
    this.redisUrl = e.REDIS_URL;
    this.redisPrefix = e.REDIS_PREFIX;
    this.host = e.HOST;
    this.port = e.PORT;
    this.esPort = e.ES_PORT;
    this.esVersion = e.ES_VERSION;
    this.logStore = e.LOG_STORE;
    this.openSearch = e.LOG_STORE === 'opensearch' ? openSearchSettings(e) : null;
    this.ingest = {
      maxBodyBytes: e.INGEST_MAX_BODY_BYTES,
      maxDocumentDepth: e.INGEST_MAX_DOCUMENT_DEPTH,
      maxDocumentBytes: e.INGEST_MAX_DOCUMENT_BYTES,
      maxPendingRecords: e.INGEST_MAX_PENDING_RECORDS,
      batchMaxRecords: e.INGEST_BATCH_MAX_RECORDS,
      flushDelayMs: e.INGEST_FLUSH_DELAY_MS,
      writers: e.INGEST_WRITERS,
    };
    this.syslog = {
      host: e.SYSLOG_HOST ?? e.HOST,
      tcpPort: e.SYSLOG_TCP_PORT,
      udpPort: e.SYSLOG_UDP_PORT,
      apiKey: e.SYSLOG_API_KEY,
      maxMessageBytes: e.SYSLOG_MAX_MESSAGE_BYTES,
      maxConnections: e.SYSLOG_MAX_CONNECTIONS,
      batchMaxMessages: e.SYSLOG_BATCH_MAX_MESSAGES,
      flushDelayMs: e.SYSLOG_FLUSH_DELAY_MS,
    };
    this.defaultRetentionDays = e.LOG_RETENTION_DAYS;
    this.auditRetentionDays = e.AUDIT_RETENTION_DAYS;
    this.partitionsAheadDays = e.LOG_PARTITIONS_AHEAD_DAYS;
    this.bootstrapApiKey = e.VIGIL_BOOTSTRAP_API_KEY;
    this.graphqlExplorer = e.GRAPHQL_EXPLORER ?? e.NODE_ENV === 'development';
    this.logLevel = e.LOG_LEVEL;
    this.identity = {
      accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
      signingKeyRotationDays: e.SIGNING_KEY_ROTATION_DAYS,
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      loginMaxFailures: e.LOGIN_MAX_FAILURES,
      loginMaxFailuresPerIp: e.LOGIN_MAX_FAILURES_PER_IP,
      loginLockMinutes: e.LOGIN_LOCK_MINUTES,
    };
    this.mail = { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM };
    this.publicUrl = e.PUBLIC_URL.replace(/\/+$/, '');
    this.graphql = {
      introspection: e.GRAPHQL_INTROSPECTION ?? e.NODE_ENV === 'development',
      maskErrors: e.GRAPHQL_MASK_ERRORS ?? e.NODE_ENV !== 'development',
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxCost: e.GRAPHQL_MAX_COST,
      maxPageSize: e.GRAPHQL_MAX_PAGE_SIZE,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      maxWsMessageBytes: e.GRAPHQL_MAX_WS_MESSAGE_BYTES,
    };
    this.rateLimits = {
      enabled: e.RATE_LIMIT_ENABLED,
      graphqlPerSecond: e.RATE_LIMIT_GRAPHQL_PER_SECOND,
      graphqlBurst: e.RATE_LIMIT_GRAPHQL_BURST,
      graphqlTenantPerSecond: e.RATE_LIMIT_GRAPHQL_TENANT_PER_SECOND,
      subscribePerMinute: e.RATE_LIMIT_SUBSCRIBE_PER_MINUTE,
      maxSubscriptionsPerTenant: e.RATE_LIMIT_MAX_SUBSCRIPTIONS_PER_TENANT,
      ingestRequestsPerSecond: e.RATE_LIMIT_INGEST_REQUESTS_PER_SECOND,
      ingestRecordsPerSecond: e.RATE_LIMIT_INGEST_RECORDS_PER_SECOND,
    };
    if ((e.TLS_CERT_FILE === undefined) !== (e.TLS_KEY_FILE === undefined)) {
      throw new ConfigError('TLS_CERT_FILE and TLS_KEY_FILE go together: set both or neither');
    }
    this.tls =
      e.TLS_CERT_FILE && e.TLS_KEY_FILE
        ? { certFile: e.TLS_CERT_FILE, keyFile: e.TLS_KEY_FILE }
        : null;
    this.trustProxy = parseTrustProxy(e.TRUST_PROXY);
    this.exportDir = resolve(e.EXPORT_DIR);
    this.queueConcurrency = e.QUEUE_CONCURRENCY;
    this.alertTransientMs = e.ALERT_TRANSIENT_SECONDS * 1000;
    this.learning = {
      retrainAfterLabels: e.RETRAIN_AFTER_LABELS,
      shadowMinPredictions: e.SHADOW_MIN_PREDICTIONS,
      shadowMinMs: e.SHADOW_MIN_SECONDS * 1000,
      driftThreshold: e.DRIFT_THRESHOLD,
    };
    if (e.VIGIL_SECRET_KEYS) {
      try {
        this.secretBox = SecretBox.fromKeyRing(e.VIGIL_SECRET_KEYS);
      } catch (err) {
        throw new ConfigError(`VIGIL_SECRET_KEYS: ${(err as Error).message}`);
      }
    } else if (e.NODE_ENV === 'production') {
      throw new ConfigError(
        'VIGIL_SECRET_KEYS is required in production (e.g. "k1:$(openssl rand -base64 32)")',
      );
    } else {
      this.secretBox = SecretBox.forDevelopment(e.DATABASE_URL);
    }
    this.cursorKey = e.VIGIL_CURSOR_KEY
      ? Buffer.from(e.VIGIL_CURSOR_KEY, 'utf8')
      : this.secretBox.deriveKey('vigil:cursor');
  }

  /** The only read of `process.env` in Vigil. */
  static fromProcessEnv(): AppConfig {
    return new AppConfig(process.env);
  }
}

function openSearchSettings(e: EnvSchema): OpenSearchSettings {
  if (!e.OPENSEARCH_URL) throw new ConfigError('LOG_STORE=opensearch needs OPENSEARCH_URL');
  if ((e.OPENSEARCH_USERNAME === undefined) !== (e.OPENSEARCH_PASSWORD === undefined)) {
    throw new ConfigError('OPENSEARCH_USERNAME and OPENSEARCH_PASSWORD go together');
  }
  return {
    nodes: e.OPENSEARCH_URL.split(',').map((url) => url.trim()),
    auth:
      e.OPENSEARCH_USERNAME !== undefined && e.OPENSEARCH_PASSWORD !== undefined
        ? { username: e.OPENSEARCH_USERNAME, password: e.OPENSEARCH_PASSWORD }
        : null,
    caFile: e.OPENSEARCH_CA_FILE,
    tlsInsecure: e.OPENSEARCH_TLS_INSECURE,
    indexPrefix: e.OPENSEARCH_INDEX_PREFIX,
    dedicatedTenantLimit: e.OPENSEARCH_DEDICATED_TENANT_LIMIT,
    routeByTenant: e.OPENSEARCH_ROUTING === 'tenant',
    sharedShards: e.OPENSEARCH_SHARED_SHARDS,
    replicas: e.OPENSEARCH_REPLICAS,
    bulkMaxBytes: e.OPENSEARCH_BULK_MAX_BYTES,
  };
}

function parseTrustProxy(value: string): boolean | number | string[] {
  const v = value.trim();
  if (v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v.split(',').map((part) => part.trim());
}
