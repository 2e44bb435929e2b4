import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { ErasureRegistryModule } from '../../common/privacy/erasure-registry';
import { RateLimitModule } from '../../common/rate-limit/rate-limit.module';
import { AuditModule } from '../audit/audit.module';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeyLifecycleService } from './api-key-lifecycle.service';
import { ApiKeyRepository } from './api-key.repository';
import { ApiKeyService } from './api-key.service';
import { ApiKeysResolver } from './api-keys.resolver';
import { Authenticator } from './authenticator.service';
import { IdentityAudit } from './identity-audit';
import { IdentityResolver } from './identity.resolver';
import { JwksController } from './jwks.controller';
import { LoginThrottle } from './login-throttle.service';
import { MembershipService } from './membership.service';
import { PasswordHasher } from './password-hasher';
import { RevocationBus } from './revocation-bus';
import { SessionService } from './session.service';
import { SigningKeyRepository } from './signing-key.repository';
import { SigningKeyService } from './signing-key.service';
import { TenancyService } from './tenancy.service';
import { TenantEntity } from './tenant.entity';
import { TenantRepository } from './tenant.repository';
import { UserPrincipalService } from './user-principal.service';
import { MembersErasureParticipant } from './members-erasure.participant';
import { UserRepository } from './user.repository';

@Module({
  // Explicit, not only global: the CLI builds a smaller application without them.
  imports: [
    TypeOrmModule.forFeature([TenantEntity, ApiKeyEntity]),
    AuditModule,
    RateLimitModule,
    ErasureRegistryModule,
  ],
  controllers: [JwksController],
  providers: [
    TenantRepository,
    TenancyService,
    ApiKeyRepository,
    ApiKeyService,
    ApiKeyLifecycleService,
    ApiKeysResolver,
    Authenticator,
    RevocationBus,
    { provide: PasswordHasher, useValue: new PasswordHasher() },
    SigningKeyRepository,
    SigningKeyService,
    UserRepository,
    MembersErasureParticipant,
    UserPrincipalService,
    LoginThrottle,
    IdentityAudit,
    SessionService,
    MembershipService,
    IdentityResolver,
  ],
  exports: [
    TenancyService,
    ApiKeyService,
    ApiKeyLifecycleService,
    Authenticator,
    RevocationBus,
    MembershipService,
    UserRepository,
  ],
})
export class TenancyModule {}
