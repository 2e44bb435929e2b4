import { Args, ID, Int, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';

import { Authorize } from '../../common/auth/authorize.decorator';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator';
import type { RequestOrigin } from '../../common/auth/request-context';
import { CurrentOrigin } from '../../common/auth/request-origin.decorator';
import type { Principal } from '../tenancy/principal';
import type { AnomalyEvent } from './anomaly-events.service';
import { AnomalyCatalogService } from './anomaly-catalog.service';
import { DetectionSettingsService } from './detection-settings.service';
import {
  AnomalyConnectionObject,
  AnomalyEventObject,
  type AnomalyEventTypeValue,
  AnomalyFilterInput,
  AnomalyObject,
} from './dto/anomaly.object';
import {
  DetectionSettingsInput,
  DetectionSettingsObject,
  ServiceDetectionSettingsInput,
} from './dto/detection-settings.object';

/** Anomalies (pages, one, a live feed) and the detection settings. */
@Resolver()
export class DetectionResolver {
  constructor(
    private readonly catalog: AnomalyCatalogService,
    private readonly settings: DetectionSettingsService,
  ) {}

  @Query(() => AnomalyConnectionObject, { description: 'Anomalies, newest first' })
  @Authorize('read')
  async anomalies(
    @CurrentPrincipal() principal: Principal,
    @Args('filter', { type: () => AnomalyFilterInput, nullable: true })
    filter: AnomalyFilterInput | null,
    @Args('first', { type: () => Int, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<AnomalyConnectionObject> {
    const page = await this.catalog.list(principal.tenantId, filter ?? {}, first, after ?? null);
    const out = new AnomalyConnectionObject();
    out.edges = page.anomalies.map((a, i) => ({
      cursor: page.cursors[i] as string,
      node: AnomalyObject.from(a),
    }));
    out.hasNextPage = page.hasNextPage;
    out.endCursor = page.endCursor;
    return out;
  }

  @Query(() => AnomalyObject, { nullable: true })
  @Authorize('read')
  async anomaly(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<AnomalyObject | null> {
    const row = await this.catalog.get(principal.tenantId, id);
    return row ? AnomalyObject.from(row) : null;
  }

  @Subscription(() => AnomalyEventObject, {
    description: 'Anomalies as they open, update and resolve, detected by any replica',
    resolve: (event: AnomalyEvent): AnomalyEventObject => {
      const out = new AnomalyEventObject();
      out.type = event.type as AnomalyEventTypeValue;
      out.anomaly = AnomalyObject.from(event.anomaly);
      return out;
    },
  })
  @Authorize('read')
  anomalyDetected(
    @CurrentPrincipal() principal: Principal,
    @Args('filter', { type: () => AnomalyFilterInput, nullable: true })
    filter: AnomalyFilterInput | null,
  ): Promise<AsyncIterableIterator<AnomalyEvent>> {
    return this.catalog.subscribe(principal.tenantId, filter ?? {});
  }

  @Query(() => DetectionSettingsObject)
  @Authorize('read')
  async detectionSettings(
    @CurrentPrincipal() principal: Principal,
  ): Promise<DetectionSettingsObject> {
    return DetectionSettingsObject.from(await this.settings.get(principal.tenantId));
  }

  @Mutation(() => DetectionSettingsObject, {
    description: 'Replaces the tenant’s detection settings (per-service settings stay)',
  })
  @Authorize('admin')
  async updateDetectionSettings(
    @CurrentPrincipal() principal: Principal,
    @CurrentOrigin() origin: RequestOrigin,
    @Args('input') input: DetectionSettingsInput,
  ): Promise<DetectionSettingsObject> {
    return DetectionSettingsObject.from(
      await this.settings.update(principal, withoutNulls(input), origin),
    );
  }

  @Mutation(() => DetectionSettingsObject, { description: 'Replaces one service’s settings' })
  @Authorize('admin')
  async updateServiceDetectionSettings(
    @CurrentPrincipal() principal: Principal,
    @CurrentOrigin() origin: RequestOrigin,
    @Args('service') service: string,
    @Args('input') input: ServiceDetectionSettingsInput,
  ): Promise<DetectionSettingsObject> {
    return DetectionSettingsObject.from(
      await this.settings.updateService(principal, service, withoutNulls(input), origin),
    );
  }

  @Mutation(() => DetectionSettingsObject, {
    description: 'Drops one service’s settings: the tenant’s apply to it again',
  })
  @Authorize('admin')
  async resetServiceDetectionSettings(
    @CurrentPrincipal() principal: Principal,
    @CurrentOrigin() origin: RequestOrigin,
    @Args('service') service: string,
  ): Promise<DetectionSettingsObject> {
    return DetectionSettingsObject.from(
      await this.settings.resetService(principal, service, origin),
    );
  }
}

/** GraphQL gives null for a field left out; the settings documents leave it out. */
function withoutNulls(o: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === null || v === undefined) continue;
    out[k] = typeof v === 'object' && !Array.isArray(v) ? withoutNulls(v as object) : v;
  }
  return out;
}
