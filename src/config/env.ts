import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

/** Marks a variable whose value must never be logged. */
const SECRET_VARIABLES = new Set([
  'VIGIL_BOOTSTRAP_API_KEY',
  'DATABASE_URL',
  'REDIS_URL',
  'VIGIL_SECRET_KEYS',
  'VIGIL_CURSOR_KEY',
  'SMTP_URL',
  'SYSLOG_API_KEY',
  'OPENSEARCH_URL',
  'OPENSEARCH_PASSWORD',
]);

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
const toBool = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? ['1', 'true', 'yes', 'on'].includes(value.toLowerCase()) : value;

/**
 * Every environment variable Vigil reads, with its default. This class is the only place that
 * knows about `process.env`; the rest of the code receives an `AppConfig`.
 */
export class EnvSchema {
  /** `development` turns on the GraphQL explorer page. */
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  /** Postgres for metadata and (by default) logs. The database is created if missing. */
  @Matches(/^postgres(ql)?:\/\//)
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/vigil';

  @Matches(/^rediss?:\/\//)
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Prefix of every Redis key and channel, so several Vigils (or test runs) share one Redis. */
  @IsString()
  REDIS_PREFIX = 'vigil:';

  @IsString()
  HOST = '0.0.0.0';

  /** Main HTTP port: GraphQL, health, metrics, `/api/v1/logs` and the ES API under `/es/`. 0 = any free port. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** The Elasticsearch-compatible API at the root of its own port; -1 disables it. */
  @Transform(toInt)
  @IsInt()
  @Min(-1)
  @Max(65535)
  ES_PORT = 9200;

  /** The Elasticsearch version the ES API reports (shippers pick their protocol from it). */
  @Matches(/^\d+\.\d+\.\d+$/)
  ES_VERSION = '8.17.0';

  /** Where logs are stored: `postgres` (default, nothing else to run) or `opensearch`. */
  @IsIn(['postgres', 'opensearch'])
  LOG_STORE: 'postgres' | 'opensearch' = 'postgres';

  /** OpenSearch node(s) for LOG_STORE=opensearch: comma-separated `http(s)://host:port` URLs. */
  @IsOptional()
  @Matches(/^https?:\/\/[^,\s]+(\s*,\s*https?:\/\/[^,\s]+)*$/)
  OPENSEARCH_URL?: string;

  /** Basic-auth user and password for OpenSearch (the security plugin). */
  @IsOptional()
  @IsString()
  OPENSEARCH_USERNAME?: string;

  @IsOptional()
  @IsString()
  OPENSEARCH_PASSWORD?: string;

  /** PEM file of the CA that signed OpenSearch's certificate (for a private CA). */
  @IsOptional()
  @IsString()
  OPENSEARCH_CA_FILE?: string;

  /** Accept any certificate from OpenSearch: for a local demo cluster only. */
  @Transform(toBool)
  OPENSEARCH_TLS_INSECURE = false;

  /** Data streams and templates are named `<prefix>-...`. */
  @Matches(/^[a-z0-9][a-z0-9_-]{0,59}$/)
  OPENSEARCH_INDEX_PREFIX = 'logs-vigil';

  /** Tenants that get a data stream of their own; the ones after share one, routed by tenant. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  OPENSEARCH_DEDICATED_TENANT_LIMIT = 100;

  /**
   * `tenant`: documents are routed by tenant id (a tenant's records on one shard of the shared
   * stream); `none`: OpenSearch's default routing, every read asks every shard. Switching from
   * `tenant` to `none` is safe, the other way round is not.
   */
  @IsIn(['tenant', 'none'])
  OPENSEARCH_ROUTING: 'tenant' | 'none' = 'tenant';

  /** Primary shards of the shared stream's backing indices (a tenant's own stream has 1). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1024)
  OPENSEARCH_SHARED_SHARDS = 3;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(15)
  OPENSEARCH_REPLICAS = 1;

  /** Largest bulk request Vigil sends (bytes). */
  @Transform(toInt)
  @IsInt()
  @Min(64 * 1024)
  OPENSEARCH_BULK_MAX_BYTES = 5 * 1024 * 1024;

  /** Largest accepted request body, after decompression (ES defaults to 100 MiB). */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  INGEST_MAX_BODY_BYTES = 100 * 1024 * 1024;

  /** Records waiting to be written; above this, ingest answers 429. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  INGEST_MAX_PENDING_RECORDS = 200_000;

  /** Most records in one group commit. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  INGEST_BATCH_MAX_RECORDS = 4_000;

  /** How long a group commit waits for more records before it flushes (ms). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1000)
  INGEST_FLUSH_DELAY_MS = 2;

  /** Group commits that may run at once (each uses one database connection). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(32)
  INGEST_WRITERS = 2;

  @Transform(toInt)
  @IsInt()
  @Min(2)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  /** Retention for tenants that do not set their own (days). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOG_RETENTION_DAYS = 7;

  /**
   * How long audit-log entries are kept (days), for every tenant alike: a security record
   * outlives the logs it speaks of, so a tenant's short log retention does not shorten it.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  AUDIT_RETENTION_DAYS = 400;

  /** Daily log partitions created ahead of time. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(60)
  LOG_PARTITIONS_AHEAD_DAYS = 3;

  /** On an empty database: the admin API key of the `default` tenant (else one is generated and printed). */
  @IsOptional()
  @IsString()
  @MinLength(8)
  VIGIL_BOOTSTRAP_API_KEY?: string;

  /** Serve the GraphQL explorer page; defaults to on in development. */
  @IsOptional()
  @Transform(toBool)
  GRAPHQL_EXPLORER?: boolean;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Schema introspection over GraphQL; defaults to on in development only. */
  @IsOptional()
  @Transform(toBool)
  GRAPHQL_INTROSPECTION?: boolean;

  /** Deepest selection set a GraphQL operation may nest. */
  @Transform(toInt)
  @IsInt()
  @Min(2)
  GRAPHQL_MAX_DEPTH = 12;

  /** Most cost an operation may have: 1 per field, list fields multiplied by their page size. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  GRAPHQL_MAX_COST = 10_000;

  /** Largest `first`/`size` a list field accepts. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  GRAPHQL_MAX_PAGE_SIZE = 1000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  GRAPHQL_MAX_ALIASES = 15;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  GRAPHQL_MAX_DIRECTIVES = 50;

  /** Most lexical tokens in one GraphQL document (bounds parsing work). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  GRAPHQL_MAX_TOKENS = 5_000;

  /** Largest graphql-ws message accepted; a bigger one closes the socket with 1009. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  GRAPHQL_MAX_WS_MESSAGE_BYTES = 64 * 1024;

  /** Mask unexpected GraphQL errors (code + correlation id only); defaults to on outside development. */
  @IsOptional()
  @Transform(toBool)
  GRAPHQL_MASK_ERRORS?: boolean;

  /** Rate limits (token buckets in Redis); off only for experiments. */
  @Transform(toBool)
  RATE_LIMIT_ENABLED = true;

  /** GraphQL HTTP operations per second per credential (sustained), and the burst on top. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_GRAPHQL_PER_SECOND = 100;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_GRAPHQL_BURST = 500;

  /** GraphQL HTTP operations per second per tenant, all credentials together. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_GRAPHQL_TENANT_PER_SECOND = 300;

  /** Subscribe attempts per minute per credential. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_SUBSCRIBE_PER_MINUTE = 120;

  /** Subscriptions open at once per tenant, across replicas. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_MAX_SUBSCRIPTIONS_PER_TENANT = 200;

  /** Ingest HTTP requests per second per tenant (burst is 5 s worth). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_INGEST_REQUESTS_PER_SECOND = 2_000;

  /** Ingested records per second per tenant (burst is 5 s worth). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_INGEST_RECORDS_PER_SECOND = 250_000;

  /** Deepest nesting (objects and arrays) an ingested document may have. */
  @Transform(toInt)
  @IsInt()
  @Min(2)
  @Max(1000)
  INGEST_MAX_DOCUMENT_DEPTH = 32;

  /** Largest single document or line (bytes) in a bulk, NDJSON or text body. */
  @Transform(toInt)
  @IsInt()
  @Min(256)
  INGEST_MAX_DOCUMENT_BYTES = 1024 * 1024;

  /** Syslog over TCP (RFC 6587 octet counting or LF framing, per message): -1 disables, 0 = any free port. */
  @Transform(toInt)
  @IsInt()
  @Min(-1)
  @Max(65535)
  SYSLOG_TCP_PORT = -1;

  /** Syslog over UDP (one message per datagram): -1 disables, 0 = any free port. */
  @Transform(toInt)
  @IsInt()
  @Min(-1)
  @Max(65535)
  SYSLOG_UDP_PORT = -1;

  /** Address the syslog listeners bind; defaults to HOST. */
  @IsOptional()
  @IsString()
  SYSLOG_HOST?: string;

  /**
   * API key (with the ingest scope) whose tenant receives syslog messages that carry no key of
   * their own in RFC 5424 structured data (`[vigil@32473 key="..."]`).
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  SYSLOG_API_KEY?: string;

  /** Longest syslog message (bytes); longer ones are dropped and counted. */
  @Transform(toInt)
  @IsInt()
  @Min(480)
  @Max(1024 * 1024)
  SYSLOG_MAX_MESSAGE_BYTES = 64 * 1024;

  /** Open syslog TCP connections at most; more are refused. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  SYSLOG_MAX_CONNECTIONS = 1000;

  /** Most syslog messages in one commit. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  SYSLOG_BATCH_MAX_MESSAGES = 1000;

  /** Longest a syslog message waits for company before its batch is committed (ms). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10_000)
  SYSLOG_FLUSH_DELAY_MS = 100;

  /** PEM certificate and key: both ports then speak HTTPS (set both or neither). */
  @IsOptional()
  @IsString()
  TLS_CERT_FILE?: string;

  @IsOptional()
  @IsString()
  TLS_KEY_FILE?: string;

  /**
   * Which proxies to believe for X-Forwarded-For: `false` (default), `true` (any), a hop count,
   * or comma-separated addresses/CIDRs.
   */
  @Matches(/^(false|true|\d{1,2}|[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*)$/)
  TRUST_PROXY = 'false';

  /**
   * Keys that encrypt secrets at rest (AES-256-GCM): comma-separated `id:base64key` (32 bytes
   * each), the sealing key first; older keys still open what they sealed and are re-sealed on
   * read. Required in production; elsewhere a development key derived from DATABASE_URL is used.
   */
  @IsOptional()
  @IsString()
  VIGIL_SECRET_KEYS?: string;

  /**
   * Signs pagination cursors (HMAC-SHA256, bound to the tenant): at least 32 characters. When
   * unset it is derived from the sealing key of VIGIL_SECRET_KEYS (or the development key), so
   * rotating that key also ends the cursors in flight.
   */
  @IsOptional()
  @IsString()
  @MinLength(32)
  VIGIL_CURSOR_KEY?: string;
  /** Lifetime of a user's access token (JWT), in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(30)
  @Max(86_400)
  ACCESS_TOKEN_TTL_SECONDS = 900;

  /** Lifetime of a refresh token, in days; each refresh rotates it. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(365)
  REFRESH_TOKEN_TTL_DAYS = 30;

  /** A new JWT signing key every this many days; old keys verify until their tokens expire. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  SIGNING_KEY_ROTATION_DAYS = 30;

  /** `iss` and `aud` of access tokens. */
  @IsString()
  JWT_ISSUER = 'vigil';

  @IsString()
  JWT_AUDIENCE = 'vigil-api';

  /** Failed logins per e-mail within LOGIN_LOCK_MINUTES that lock it for LOGIN_LOCK_MINUTES. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_MAX_FAILURES = 5;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_LOCK_MINUTES = 15;

  /** Failed logins per client IP within LOGIN_LOCK_MINUTES before that IP is refused. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_MAX_FAILURES_PER_IP = 50;

  /** Outgoing e-mail (invitations, password resets): `smtp://user:pass@host:587`, `smtps://...`. */
  @IsOptional()
  @Matches(/^smtps?:\/\//)
  SMTP_URL?: string;

  @IsString()
  MAIL_FROM = 'Vigil <vigil@localhost>';

  /** Where users reach Vigil; links in e-mails start with it. */
  @Matches(/^https?:\/\//)
  PUBLIC_URL = 'http://localhost:3000';
  /** Where tenant exports (gzip NDJSON) are written until downloaded and expired by retention. */
  @IsString()
  @MinLength(1)
  EXPORT_DIR = join(tmpdir(), 'vigil-exports');

  /** Background jobs (exports, erasures...) a worker runs at once, per queue. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(16)
  QUEUE_CONCURRENCY = 1;

  /**
   * Transient suppression: an alert that resolves within this many seconds of firing is never
   * notified (0 = off). Notifications of every alert wait this long.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3600)
  ALERT_TRANSIENT_SECONDS = 0;

  /** New category labels (since the last model) that queue a retraining of the tenant's model. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  RETRAIN_AFTER_LABELS = 20;

  /** Distinct patterns a shadow model must have classified before it can be promoted. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  SHADOW_MIN_PREDICTIONS = 200;

  /** How long a shadow model runs beside the active one, at least, before it can be promoted. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(30 * 86_400)
  SHADOW_MIN_SECONDS = 600;

  /** Jensen–Shannon divergence (bits) of a service's pattern or category mix that counts as drift. */
  @Transform(toInt)
  @IsNumber()
  @Min(0.01)
  @Max(1)
  DRIFT_THRESHOLD = 0.2;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function parseEnv(env: Record<string, string | undefined>): EnvSchema {
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));
  const parsed = plainToInstance(EnvSchema, defined, { exposeDefaultValues: true });
  const errors = validateSync(parsed, { whitelist: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const shown = SECRET_VARIABLES.has(e.property) ? '<secret>' : JSON.stringify(e.value);
      return `${e.property}=${shown}: ${Object.values(e.constraints ?? {}).join('; ')}`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return parsed;
}
