import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';

import { AppConfig } from '../../config/app-config';

/**
 * Redis connections: one for commands and publishing, plus dedicated subscriber connections on
 * request (a connection in subscribe mode can do nothing else). Keys and channels go through
 * `key()` so every name carries the configured prefix.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  readonly client: Redis;
  readonly #subscribers: Redis[] = [];

  constructor(private readonly config: AppConfig) {
    this.client = this.connect();
  }

  key(name: string): string {
    return this.config.redisPrefix + name;
  }

  /** A new connection for SUBSCRIBE; closed with the app. */
  subscriber(): Redis {
    const sub = this.connect();
    this.#subscribers.push(sub);
    return sub;
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      [this.client, ...this.#subscribers].map((c) => c.quit().catch(() => c.disconnect())),
    );
  }

  private connect(): Redis {
    return new Redis(this.config.redisUrl, {
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      lazyConnect: false,
    });
  }
}
