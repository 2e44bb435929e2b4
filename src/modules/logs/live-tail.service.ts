import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';

import { RedisService } from '../../common/redis/redis.service';
import type { LogRecord } from './log-record';
import { TailSubscription } from './tail-subscription';

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
  readonly #local = new Map<string, Set<TailSubscription>>();
  readonly #listenerChecks = new Map<string, { listening: boolean; at: number }>();
  #subscriber: Promise<Redis> | null = null;
  #lastWarning = 0;

  constructor(private readonly redis: RedisService) {}

  /**
   * Publishes committed records, each already serialized (`JSON.stringify(record)`). Ingest keeps
   * these strings, not the record objects, while a commit is awaited: records that outlive their
   * request would teach V8 to allocate every later record in the old generation.
   */
  async publishJson(tenantId: string, records: readonly string[]): Promise<void> {
    if (records.length === 0 || !this.isListened(tenantId)) return;
    await this.redis.client.publish(this.channel(tenantId), `[${records.join(',')}]`);
  }

  async subscribe(
    tenantId: string,
    matches: (record: LogRecord) => boolean,
  ): Promise<TailSubscription> {
    const sub = new TailSubscription(matches, (closed) => this.unsubscribe(tenantId, closed));
    let set = this.#local.get(tenantId);
    const first = !set;
    if (!set) {
      set = new Set();
      this.#local.set(tenantId, set);
    }
    set.add(sub);
    this.#listenerChecks.delete(tenantId);
    if (first) {
      try {
        await (await this.subscriberConnection()).subscribe(this.channel(tenantId));
      } catch (err) {
        sub.close();
        throw err;
      }
    }
    return sub;
  }

  onModuleDestroy(): void {
    for (const set of this.#local.values()) for (const sub of set) sub.close();
  }

  private unsubscribe(tenantId: string, sub: TailSubscription): void {
    const set = this.#local.get(tenantId);
    if (!set) return;
    set.delete(sub);
    if (set.size > 0) return;
    this.#local.delete(tenantId);
    void this.#subscriber
      ?.then((connection) => connection.unsubscribe(this.channel(tenantId)))
      .catch((err: unknown) => {
        this.#logger.warn(`unsubscribe failed: ${String(err)}`);
      });
  }

  /**
   * Whether any replica tails this tenant, without waiting: the answer comes from a view of
   * Redis at most LISTENER_CHECK_MS old, refreshed in the background, so ingest never waits on
   * (or fails with) Redis. Until the first answer it says yes: publishing needlessly is harmless.
   */
  isListened(tenantId: string): boolean {
    if (this.#local.has(tenantId)) return true;
    const now = Date.now();
    const known = this.#listenerChecks.get(tenantId);
    if (!known || now - known.at >= LISTENER_CHECK_MS) this.refreshListeners(tenantId, now);
    return known?.listening ?? true;
  }

  private refreshListeners(tenantId: string, now: number): void {
    const previous = this.#listenerChecks.get(tenantId)?.listening ?? true;
    this.#listenerChecks.set(tenantId, { listening: previous, at: now }); // one check at a time
    this.redis.client.pubsub('NUMSUB', this.channel(tenantId)).then(
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

  /**
   * The one connection in subscriber mode, used only once it is ready: a SUBSCRIBE queued on a
   * connection that is still starting races ioredis' own start-up commands.
   */
  private subscriberConnection(): Promise<Redis> {
    this.#subscriber ??= this.openSubscriber().catch((err: unknown) => {
      this.#subscriber = null; // try again with the next subscription
      throw err;
    });
    return this.#subscriber;
  }

  private async openSubscriber(): Promise<Redis> {
    const sub = this.redis.subscriber();
    const prefix = this.redis.key('tail:');
    sub.on('message', (channel: string, message: string) => {
      const set = this.#local.get(channel.slice(prefix.length));
      if (!set) return;
      let records: LogRecord[];
      try {
        records = JSON.parse(message) as LogRecord[];
      } catch (err) {
        this.#logger.error(`bad tail message on ${channel}: ${String(err)}`);
        return;
      }
      for (const record of records) for (const s of set) s.push(record);
    });
    if (sub.status !== 'ready') {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          sub.disconnect();
          reject(new Error('Redis did not answer within 5 s; the live tail is unavailable'));
        }, 5000);
        sub.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return sub;
  }

  private channel(tenantId: string): string {
    return this.redis.key(`tail:${tenantId}`);
  }
}
