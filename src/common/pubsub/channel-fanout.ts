import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';

import type { RedisService } from '../redis/redis.service';
import { LiveSubscription } from './live-subscription';

/**
 * Fans items published on Redis channels `<prefix><key>` (one per tenant, say) out to this
 * replica's live subscriptions, so a subscriber sees what any replica published. One subscriber
 * connection, subscribed to a key's channel while this replica has a listener for it. Messages
 * are JSON arrays of items.
 */
export class ChannelFanout<T extends { id: string }> {
  readonly #logger: Logger;
  readonly #local = new Map<string, Set<LiveSubscription<T>>>();
  #subscriber: Promise<Redis> | null = null;

  constructor(
    private readonly redis: RedisService,
    private readonly prefix: string,
    name: string,
  ) {
    this.#logger = new Logger(name);
  }

  /** The Redis channel of a key. */
  channel(key: string): string {
    return this.redis.key(`${this.prefix}${key}`);
  }

  hasLocal(key: string): boolean {
    return this.#local.has(key);
  }

  /** Publishes serialized items (`JSON.stringify(item)` each) to every replica's listeners. */
  async publishJson(key: string, items: readonly string[]): Promise<void> {
    if (items.length === 0) return;
    await this.redis.client.publish(this.channel(key), `[${items.join(',')}]`);
  }

  async subscribe(key: string, matches: (item: T) => boolean): Promise<LiveSubscription<T>> {
    const sub = new LiveSubscription<T>(matches, (closed) => this.#unsubscribe(key, closed));
    let set = this.#local.get(key);
    const first = !set;
    if (!set) {
      set = new Set();
      this.#local.set(key, set);
    }
    set.add(sub);
    if (first) {
      try {
        await (await this.#connection()).subscribe(this.channel(key));
      } catch (err) {
        sub.close();
        throw err;
      }
    }
    return sub;
  }

  closeAll(): void {
    for (const set of this.#local.values()) for (const sub of set) sub.close();
  }

  #unsubscribe(key: string, sub: LiveSubscription<T>): void {
    const set = this.#local.get(key);
    if (!set) return;
    set.delete(sub);
    if (set.size > 0) return;
    this.#local.delete(key);
    void this.#subscriber
      ?.then((connection) => connection.unsubscribe(this.channel(key)))
      .catch((err: unknown) => {
        this.#logger.warn(`unsubscribe failed: ${String(err)}`);
      });
  }

  /**
   * The one connection in subscriber mode, used only once it is ready: a SUBSCRIBE queued on a
   * connection that is still starting races ioredis' own start-up commands.
   */
  #connection(): Promise<Redis> {
    this.#subscriber ??= this.#open().catch((err: unknown) => {
      this.#subscriber = null; // try again with the next subscription
      throw err;
    });
    return this.#subscriber;
  }

  async #open(): Promise<Redis> {
    const sub = this.redis.subscriber();
    const channelPrefix = this.redis.key(this.prefix);
    sub.on('message', (channel: string, message: string) => {
      const set = this.#local.get(channel.slice(channelPrefix.length));
      if (!set) return;
      let items: T[];
      try {
        items = JSON.parse(message) as T[];
      } catch (err) {
        this.#logger.error(`bad message on ${channel}: ${String(err)}`);
        return;
      }
      for (const item of items) for (const s of set) s.push(item);
    });
    if (sub.status !== 'ready') {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          sub.disconnect();
          reject(new Error('Redis did not answer within 5 s; live subscriptions are unavailable'));
        }, 5000);
        sub.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return sub;
  }
}
