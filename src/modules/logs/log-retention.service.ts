import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import { TenancyService } from '../tenancy/tenancy.service';
import { LogStore } from './log-store.port';

const EVERY_MS = 60 * 60 * 1000;

/**
 * Creates log storage ahead of time and enforces per-tenant retention: once at start (before the
 * app takes traffic) and hourly after that.
 */
@Injectable()
export class LogRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly #logger = new Logger(LogRetentionService.name);
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: LogStore,
    private readonly tenancy: TenancyService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.runOnce(Date.now());
    this.#timer = setInterval(() => {
      this.runOnce(Date.now()).catch((err: unknown) =>
        this.#logger.error(`log maintenance failed: ${String(err)}`),
      );
    }, EVERY_MS);
    this.#timer.unref();
  }

  async runOnce(now: number): Promise<void> {
    await this.store.maintain(await this.tenancy.retentionByTenant(), now);
  }

  onApplicationShutdown(): void {
    if (this.#timer) clearInterval(this.#timer);
  }
}
