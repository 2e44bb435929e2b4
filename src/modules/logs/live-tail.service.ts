import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';

import { ChannelFanout } from '../../common/pubsub/channel-fanout';
import { RedisService } from '../../common/redis/redis.service';
import type { LogRecord } from './log-record';
import type { TailSubscription } from './tail-subscription';

/** How long a replica trusts its count of tail listeners elsewhere before asking Redis again. */
const LISTENER_CHECK_MS = 250;

/**
 * Fans committed records out to live-tail subscriptions on every replica through Redis pub/sub,
 * one channel per tenant. Publishing is skipped while nobody anywhere listens to that tenant, so
 * an idle tail costs ingest nothing.
 */
@Injectable()
export class LiveTailService implements OnModuleDestroy {
  readonly #logger = new Logger(LiveTailService.name);
  readonly #fanout: ChannelFanout<LogRecord>;
  readonly #listenerChecks = new Map<string, { listening: boolean; at: number }>();
  #lastWarning = 0;

  constructor(private readonly redis: RedisService) {
    this.#fanout = new ChannelFanout<LogRecord>(redis, 'tail:', LiveTailService.name);
  }

  /**
   * Publishes committed records, each already serialized (`JSON.stringify(record)`). Ingest keeps
   * these strings, not the record objects, while a commit is awaited: records that outlive their
   * request would teach V8 to allocate every later record in the old generation.
   */
  async publishJson(tenantId: string, records: readonly string[]): Promise<void> {
    if (records.length === 0 || !this.isListened(tenantId)) return;
    await this.#fanout.publishJson(tenantId, records);
  }

  async subscribe(
    tenantId: string,
    matches: (record: LogRecord) => boolean,
  ): Promise<TailSubscription> {
    this.#listenerChecks.delete(tenantId);
    return this.#fanout.subscribe(tenantId, matches);
  }

  onModuleDestroy(): void {
    this.#fanout.closeAll();
  }

  /**
   * Whether any replica tails this tenant, without waiting: the answer comes from a view of
   * Redis at most LISTENER_CHECK_MS old, refreshed in the background, so ingest never waits on
   * (or fails with) Redis. Until the first answer it says yes: publishing needlessly is harmless.
   */
  isListened(tenantId: string): boolean {
    if (this.#fanout.hasLocal(tenantId)) return true;
    const now = Date.now();
    const known = this.#listenerChecks.get(tenantId);
    if (!known || now - known.at >= LISTENER_CHECK_MS) this.refreshListeners(tenantId, now);
    return known?.listening ?? true;
  }

  private refreshListeners(tenantId: string, now: number): void {
    const previous = this.#listenerChecks.get(tenantId)?.listening ?? true;
    this.#listenerChecks.set(tenantId, { listening: previous, at: now }); // one check at a time
    this.redis.client.pubsub('NUMSUB', this.#fanout.channel(tenantId)).then(
      (reply) => {
        const listening = Number((reply as [string, number])[1]) > 0;
        this.#listenerChecks.set(tenantId, { listening, at: Date.now() });
      },
      (err: unknown) => {
        if (Date.now() - this.#lastWarning < 60_000) return; // an outage would warn 4 times a second
        this.#lastWarning = Date.now();
        this.#logger.warn(`could not count tail listeners: ${String(err)}`);
      },
    );
  }
}
