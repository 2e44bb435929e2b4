import {
  Field,
  Float,
  GraphQLISODateTime,
  Int,
  ObjectType,
  registerEnumType,
} from '@nestjs/graphql';

import type { ForecastRow } from '../forecast.repository';

export enum ForecastMetricValue {
  VOLUME = 'volume',
  ERROR_RATE = 'error_rate',
  PATTERN_VOLUME = 'pattern_volume',
  PARAMETER = 'parameter',
}
registerEnumType(ForecastMetricValue, {
  name: 'ForecastMetric',
  description:
    'VOLUME: records per interval; ERROR_RATE: share of error and fatal records (0..1); PATTERN_VOLUME: a pattern’s records per interval; PARAMETER: the mean of a numeric pattern parameter per interval',
});

@ObjectType('ForecastPoint')
export class ForecastPointObject {
  @Field(() => GraphQLISODateTime)
  at!: Date;

  @Field(() => Float)
  value!: number;

  @Field(() => Float, { nullable: true })
  lower80!: number | null;

  @Field(() => Float, { nullable: true })
  upper80!: number | null;

  @Field(() => Float, { nullable: true })
  lower95!: number | null;

  @Field(() => Float, { nullable: true })
  upper95!: number | null;
}

@ObjectType('ForecastBacktest', {
  description:
    'How the chosen model did on the series’ own recent past, as shares (0.05 = 5%); null when the history was too short to hold any back',
})
export class ForecastBacktestObject {
  @Field(() => Float, { nullable: true })
  smape!: number | null;

  @Field(() => Float, { nullable: true, description: 'Null when the series has zeros' })
  mape!: number | null;

  @Field(() => Float, { nullable: true, description: 'Share of actuals inside the 80% interval' })
  coverage80!: number | null;

  @Field(() => Float, { nullable: true })
  coverage95!: number | null;
}

@ObjectType('Forecast')
export class ForecastObject {
  @Field()
  service!: string;

  @Field(() => ForecastMetricValue)
  metric!: ForecastMetricValue;

  @Field(() => String, { nullable: true })
  patternId!: string | null;

  @Field(() => Int, { nullable: true })
  parameter!: number | null;

  @Field({ description: 'The model chosen for the series by holdout error' })
  model!: string;

  @Field(() => Int)
  intervalSeconds!: number;

  @Field(() => GraphQLISODateTime)
  generatedAt!: Date;

  @Field(() => [ForecastPointObject], { description: 'Recent actual values (no bounds)' })
  actual!: ForecastPointObject[];

  @Field(() => [ForecastPointObject])
  points!: ForecastPointObject[];

  @Field(() => ForecastBacktestObject)
  backtest!: ForecastBacktestObject;

  static from(r: ForecastRow): ForecastObject {
    return Object.assign(new ForecastObject(), {
      service: r.service,
      metric: r.metric as ForecastMetricValue,
      patternId: r.patternId ?? null,
      parameter: r.parameter ?? null,
      model: r.model,
      intervalSeconds: Math.round(r.intervalMs / 1000),
      generatedAt: r.generatedAt,
      actual: r.actual.map((a) => ({
        at: new Date(a.at),
        value: a.value,
        lower80: null,
        upper80: null,
        lower95: null,
        upper95: null,
      })),
      points: r.points.map((p) => ({ ...p, at: new Date(p.at) })),
      backtest: {
        smape: share(r.backtest.smape),
        mape: share(r.backtest.mape),
        coverage80: share(r.backtest.coverage80),
        coverage95: share(r.backtest.coverage95),
      },
    });
  }
}

/** The backtest's percentages as shares (0..1); null where there was too little to measure. */
function share(percent: number | null | undefined): number | null {
  return percent == null || !Number.isFinite(percent) ? null : percent / 100;
}
