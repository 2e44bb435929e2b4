import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { inTenantTransaction } from '../../common/database/tenant-transaction';
import type { Forecast, ForecastPoint } from '../../ml/forecast/forecaster';

export type ForecastMetric = 'volume' | 'error_rate' | 'pattern_volume' | 'parameter';

/**
 * One series: a service's volume or error rate, a pattern's volume (`patternId`), or the mean of
 * a numeric pattern parameter (`patternId`, `parameter`: which `<*>`, from 0).
 */
export interface SeriesKey {
  service: string;
  metric: ForecastMetric;
  patternId?: string;
  parameter?: number;
}

/** How a series is told apart in storage beside its service and metric. */
export function seriesOf(key: SeriesKey): string {
  if (key.patternId === undefined) return '';
  return key.parameter === undefined ? key.patternId : `${key.patternId}#${key.parameter}`;
}

/** A stored forecast of one series. */
export interface ForecastRow extends SeriesKey {
  intervalMs: number;
  generatedAt: Date;
  model: string;
  /** The recent actual values, `{ at, value }` (at epoch ms). */
  actual: Array<{ at: number; value: number }>;
  points: ForecastPoint[];
  backtest: Forecast['backtest'];
  params: Record<string, number>;
  /** The `trend` anomaly the forecast keeps open, if any. */
  trend: OpenTrend | null;
}

/** The `trend` anomaly a series' forecast keeps open. */
export interface OpenTrend {
  id: string;
  since: number;
}

interface DbRow {
  service: string;
  metric: ForecastMetric;
  series: string;
  interval_ms: number;
  generated_at: Date;
  model: string;
  actual: ForecastRow['actual'];
  points: ForecastPoint[];
  backtest: Forecast['backtest'];
  params: Record<string, number>;
  trend: OpenTrend | null;
}

/** The latest forecast of each series, one row per tenant × service × metric × interval. */
@Injectable()
export class ForecastRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async save(tenantId: string, f: Omit<ForecastRow, 'trend'>): Promise<void> {
    await inTenantTransaction(this.db, tenantId, (tx) =>
      tx.query(
        `INSERT INTO forecasts (tenant_id, service, metric, interval_ms, generated_at, model, actual,
                                points, backtest, params, series)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (tenant_id, service, metric, series, interval_ms) DO UPDATE SET
           generated_at = excluded.generated_at, model = excluded.model, actual = excluded.actual,
           points = excluded.points, backtest = excluded.backtest, params = excluded.params`,
        [
          tenantId,
          f.service,
          f.metric,
          f.intervalMs,
          f.generatedAt,
          f.model,
          JSON.stringify(f.actual),
          JSON.stringify(f.points),
          JSON.stringify(f.backtest),
          JSON.stringify(f.params),
          seriesOf(f),
        ],
      ),
    );
  }

  async find(tenantId: string, key: SeriesKey, intervalMs: number): Promise<ForecastRow | null> {
    const [row] = await inTenantTransaction(this.db, tenantId, (tx) =>
      tx.query<DbRow>(
        `SELECT service, metric, series, interval_ms, generated_at, model, actual, points, backtest,
                params, trend
           FROM forecasts
          WHERE tenant_id = $1 AND service = $2 AND metric = $3 AND series = $4 AND interval_ms = $5`,
        [tenantId, key.service, key.metric, seriesOf(key), intervalMs],
      ),
    );
    return row
      ? {
          ...key,
          service: row.service,
          metric: row.metric,
          intervalMs: row.interval_ms,
          generatedAt: row.generated_at,
          model: row.model,
          actual: row.actual,
          points: row.points,
          backtest: row.backtest,
          params: row.params,
          trend: row.trend,
        }
      : null;
  }

  /** The open trend anomaly of a series (null: none). */
  async trend(tenantId: string, key: SeriesKey, intervalMs: number): Promise<OpenTrend | null> {
    const [row] = await inTenantTransaction(this.db, tenantId, (tx) =>
      tx.query<{ trend: OpenTrend | null }>(
        `SELECT trend FROM forecasts
          WHERE tenant_id = $1 AND service = $2 AND metric = $3 AND series = $4 AND interval_ms = $5`,
        [tenantId, key.service, key.metric, seriesOf(key), intervalMs],
      ),
    );
    return row?.trend ?? null;
  }

  async setTrend(
    tenantId: string,
    key: SeriesKey,
    intervalMs: number,
    trend: OpenTrend | null,
  ): Promise<void> {
    await inTenantTransaction(this.db, tenantId, (tx) =>
      tx.query(
        `UPDATE forecasts SET trend = $6
          WHERE tenant_id = $1 AND service = $2 AND metric = $3 AND series = $4 AND interval_ms = $5`,
        [
          tenantId,
          key.service,
          key.metric,
          seriesOf(key),
          intervalMs,
          trend === null ? null : JSON.stringify(trend),
        ],
      ),
    );
  }
}
