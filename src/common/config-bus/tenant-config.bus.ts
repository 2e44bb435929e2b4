import { randomUUID } from 'node:crypto';

import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type Redis from 'ioredis';

import { isUuid } from '../ids/uuid';
import { RedisService } from '../redis/redis.service';

/**
 * What changed: a tenant's custom formats or redaction policy; its pattern decisions (user
 * patterns, merges, pins); a checkpoint of one of its template miners (subject: the service); or
 * its learned patterns were discarded (an erasure); its anomaly detection settings; its
 * detectors were discarded (an erasure); or its classification models or taxonomy changed.
 */
export const CONFIG_TOPICS = [
  'log_formats',
  'redaction_policy',
  'pattern_decisions',
  'pattern_snapshot',
  'pattern_reset',
  'detection_settings',
  'detection_reset',
  'classifier_models',
] as const;
export type ConfigTopic = (typeof CONFIG_TOPICS)[number];

export interface ConfigChangeListener {
  /**
   * The tenant's configuration under this topic changed: drop what is cached for it. `subject`
   * narrows it when the publisher gave one (the service of a miner checkpoint).
   */
  changed(tenantId: string, subject?: string): void;
  /** Messages may have been missed (the bus was disconnected): drop everything. */
  resync(): void;
}

/**
 * Tells every replica, through Redis pub/sub, that a tenant's configuration (see CONFIG_TOPICS)
 * changed, so their caches reload it. Listeners on this replica hear a
 * change before `publish` returns, whatever Redis does. While the bus is not subscribed,
 * `listening` is false and caches must not trust what they hold for long.
 */
@Injectable()
export class TenantConfigBus implements OnApplicationBootstrap {
  readonly #logger = new Logger(TenantConfigBus.name);
  readonly #listeners = new Map<ConfigTopic, Set<ConfigChangeListener>>();
  readonly #origin = randomUUID();
  #subscriber: Redis | null = null;
  #listening = false;

  constructor(private readonly redis: RedisService) {}

  get listening(): boolean {
    return this.#listening;
  }

  /** Registers a listener for one topic; returns the function that removes it. */
  listen(topic: ConfigTopic, listener: ConfigChangeListener): () => void {
    let set = this.#listeners.get(topic);
    if (!set) this.#listeners.set(topic, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Tells this replica's listeners at once, then the others'; `local: false` skips this one. */
  async publish(
    topic: ConfigTopic,
    tenantId: string,
    options: { subject?: string; local?: boolean } = {},
  ): Promise<void> {
    if (options.local !== false) this.deliver(topic, tenantId, options.subject);
    const message = JSON.stringify({
      topic,
      tenantId,
      subject: options.subject,
      origin: this.#origin,
    });
    try {
      await this.redis.client.publish(this.channel(), message);
    } catch (err) {
      // Other replicas reload within their caches' time bound once they notice the bus is down.
      this.#logger.error(
        `could not tell other replicas that ${topic} of ${tenantId} changed: ${String(err)}`,
      );
    }
  }

  onApplicationBootstrap(): void {
    const sub = this.redis.subscriber();
    this.#subscriber = sub;
    sub.on('message', (_channel: string, message: string) => this.receive(message));
    sub.on('close', () => {
      this.#listening = false;
    });
    sub.on('ready', () => void this.subscribe(sub));
    if (sub.status === 'ready') void this.subscribe(sub);
  }

  private async subscribe(sub: Redis): Promise<void> {
    try {
      await sub.subscribe(this.channel());
    } catch (err) {
      this.#logger.warn(`could not subscribe to configuration changes: ${String(err)}`);
      return;
    }
    if (this.#subscriber !== sub || sub.status !== 'ready') return;
    this.#listening = true;
    for (const set of this.#listeners.values()) for (const listener of set) listener.resync();
  }

  private receive(message: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      this.#logger.error('ignored a configuration change message that is not JSON');
      return;
    }
    const m = parsed as {
      topic?: unknown;
      tenantId?: unknown;
      subject?: unknown;
      origin?: unknown;
    } | null;
    if (
      typeof m !== 'object' ||
      m === null ||
      !CONFIG_TOPICS.includes(m.topic as ConfigTopic) ||
      typeof m.tenantId !== 'string' ||
      !isUuid(m.tenantId) ||
      (m.subject !== undefined && typeof m.subject !== 'string')
    ) {
      this.#logger.error('ignored a malformed configuration change message');
      return;
    }
    if (m.origin === this.#origin) return; // delivered locally by publish()
    this.deliver(m.topic as ConfigTopic, m.tenantId, m.subject);
  }

  private deliver(topic: ConfigTopic, tenantId: string, subject: string | undefined): void {
    for (const listener of this.#listeners.get(topic) ?? []) {
      try {
        listener.changed(tenantId, subject);
      } catch (err) {
        this.#logger.error(`a configuration listener failed: ${String(err)}`);
      }
    }
  }

  private channel(): string {
    return this.redis.key('tenant-config');
  }
}
