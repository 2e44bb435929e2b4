import { randomBytes } from 'node:crypto';

import Redis from 'ioredis';

import { startVigil, type Vigil } from 'src/app.factory';
import { dropDatabase } from 'src/common/database/database-setup';
import { AppConfig } from 'src/config/app-config';
import { TenancyService } from 'src/modules/tenancy/tenancy.service';

const PG = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestTenant {
  slug: string;
  id: string;
  adminKey: string;
  ingestKey: string;
}

/**
 * A Vigil on its own database and Redis prefix, on free ports; `close()` removes both. `replica()`
 * starts another instance on the same database and Redis prefix, as a second replica would run.
 */
export class TestVigil {
  private constructor(
    readonly vigil: Vigil,
    readonly adminKey: string,
    readonly databaseUrl: string,
    readonly redisPrefix: string,
    private readonly ownsStorage: boolean,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<TestVigil> {
    const id = randomBytes(5).toString('hex');
    return TestVigil.boot(
      `${PG}/vigil_test_${id}`,
      `vigil_test_${id}:`,
      `bootstrap-${id}-key`,
      env,
      true,
    );
  }

  replica(): Promise<TestVigil> {
    return TestVigil.boot(this.databaseUrl, this.redisPrefix, this.adminKey, {}, false);
  }

  private static async boot(
    databaseUrl: string,
    redisPrefix: string,
    adminKey: string,
    env: Record<string, string>,
    ownsStorage: boolean,
  ): Promise<TestVigil> {
    const config = new AppConfig({
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      REDIS_URL: REDIS,
      REDIS_PREFIX: redisPrefix,
      HOST: '127.0.0.1',
      PORT: '0',
      ES_PORT: '0',
      LOG_LEVEL: 'silent',
      VIGIL_BOOTSTRAP_API_KEY: adminKey,
      ...env,
    });
    const vigil = await startVigil(config);
    return new TestVigil(vigil, adminKey, databaseUrl, redisPrefix, ownsStorage);
  }

  get url(): string {
    return `http://127.0.0.1:${this.vigil.port}`;
  }

  get esUrl(): string {
    return `http://127.0.0.1:${this.vigil.esPort}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.vigil.port}/graphql`;
  }

  async createTenant(slug: string): Promise<TestTenant> {
    const created = await this.vigil.app.get(TenancyService).createTenant(slug);
    const key = (name: string) => created.keys.find((k) => k.name === name)?.key as string;
    return { slug, id: created.tenant.id, adminKey: key('admin'), ingestKey: key('ingest') };
  }

  /** POSTs a GraphQL operation; returns the parsed response body. */
  async graphql<T = Record<string, unknown>>(
    key: string | null,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<{
    data?: T;
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  }> {
    const res = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: T };
  }

  async close(): Promise<void> {
    await this.vigil.close();
    if (!this.ownsStorage) return;
    await dropDatabase(this.databaseUrl);
    const redis = new Redis(REDIS);
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(
          cursor,
          'MATCH',
          `${this.redisPrefix}*`,
          'COUNT',
          500,
        );
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  }
}

export function basicAuth(key: string, user = 'vigil'): string {
  return `Basic ${Buffer.from(`${user}:${key}`).toString('base64')}`;
}

export function ndjson(lines: unknown[]): string {
  return lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
}
