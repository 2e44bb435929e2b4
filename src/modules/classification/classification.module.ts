import { Module } from '@nestjs/common';

import { AuditModule } from '../audit/audit.module';
import { TenantConfigBusModule } from '../../common/config-bus/tenant-config-bus.module';
import { ClassificationResolver } from './classification.resolver';
import { ClassificationService } from './classification.service';
import { ModelRegistryService } from './model-registry.service';
import { ModelRepository } from './model.repository';

/**
 * Log classification: the model serving on the ingest path (`ClassificationService`), the
 * tenant's taxonomy, and the model registry. The registry sits here rather than in feedback/
 * (ARCHITECTURE.md put it there) because serving reads it on every swap; training (feedback/)
 * writes to it through `ModelRegistryService`.
 */
@Module({
  imports: [AuditModule, TenantConfigBusModule],
  providers: [ModelRepository, ClassificationService, ModelRegistryService, ClassificationResolver],
  exports: [ClassificationService, ModelRegistryService],
})
export class ClassificationModule {}
