import { randomUUID } from 'node:crypto';

import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type Redis from 'ioredis';

import { RedisService } from '../../common/redis/redis.service';

/** A credential that was revoked or changed (rotation shortened its life): re-check it. */
export interface Revocation {
  kind: 'api_key' | 'user';
  /** The API key's or the user's id. */
  id: string;
  /** The tenant concerned, or null when it is all of a user's tenants (logout everywhere). */
  tenantId: string | null;
}

export interface RevocationListener {
  /** A credential changed somewhere: forget what is cached about it and re-check it. */
  revoked(revocation: Revocation): void;
  /** Messages may have been missed (the bus was disconnected): re-check everything. */
  resync(): void;
}

const KINDS = new Set<Revocation['kind']>(['api_key', 'user']);

/**
 * Tells every replica, through Redis pub/sub, that a credential was revoked or changed, so
 * caches and open connections everywhere drop it at once. Listeners on this replica hear a
 * revocation before `publish` returns, whatever Redis does. While the bus is not connected,
 * `listening` is false and caches must not trust what they hold.
 */
@Injectable()
export class RevocationBus implements OnApplicationBootstrap {
  readonly #logger = new Logger(RevocationBus.name);
  readonly #listeners = new Set<RevocationListener>();
  readonly #origin = randomUUID();
  #subscriber: Redis | null = null;
  #listening = false;

  constructor(private readonly redis: RedisService) {}

  get listening(): boolean {
    return this.#listening;
  }

  /** Registers a listener; returns the function that removes it. */
  listen(listener: RevocationListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async publish(revocation: Revocation): Promise<void> {
    this.deliver(revocation);
    const message = JSON.stringify({ ...revocation, origin: this.#origin });
    try {
      await this.redis.client.publish(this.channel(), message);
    } catch (err) {
      // The database already refuses the credential; other replicas' caches expire within 30 s.
      this.#logger.error(
        `could not tell other replicas that ${revocation.kind} ${revocation.id} was revoked: ${String(err)}`,
      );
    }
  }

  onApplicationBootstrap(): void {
    // Not awaited: the app starts (and authenticates without caching) while Redis is away.
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
      this.#logger.warn(`could not subscribe to revocations: ${String(err)}`);
      return;
    }
    if (this.#subscriber !== sub || sub.status !== 'ready') return;
    this.#listening = true;
    for (const listener of this.#listeners) listener.resync();
  }

  private receive(message: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      this.#logger.error('ignored a revocation message that is not JSON');
      return;
    }
    const m = parsed as Partial<Revocation> & { origin?: unknown };
    if (
      typeof m !== 'object' ||
      m === null ||
      !KINDS.has(m.kind as Revocation['kind']) ||
      typeof m.id !== 'string' ||
      (typeof m.tenantId !== 'string' && m.tenantId !== null)
    ) {
      this.#logger.error('ignored a malformed revocation message');
      return;
    }
    if (m.origin === this.#origin) return; // delivered locally by publish()
    this.deliver({ kind: m.kind as Revocation['kind'], id: m.id, tenantId: m.tenantId ?? null });
  }

  private deliver(revocation: Revocation): void {
    for (const listener of this.#listeners) {
      try {
        listener.revoked(revocation);
      } catch (err) {
        this.#logger.error(`a revocation listener failed: ${String(err)}`);
      }
    }
  }

  private channel(): string {
    return this.redis.key('revocations');
  }
}
