import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
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
  readonly #logger = new Logger(RedisService.name);
  #lastWarning = 0;

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
      [this.client, ...this.#subscribers].map(async (c) => {
        // QUIT on a connection that never came up would wait out its reconnection attempts.
        if (c.status !== 'ready') return c.disconnect();
        await c.quit().catch(() => c.disconnect());
      }),
    );
  }

  private connect(): Redis {
    const connection = new Redis(this.config.redisUrl, {
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      lazyConnect: false,
    });
    connection.on('error', (err: Error) => {
      // ioredis reconnects by itself; say so once a minute, not on every attempt.
      if (Date.now() - this.#lastWarning < 60_000) return;
      this.#lastWarning = Date.now();
      this.#logger.warn(`Redis unreachable (${err.message}); retrying`);
    });
    return connection;
  }
}
