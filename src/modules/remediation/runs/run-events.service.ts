import { Injectable, type OnModuleDestroy } from '@nestjs/common';

import { ChannelFanout } from '../../../common/pubsub/channel-fanout';
import type { LiveSubscription } from '../../../common/pubsub/live-subscription';
import { RedisService } from '../../../common/redis/redis.service';

/** A run changed (its rows hold the new state). */
export interface RunChangedEvent {
  /** `<runId>:<emitted at>`: unique per change. */
  id: string;
  runId: string;
  runbookId: string;
}

/** Fans run changes out to `runbookRunUpdated` subscriptions on every replica. */
@Injectable()
export class RunEvents implements OnModuleDestroy {
  readonly #fanout: ChannelFanout<RunChangedEvent>;
  #seq = 0;

  constructor(redis: RedisService) {
    this.#fanout = new ChannelFanout<RunChangedEvent>(redis, 'runbook-runs:', RunEvents.name);
  }

  async changed(tenantId: string, run: { id: string; runbookId: string }): Promise<void> {
    const event: RunChangedEvent = {
      id: `${run.id}:${Date.now()}:${this.#seq++}`,
      runId: run.id,
      runbookId: run.runbookId,
    };
    await this.#fanout.publishJson(tenantId, [JSON.stringify(event)]);
  }

  subscribe(
    tenantId: string,
    matches: (e: RunChangedEvent) => boolean,
  ): Promise<LiveSubscription<RunChangedEvent>> {
    return this.#fanout.subscribe(tenantId, matches);
  }

  onModuleDestroy(): void {
    this.#fanout.closeAll();
  }
}
