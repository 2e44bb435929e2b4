import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
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

  @IsIn(['postgres'])
  LOG_STORE = 'postgres' as const;

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

  /**
   * Keys that encrypt secrets at rest (AES-256-GCM): comma-separated `id:base64key` (32 bytes
   * each), the sealing key first; older keys still open what they sealed and are re-sealed on
   * read. Required in production; elsewhere a development key derived from DATABASE_URL is used.
   */
  @IsOptional()
  @IsString()
  VIGIL_SECRET_KEYS?: string;

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
