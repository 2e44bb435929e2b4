import type { FastifyInstance } from 'fastify';

import type { RateLimits } from '../../config/app-config';
import type { Authenticator } from '../../modules/tenancy/authenticator.service';
import type { Bucket, RateLimiter } from '../rate-limit/rate-limiter.service';

/**
 * Refuses GraphQL HTTP operations over the limits before their body is read: per credential and
 * per tenant, or per client address for requests without a valid credential (which the guard
 * then refuses anyway). Answers 429 with Retry-After and a GraphQL error body.
 */
export function limitGraphqlRequests(
  http: FastifyInstance,
  path: string,
  limiter: RateLimiter,
  authenticator: Authenticator,
  limits: RateLimits,
): void {
  if (!limits.enabled) return;
  http.addHook('onRequest', async (req, reply) => {
    if (req.routeOptions.url !== path) return;
    const principal = await authenticator.authenticateHeader(req.headers.authorization);
    const perCredential = (key: string): Bucket => ({
      key,
      perSecond: limits.graphqlPerSecond,
      burst: limits.graphqlBurst,
      cost: 1,
    });
    const buckets: Bucket[] = principal
      ? [
          perCredential(`gql:cred:${principal.kind}:${principal.subjectId}`),
          {
            key: `gql:tenant:${principal.tenantId}`,
            perSecond: limits.graphqlTenantPerSecond,
            burst: limits.graphqlTenantPerSecond * 5,
            cost: 1,
          },
        ]
      : [perCredential(`gql:ip:${req.ip}`)];
    const decision = await limiter.take(buckets);
    if (decision.allowed) return;
    return reply
      .code(429)
      .header('Retry-After', String(decision.retryAfterSeconds))
      .type('application/json; charset=utf-8')
      .send({
        errors: [
          {
            message: `rate limit exceeded; retry in ${decision.retryAfterSeconds} s`,
            extensions: { code: 'RATE_LIMITED', retryAfter: decision.retryAfterSeconds },
          },
        ],
      });
  });
}
