import { Injectable, type OnModuleDestroy } from '@nestjs/common';

import { ChannelFanout } from '../../common/pubsub/channel-fanout';
import type { LiveSubscription } from '../../common/pubsub/live-subscription';
import { RedisService } from '../../common/redis/redis.service';
import type { ServiceDrift } from '../../ml/drift/drift';

/** A drift finding as `modelDrift` subscribers receive it. */
export interface ModelDriftEvent {
  /** Unique per finding. */
  id: string;
  at: string;
  modelVersion: number;
  services: ServiceDrift[];
}

/** Fans drift findings out to `modelDrift` subscriptions on every replica (Redis pub/sub). */
@Injectable()
export class ModelDriftEvents implements OnModuleDestroy {
  readonly #fanout: ChannelFanout<ModelDriftEvent>;

  constructor(redis: RedisService) {
    this.#fanout = new ChannelFanout<ModelDriftEvent>(redis, 'model-drift:', ModelDriftEvents.name);
  }

  async publish(tenantId: string, event: ModelDriftEvent): Promise<void> {
    await this.#fanout.publishJson(tenantId, [JSON.stringify(event)]);
  }

  subscribe(tenantId: string): Promise<LiveSubscription<ModelDriftEvent>> {
    return this.#fanout.subscribe(tenantId, () => true);
  }

  onModuleDestroy(): void {
    this.#fanout.closeAll();
  }
}
