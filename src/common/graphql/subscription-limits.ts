import type { Context as WsContext } from 'graphql-ws';
import { GraphQLError } from 'graphql';

import type { RateLimits } from '../../config/app-config';
import type { Principal } from '../../modules/tenancy/principal';
import type { RateLimiter } from '../rate-limit/rate-limiter.service';

interface WsExtra {
  principal?: Principal;
  /** Slots held by this connection's subscriptions, by operation id. */
  slots?: Map<string, () => Promise<void>>;
}

/**
 * graphql-ws hooks that limit subscribe attempts per credential and open subscriptions per
 * tenant (across replicas). A refused subscribe gets a RATE_LIMITED error on its id; the
 * connection stays up.
 */
export function subscriptionLimits(limiter: RateLimiter, limits: RateLimits) {
  return {
    onSubscribe: async (ctx: WsContext): Promise<GraphQLError[] | undefined> => {
      const principal = (ctx.extra as WsExtra).principal;
      if (!limits.enabled || !principal) return undefined;
      const perMinute = limits.subscribePerMinute;
      const decision = await limiter.take([
        {
          key: `sub:cred:${principal.kind}:${principal.subjectId}`,
          perSecond: perMinute / 60,
          burst: perMinute,
          cost: 1,
        },
      ]);
      if (decision.allowed) return undefined;
      return [
        rateLimited(
          `too many subscribe attempts; retry in ${decision.retryAfterSeconds} s`,
          decision.retryAfterSeconds,
        ),
      ];
    },
    onOperation: async (
      ctx: WsContext,
      id: string,
      _payload: unknown,
      _args: unknown,
      result: unknown,
    ): Promise<{ errors: GraphQLError[] } | undefined> => {
      const extra = ctx.extra as WsExtra;
      const principal = extra.principal;
      if (!limits.enabled || !principal || !isAsyncGenerator(result)) return undefined;
      const release = await limiter.acquireSlot(
        `sub:tenant:${principal.tenantId}`,
        limits.maxSubscriptionsPerTenant,
      );
      if (release) {
        (extra.slots ??= new Map()).set(id, release);
        return undefined;
      }
      await result.return(undefined);
      return {
        errors: [
          rateLimited(
            `this tenant already has ${limits.maxSubscriptionsPerTenant} open subscriptions`,
            60,
          ),
        ],
      };
    },
    onComplete: async (ctx: WsContext, id: string): Promise<void> => {
      const slots = (ctx.extra as WsExtra).slots;
      const release = slots?.get(id);
      if (!release) return;
      slots?.delete(id);
      await release();
    },
  };
}

function rateLimited(message: string, retryAfter: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'RATE_LIMITED', retryAfter } });
}

function isAsyncGenerator(value: unknown): value is AsyncGenerator {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { return?: unknown }).return === 'function' &&
    Symbol.asyncIterator in value
  );
}
