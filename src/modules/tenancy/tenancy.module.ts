import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { ApiKeyEntity } from './api-key.entity';
import { ApiKeyLifecycleService } from './api-key-lifecycle.service';
import { ApiKeyRepository } from './api-key.repository';
import { ApiKeyService } from './api-key.service';
import { ApiKeysResolver } from './api-keys.resolver';
import { Authenticator } from './authenticator.service';
import { RevocationBus } from './revocation-bus';
import { TenancyService } from './tenancy.service';
import { TenantEntity } from './tenant.entity';
import { TenantRepository } from './tenant.repository';

@Module({
  imports: [TypeOrmModule.forFeature([TenantEntity, ApiKeyEntity])],
  providers: [
    TenantRepository,
    TenancyService,
    ApiKeyRepository,
    ApiKeyService,
    ApiKeyLifecycleService,
    ApiKeysResolver,
    RevocationBus,
    Authenticator,
  ],
  exports: [TenancyService, ApiKeyService, ApiKeyLifecycleService, RevocationBus, Authenticator],
})
export class TenancyModule {}
