import Fastify, { type FastifyInstance } from 'fastify';

import type { RateLimiter } from '../../../common/rate-limit/rate-limiter.service';
import { AppConfig } from '../../../config/app-config';
import type { Authenticator } from '../../tenancy/authenticator.service';
import type { Principal } from '../../tenancy/principal';
import { IngestError, type IngestErrorCode } from '../ingest.errors';
import type { IngestService } from '../ingest.service';
import { esApiPlugin } from './es-api.plugin';

const principal: Principal = {
  tenantId: '00000000-0000-4000-8000-000000000001',
  tenantSlug: 't',
  kind: 'api_key',
  subjectId: 'k',
  label: 'k',
  role: null,
  permissions: new Set(['ingest']),
};

/** An IngestService stand-in that fails as the group-commit writer does when the store is down. */
class FailingIngest {
  constructor(private readonly code: IngestErrorCode) {}
  countRequest(): void {}
  begin() {
    return {
      add: () => undefined,
      commit: (): Promise<never> =>
        Promise.reject(new IngestError(this.code, `failed with ${this.code}`)),
    };
  }
}

const defaults = new AppConfig({});
const admission = {
  limiter: null as unknown as RateLimiter,
  limits: defaults.ingest,
  rateLimits: { ...defaults.rateLimits, enabled: false },
};

const keys = { authenticateHeader: async () => principal } as unknown as Authenticator;

async function build(code: IngestErrorCode): Promise<FastifyInstance> {
  const sut = Fastify({ exposeHeadRoutes: false });
  await sut.register(esApiPlugin, {
    ingest: new FailingIngest(code) as unknown as IngestService,
    authenticator: keys,
    esVersion: '8.17.0',
    maxBodyBytes: 1024 * 1024,
    ...admission,
  });
  return sut;
}

const body = '{"create":{"_index":"x"}}\n{"message":"m"}\n';

describe(esApiPlugin.name, () => {
  it.each([
    ['STORE_UNAVAILABLE', 503, 'unavailable_shards_exception'],
    ['SATURATED', 429, 'es_rejected_execution_exception'],
  ] as const)(
    'maps %s to HTTP %i with Retry-After and an ES error body',
    async (code, status, type) => {
      const sut = await build(code);
      const address = await sut.listen({ port: 0, host: '127.0.0.1' });
      const res = await fetch(`${address}/_bulk`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-ndjson' },
      });
      expect(res.status).toBe(status);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.headers.get('x-elastic-product')).toBe('Elasticsearch');
      expect(await res.json()).toMatchObject({ status, error: { type } });
      await sut.close();
    },
  );

  it('declares the permissions of every route it serves', async () => {
    const sut = Fastify({ exposeHeadRoutes: false });
    const routes: Array<{ route: string; scopes: unknown }> = [];
    sut.addHook('onRoute', (route) => {
      const methods = ([] as string[]).concat(route.method).join(',');
      routes.push({ route: `${methods} ${route.url}`, scopes: route.config?.permissions });
    });
    await sut.register(esApiPlugin, {
      ingest: new FailingIngest('SATURATED') as unknown as IngestService,
      authenticator: keys,
      esVersion: '8.17.0',
      maxBodyBytes: 1024,
      ...admission,
    });
    await sut.ready();
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.filter((r) => !Array.isArray(r.scopes)).map((r) => r.route)).toEqual([]);
    await sut.close();
  });
});
