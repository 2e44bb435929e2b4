import { Injectable } from '@nestjs/common';

import type { RequestOrigin } from '../../common/auth/request-context';
import { actorOf } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../tenancy/principal';
import { AnomalyDetectionService } from './anomaly-detection.service';
import { AnomalyRepository } from './anomaly.repository';
import {
  type ResolvedSettings,
  resolveSettings,
  type ServiceSettingsDoc,
  type TenantSettingsDoc,
  validateServiceSettings,
  validateTenantSettings,
} from './detection-settings';
import { DetectionError } from './detection.errors';

/**
 * Reads and changes a tenant's detection settings (tenant-wide, and per service), audits each
 * change and tells every replica's detectors to take it.
 */
@Injectable()
export class DetectionSettingsService {
  constructor(
    private readonly repo: AnomalyRepository,
    private readonly audit: AuditService,
    private readonly detection: AnomalyDetectionService,
  ) {}

  async get(tenantId: string): Promise<ResolvedSettings> {
    return resolveSettings(await this.repo.loadSettings(tenantId));
  }

  /** Replaces the tenant-wide settings (fields left out take their defaults). */
  async update(
    principal: Principal,
    input: TenantSettingsDoc,
    origin: RequestOrigin,
  ): Promise<ResolvedSettings> {
    const doc = validateTenantSettings(input);
    return this.#change(principal, '', doc, origin);
  }

  /** Replaces one service's settings. */
  async updateService(
    principal: Principal,
    service: string,
    input: ServiceSettingsDoc,
    origin: RequestOrigin,
  ): Promise<ResolvedSettings> {
    const name = validService(service);
    return this.#change(principal, name, validateServiceSettings(input), origin);
  }

  /** Drops one service's settings: the tenant's apply to it again. */
  async resetService(
    principal: Principal,
    service: string,
    origin: RequestOrigin,
  ): Promise<ResolvedSettings> {
    return this.#change(principal, validService(service), null, origin);
  }

  async #change(
    principal: Principal,
    service: string,
    doc: TenantSettingsDoc | ServiceSettingsDoc | null,
    origin: RequestOrigin,
  ): Promise<ResolvedSettings> {
    const tenantId = principal.tenantId;
    const actor = actorOf(principal);
    await this.repo.transaction(tenantId, async (tx) => {
      if (doc === null) await this.repo.deleteSettings(tx, service);
      else {
        await this.repo.saveSettings(
          tx,
          service,
          doc,
          `${actor.kind}:${actor.label ?? actor.id ?? 'unknown'}`,
        );
      }
      await this.audit.record(principal, 'detection_settings.updated', {
        target: { kind: 'detection_settings', id: service === '' ? tenantId : service },
        details: { service: service === '' ? null : service, settings: doc },
        ...origin,
        tx,
      });
    });
    await this.detection.settingsChanged(tenantId);
    return this.get(tenantId);
  }
}

function validService(service: string): string {
  const name = service.trim();
  if (name === '' || name.length > 256) {
    throw new DetectionError('INVALID_ARGUMENT', 'a service name has 1 to 256 characters');
  }
  return name;
}
