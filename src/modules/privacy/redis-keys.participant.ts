import { Injectable, type OnModuleInit } from '@nestjs/common';

import type { ErasureCounts, ErasureParticipant } from '../../common/privacy/erasure-participant';
import { ErasureRegistry } from '../../common/privacy/erasure-registry';
import { RedisService } from '../../common/redis/redis.service';

/**
 * Redis keys that belong to one tenant. Convention for every module: a tenant's persisted Redis
 * keys are named `tenant:<tenant id>:...` (under the configured prefix), so that this participant
 * erases them. (Live tail uses pub/sub channels, which persist nothing; BullMQ jobs carry ids.)
 */
@Injectable()
export class RedisKeysParticipant implements ErasureParticipant, OnModuleInit {
  readonly name = 'redis';
  readonly order = 20;

  constructor(
    private readonly registry: ErasureRegistry,
    private readonly redis: RedisService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  exportTenant(): Promise<ErasureCounts> {
    return Promise.resolve({});
  }

  async eraseTenant(tenantId: string): Promise<ErasureCounts> {
    const pattern = `${this.redis.key(`tenant:${tenantId}:`)}*`;
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      if (keys.length > 0) deleted += await this.redis.client.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    return { 'redis.keys': deleted };
  }

  eraseSubject(): Promise<ErasureCounts> {
    return Promise.resolve({});
  }
}
