import { Args, Int, Query, Resolver } from '@nestjs/graphql';

import { Authorize } from '../../common/auth/authorize.decorator';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator';
import type { Principal } from '../tenancy/principal';
import { ForecastMetricValue, ForecastObject } from './dto/forecast.objects';
import { ForecastingService } from './forecasting.service';

/** Forecasts of a service's log volume and error rate, with intervals and their own error. */
@Resolver()
export class ForecastingResolver {
  constructor(private readonly forecasting: ForecastingService) {}

  @Query(() => ForecastObject, {
    description: 'Where a service’s volume or error rate is heading (default: hourly, a day ahead)',
  })
  @Authorize('read')
  async forecast(
    @CurrentPrincipal() p: Principal,
    @Args('service') service: string,
    @Args('metric', { type: () => ForecastMetricValue }) metric: ForecastMetricValue,
    @Args('horizonMinutes', { type: () => Int, nullable: true }) horizonMinutes: number | null,
    @Args('intervalMinutes', { type: () => Int, nullable: true }) intervalMinutes: number | null,
    @Args('patternId', {
      type: () => String,
      nullable: true,
      description: 'PATTERN_VOLUME and PARAMETER: the pattern',
    })
    patternId: string | null,
    @Args('parameter', {
      type: () => Int,
      nullable: true,
      description: 'PARAMETER: which <*> of the pattern, from 0 (default 0)',
    })
    parameter: number | null,
  ): Promise<ForecastObject> {
    const intervalMs = (intervalMinutes ?? 60) * 60_000;
    const horizon = Math.ceil(((horizonMinutes ?? 24 * 60) * 60_000) / intervalMs);
    const key = {
      service,
      metric,
      ...(patternId ? { patternId } : {}),
      ...(metric === ForecastMetricValue.PARAMETER ? { parameter: parameter ?? 0 } : {}),
    };
    return ForecastObject.from(await this.forecasting.get(p.tenantId, key, intervalMs, horizon));
  }
}
