import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { ApiKeyEntity } from './api-key.entity';
import { ApiKeyService } from './api-key.service';
import { Authenticator } from './authenticator.service';
import { TenancyService } from './tenancy.service';
import { TenantEntity } from './tenant.entity';
import { TenantRepository } from './tenant.repository';

@Module({
  imports: [TypeOrmModule.forFeature([TenantEntity, ApiKeyEntity])],
  providers: [TenantRepository, TenancyService, ApiKeyService, Authenticator],
  exports: [TenancyService, ApiKeyService, Authenticator],
})
export class TenancyModule {}
