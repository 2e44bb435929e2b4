import { Module } from '@nestjs/common';

import { AuditModule } from '../audit/audit.module';
import { SecretValueScalar } from './secret-value.scalar';
import { SecretsRepository } from './secrets.repository';
import { SecretsResolver } from './secrets.resolver';
import { SecretsService } from './secrets.service';

/** Secrets at rest. Modules that hold credentials (channels, SMTP, OIDC) import it. */
@Module({
  imports: [AuditModule],
  providers: [SecretsRepository, SecretsService, SecretsResolver, SecretValueScalar],
  exports: [SecretsService],
})
export class SecretsModule {}
