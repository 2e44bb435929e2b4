import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';

import { RedisService } from '../../common/redis/redis.service';

/** A credential whose cached state every replica must drop now. */
export interface Revocation {
  kind: 'user' | 'api_key';
  id: string;
}

type Listener = (revocation: Revocation) => void;

/**
 * Tells every replica (this one included) that a user's or API key's cached authentication must
 * be dropped, over Redis pub/sub. Caches stay short-lived anyway, so a lost message only delays
 * the revocation to the cache's TTL.
 */
@Injectable()
export class RevocationBus implements OnModuleInit {
  readonly #logger = new Logger(RevocationBus.name);
  readonly #listeners = new Set<Listener>();

  constructor(private readonly redis: RedisService) {}

  onModuleInit(): void {
    const sub = this.redis.subscriber();
    sub.on('message', (_channel: string, message: string) => this.deliver(message));
    // Subscribing waits for Redis; start-up must not, since ingest runs without Redis.
    sub.subscribe(this.channel()).catch((err: unknown) => {
      this.#logger.warn(`could not subscribe to revocations: ${String(err)}`);
    });
  }

  onRevoked(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Drops the local cache at once, then tells the other replicas. */
  async publish(revocation: Revocation): Promise<void> {
    const message = JSON.stringify(revocation);
    this.deliver(message);
    try {
      await this.redis.client.publish(this.channel(), message);
    } catch (err) {
      this.#logger.warn(`could not publish a revocation: ${String(err)}`);
    }
  }

  private deliver(message: string): void {
    let revocation: Revocation;
    try {
      revocation = JSON.parse(message) as Revocation;
    } catch {
      return;
    }
    if ((revocation.kind !== 'user' && revocation.kind !== 'api_key') || !revocation.id) return;
    for (const listener of this.#listeners) listener(revocation);
  }

  private channel(): string {
    return this.redis.key('revocations');
  }
}
