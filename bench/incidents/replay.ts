import Redis from 'ioredis';

import type { AnomalyCatalogService } from '../../src/modules/detection/anomaly-catalog.service';
import type { AnomalyRow } from '../../src/modules/detection/anomaly.repository';
import type { GeneratedRecord } from './workload';

/** Helpers the incident-benchmark replays share (eval:incidents, eval:feedback). */

/** A generated record as a shipper would post it to `/api/v1/logs`. */
export function toDocument(r: GeneratedRecord): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    '@timestamp': new Date(r.at).toISOString(),
    level: r.severity,
    service: r.service,
    host: r.host,
    message: r.message,
  };
  if (r.traceId !== null) doc.trace_id = r.traceId;
  return doc;
}

/** Every anomaly of the tenant, page by page. */
export async function readAll(
  catalog: AnomalyCatalogService,
  tenantId: string,
): Promise<AnomalyRow[]> {
  const out: AnomalyRow[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await catalog.list(tenantId, {}, 500, after);
    out.push(...page.anomalies);
    if (!page.hasNextPage) return out;
    after = page.endCursor;
  }
}

/** Removes the throwaway Redis keys of a run. */
export async function dropRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
