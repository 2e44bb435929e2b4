import { Controller, Get, Header, ServiceUnavailableException } from '@nestjs/common';

import { Public } from '../../common/auth/authorize.decorator';
import { MetricsService } from '../../common/metrics/metrics.service';
import { RedisService } from '../../common/redis/redis.service';
import { LogStore } from '../logs/log-store.port';

@Controller()
@Public()
export class HealthController {
  constructor(
    private readonly store: LogStore,
    private readonly redis: RedisService,
    private readonly metrics: MetricsService,
  ) {}

  /** Liveness: the process answers. */
  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: Postgres and Redis answer within a second. */
  @Get('readyz')
  async readyz(): Promise<{ status: 'ready'; checks: Record<string, string> }> {
    const checks = {
      postgres: await outcome(this.store.ping()),
      redis: await outcome(this.redis.ping()),
    };
    if (Object.values(checks).some((c) => c !== 'ok')) {
      throw new ServiceUnavailableException({ status: 'not ready', checks });
    }
    return { status: 'ready', checks };
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

async function outcome(check: Promise<void>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out after 1s')), 1000);
  });
  try {
    await Promise.race([check, timeout]);
    return 'ok';
  } catch (err) {
    return `failed: ${(err as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}
