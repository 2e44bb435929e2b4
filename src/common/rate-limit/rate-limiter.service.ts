import { createHash, randomUUID } from 'node:crypto';

import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';

import { RedisService } from '../redis/redis.service';
import { ACQUIRE_SLOT, RENEW_SLOTS, TAKE_TOKENS } from './rate-limit.scripts';

/** One token bucket: refills `perSecond` tokens a second up to `burst`; a call takes `cost`. */
export interface Bucket {
  /** Bucket name, e.g. `gql:cred:<id>`; the Redis prefix and `ratelimit:` are added. */
  key: string;
  perSecond: number;
  burst: number;
  cost: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Whole seconds to wait before trying again (0 when allowed). */
  retryAfterSeconds: number;
}

/**
 * `strict`: allowed when every bucket holds its cost. `debt`: allowed when every bucket holds at
 * least one token, then charged in full (for costs known only later, like records in a body).
 * `force`: charge without checking (settling a debt).
 */
export type TakeMode = 'strict' | 'debt' | 'force';

const ALLOWED: RateDecision = { allowed: true, retryAfterSeconds: 0 };
// A limiter that waits on a sick Redis would turn a Redis outage into an API outage.
const REDIS_TIMEOUT_MS = 500;
const SLOT_LEASE_MS = 60_000;

/**
 * Rate limits and concurrency caps shared by every replica, kept in Redis (token buckets and
 * leased slots run as Lua scripts, so each decision is one atomic round trip). When Redis does
 * not answer, it lets the call through and says so in the log: limits protect the service,
 * they must not become its single point of failure.
 *
 * Reusable: login throttling, for instance, is `take([{ key: 'login:<email>', ... }])`.
 */
@Injectable()
export class RateLimiter implements OnApplicationShutdown {
  readonly #logger = new Logger(RateLimiter.name);
  readonly #shas = new Map<string, string>();
  /** Slots this replica holds, by set key, renewed until released. */
  readonly #held = new Map<string, Set<string>>();
  readonly #replica = randomUUID();
  readonly #renewal: NodeJS.Timeout;
  #lastWarning = 0;

  constructor(private readonly redis: RedisService) {
    this.#renewal = setInterval(() => void this.renewSlots(), SLOT_LEASE_MS / 3);
    this.#renewal.unref();
  }

  /** Checks and charges all buckets at once: either all are charged or none. */
  async take(buckets: readonly Bucket[], mode: TakeMode = 'strict'): Promise<RateDecision> {
    if (buckets.length === 0) return ALLOWED;
    const args: Array<string | number> = [mode];
    for (const b of buckets) {
      if (!(b.perSecond > 0 && b.burst > 0 && b.cost >= 0)) {
        throw new RangeError(`bad bucket ${b.key}: perSecond and burst must be > 0, cost >= 0`);
      }
      args.push(b.perSecond / 1000, b.burst, b.cost);
    }
    const keys = buckets.map((b) => this.redis.key(`ratelimit:${b.key}`));
    const result = await this.run(TAKE_TOKENS, keys, args);
    if (!Array.isArray(result)) return ALLOWED;
    const [allowed, waitMs] = result as [number, number];
    if (allowed === 1) return ALLOWED;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  /**
   * Takes one of at most `max` slots of `key` (concurrent subscriptions, say). Returns a release
   * function, or null when all slots are taken. Slots are leases renewed while held, so a replica
   * that dies frees its slots within a minute.
   */
  async acquireSlot(key: string, max: number): Promise<(() => Promise<void>) | null> {
    const setKey = this.redis.key(`ratelimit:${key}`);
    const member = `${this.#replica}:${randomUUID()}`;
    const result = await this.run(ACQUIRE_SLOT, [setKey], [max, SLOT_LEASE_MS, member]);
    if (result === 0) return null;
    let held = this.#held.get(setKey);
    if (!held) this.#held.set(setKey, (held = new Set()));
    held.add(member);
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      held.delete(member);
      if (held.size === 0) this.#held.delete(setKey);
      await this.run('ZREM', [setKey], [member]);
    };
  }

  onApplicationShutdown(): void {
    clearInterval(this.#renewal);
  }

  private async renewSlots(): Promise<void> {
    for (const [setKey, members] of this.#held) {
      if (members.size > 0) await this.run(RENEW_SLOTS, [setKey], [SLOT_LEASE_MS, ...members]);
    }
  }

  /** Runs a script (EVALSHA, loading it on first miss) or a plain command; undefined on failure. */
  private async run(
    script: string,
    keys: string[],
    args: Array<string | number>,
  ): Promise<unknown> {
    const client = this.redis.client;
    const call = async (): Promise<unknown> => {
      if (script === 'ZREM') return client.zrem(keys[0] as string, ...args.map(String));
      const sha = this.sha(script);
      try {
        return await client.evalsha(sha, keys.length, ...keys, ...args);
      } catch (err) {
        if (!String((err as Error).message).startsWith('NOSCRIPT')) throw err;
        return client.eval(script, keys.length, ...keys, ...args);
      }
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        call(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('timed out')), REDIS_TIMEOUT_MS);
        }),
      ]);
    } catch (err) {
      if (Date.now() - this.#lastWarning > 60_000) {
        this.#lastWarning = Date.now();
        this.#logger.warn(`rate limits not enforced: Redis failed (${(err as Error).message})`);
      }
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  private sha(script: string): string {
    let sha = this.#shas.get(script);
    if (!sha) this.#shas.set(script, (sha = createHash('sha1').update(script).digest('hex')));
    return sha;
  }
}
