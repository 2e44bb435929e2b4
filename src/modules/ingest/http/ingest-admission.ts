import type { Bucket, RateLimiter } from '../../../common/rate-limit/rate-limiter.service';
import type { IngestLimits, RateLimits } from '../../../config/app-config';
import type { Principal } from '../../tenancy/principal';
import { IngestError } from '../ingest.errors';

/** What the ingest endpoints need to apply per-tenant rate limits and document limits. */
export interface IngestAdmission {
  limiter: RateLimiter;
  limits: IngestLimits;
  rateLimits: RateLimits;
}

// Buckets hold this many seconds of their rate, so a shipper catching up after a pause is not cut off.
const BURST_SECONDS = 5;

function requestBucket(a: IngestAdmission, tenantId: string, cost: number): Bucket {
  const perSecond = a.rateLimits.ingestRequestsPerSecond;
  return { key: `ingest:req:${tenantId}`, perSecond, burst: perSecond * BURST_SECONDS, cost };
}

function recordBucket(a: IngestAdmission, tenantId: string, cost: number): Bucket {
  const perSecond = a.rateLimits.ingestRecordsPerSecond;
  return { key: `ingest:rec:${tenantId}`, perSecond, burst: perSecond * BURST_SECONDS, cost };
}

/**
 * Lets an ingest request in, or throws RATE_LIMITED (429 + Retry-After, which shippers retry).
 * The record count is not known before the body is parsed, so records are charged afterwards
 * (`chargeRecords`) and a tenant in debt is refused here until the bucket refills.
 */
export async function admitIngest(a: IngestAdmission, principal: Principal): Promise<void> {
  if (!a.rateLimits.enabled) return;
  const decision = await a.limiter.take(
    [requestBucket(a, principal.tenantId, 1), recordBucket(a, principal.tenantId, 0)],
    'debt',
  );
  if (decision.allowed) return;
  throw new IngestError(
    'RATE_LIMITED',
    `tenant ${principal.tenantSlug} is over its ingest rate limit; retry in ${decision.retryAfterSeconds} s`,
    { retryAfterSeconds: decision.retryAfterSeconds },
  );
}

/** Charges the records of an admitted request; does not wait for Redis. */
export function chargeRecords(a: IngestAdmission, principal: Principal, records: number): void {
  if (!a.rateLimits.enabled || records === 0) return;
  void a.limiter.take([recordBucket(a, principal.tenantId, records)], 'force');
}
