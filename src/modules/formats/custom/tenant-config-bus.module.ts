import { Module } from '@nestjs/common';

import { TenantConfigBus } from './tenant-config.bus';

/** One bus per replica for "a tenant's ingest configuration changed", shared by its caches. */
@Module({ providers: [TenantConfigBus], exports: [TenantConfigBus] })
export class TenantConfigBusModule {}
