import { Injectable, type OnModuleDestroy } from '@nestjs/common';

import { ChannelFanout } from '../../common/pubsub/channel-fanout';
import type { LiveSubscription } from '../../common/pubsub/live-subscription';
import { RedisService } from '../../common/redis/redis.service';

/** An alert changed (its row holds the new state); subscribers read what they need. */
export interface AlertChangedEvent {
  /** `<fingerprint>:<emitted at>`: unique per change. */
  id: string;
  fingerprint: string;
}

/** Fans alert changes out to `alertUpdated` subscriptions on every replica (Redis pub/sub). */
@Injectable()
export class AlertEvents implements OnModuleDestroy {
  readonly #fanout: ChannelFanout<AlertChangedEvent>;

  constructor(redis: RedisService) {
    this.#fanout = new ChannelFanout<AlertChangedEvent>(redis, 'alerts:', AlertEvents.name);
  }

  async changed(tenantId: string, fingerprints: readonly string[]): Promise<void> {
    const at = Date.now();
    const unique = [...new Set(fingerprints)];
    await this.#fanout.publishJson(
      tenantId,
      unique.map((fingerprint) => JSON.stringify({ id: `${fingerprint}:${at}`, fingerprint })),
    );
  }

  subscribe(tenantId: string): Promise<LiveSubscription<AlertChangedEvent>> {
    return this.#fanout.subscribe(tenantId, () => true);
  }

  onModuleDestroy(): void {
    this.#fanout.closeAll();
  }
}
