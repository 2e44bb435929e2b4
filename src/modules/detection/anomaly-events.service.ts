import { Injectable, type OnModuleDestroy } from '@nestjs/common';

import { ChannelFanout } from '../../common/pubsub/channel-fanout';
import type { LiveSubscription } from '../../common/pubsub/live-subscription';
import { RedisService } from '../../common/redis/redis.service';
import type { AnomalyRow } from './anomaly.repository';

/** One change of an anomaly as subscribers receive it. */
export interface AnomalyEvent {
  /** `<anomalyId>:<type>:<candidates>`: unique per change. */
  id: string;
  type: 'opened' | 'updated' | 'resolved';
  anomaly: AnomalyRow;
}

/**
 * Fans anomaly changes out to `anomalyDetected` subscriptions on every replica through Redis
 * pub/sub (one channel per tenant), whichever replica detected them. The PubSub of the
 * subscriptions: an injected provider, never a global.
 */
@Injectable()
export class AnomalyEvents implements OnModuleDestroy {
  readonly #fanout: ChannelFanout<AnomalyEvent>;

  constructor(redis: RedisService) {
    this.#fanout = new ChannelFanout<AnomalyEvent>(redis, 'anomalies:', AnomalyEvents.name);
  }

  async publish(tenantId: string, events: readonly AnomalyEvent[]): Promise<void> {
    await this.#fanout.publishJson(
      tenantId,
      events.map((e) => JSON.stringify(e)),
    );
  }

  subscribe(
    tenantId: string,
    matches: (event: AnomalyEvent) => boolean,
  ): Promise<LiveSubscription<AnomalyEvent>> {
    return this.#fanout.subscribe(tenantId, matches);
  }

  onModuleDestroy(): void {
    this.#fanout.closeAll();
  }
}
