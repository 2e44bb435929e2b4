import { Module } from '@nestjs/common';

import { TenantConfigBus } from './tenant-config.bus';

/**
 * One bus per replica for "a tenant's configuration changed" (formats, redaction, pattern
 * decisions, detection settings, classifier models), shared by its caches.
 */
@Module({ providers: [TenantConfigBus], exports: [TenantConfigBus] })
export class TenantConfigBusModule {}
