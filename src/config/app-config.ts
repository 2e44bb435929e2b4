import { resolve } from 'node:path';

import { SecretBox } from '../common/crypto/secret-box';
import { ConfigError, parseEnv } from './env';

export interface IngestLimits {
  maxBodyBytes: number;
  maxPendingRecords: number;
  batchMaxRecords: number;
  flushDelayMs: number;
  writers: number;
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
  readonly logStore: 'postgres';
  readonly ingest: IngestLimits;
  readonly defaultRetentionDays: number;
  readonly partitionsAheadDays: number;
  readonly bootstrapApiKey: string | undefined;
  readonly graphqlExplorer: boolean;
  readonly logLevel: string;
  /** Seals and opens secrets at rest. */
  readonly secretBox: SecretBox;
  /** Directory of tenant export archives. */
  readonly exportDir: string;
  /** Jobs each queue's worker runs at once. */
  readonly queueConcurrency: number;

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
    this.ingest = {
      maxBodyBytes: e.INGEST_MAX_BODY_BYTES,
      maxPendingRecords: e.INGEST_MAX_PENDING_RECORDS,
      batchMaxRecords: e.INGEST_BATCH_MAX_RECORDS,
      flushDelayMs: e.INGEST_FLUSH_DELAY_MS,
      writers: e.INGEST_WRITERS,
    };
    this.defaultRetentionDays = e.LOG_RETENTION_DAYS;
    this.partitionsAheadDays = e.LOG_PARTITIONS_AHEAD_DAYS;
    this.bootstrapApiKey = e.VIGIL_BOOTSTRAP_API_KEY;
    this.graphqlExplorer = e.GRAPHQL_EXPLORER ?? e.NODE_ENV === 'development';
    this.logLevel = e.LOG_LEVEL;
    this.exportDir = resolve(e.EXPORT_DIR);
    this.queueConcurrency = e.QUEUE_CONCURRENCY;
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
  }

  /** The only read of `process.env` in Vigil. */
  static fromProcessEnv(): AppConfig {
    return new AppConfig(process.env);
  }
}
