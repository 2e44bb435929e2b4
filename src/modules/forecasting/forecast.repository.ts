import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { inTenantTransaction } from '../../common/database/tenant-transaction';
import type { Forecast, ForecastPoint } from '../../ml/forecast/forecaster';

export type ForecastMetric = 'volume' | 'error_rate';

/** A stored forecast of one series. */
export interface ForecastRow {
  service: string;
  metric: ForecastMetric;
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
                                points, backtest, params)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (tenant_id, service, metric, interval_ms) DO UPDATE SET
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
        ],
      ),
    );
  }

  async find(
    tenantId: string,
    service: string,
    metric: ForecastMetric,
    intervalMs: number,
  ): Promise<ForecastRow | null> {
    const [row] = await inTenantTransaction(this.db, tenantId, (tx) =>
      tx.query<DbRow>(
        `SELECT service, metric, interval_ms, generated_at, model, actual, points, backtest, params,
                trend
           FROM forecasts
          WHERE tenant_id = $1 AND service = $2 AND metric = $3 AND interval_ms = $4`,
        [tenantId, service, metric, intervalMs],
      ),
    );
    return row
      ? {
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
  async trend(
    tenantId: string,
    service: string,
    metric: ForecastMetric,
    intervalMs: number,
  ): Promise<OpenTrend | null> {
    const [row] = await inTenantTransaction(this.db, tenantId, (tx) =>
      tx.query<{ trend: OpenTrend | null }>(
        `SELECT trend FROM forecasts
          WHERE tenant_id = $1 AND service = $2 AND metric = $3 AND interval_ms = $4`,
        [tenantId, service, metric, intervalMs],
      ),
    );
    return row?.trend ?? null;
  }

  async setTrend(
    tenantId: string,
    service: string,
    metric: ForecastMetric,
    intervalMs: number,
    trend: OpenTrend | null,
  ): Promise<void> {
    await inTenantTransaction(this.db, tenantId, (tx) =>
      tx.query(
        `UPDATE forecasts SET trend = $5
          WHERE tenant_id = $1 AND service = $2 AND metric = $3 AND interval_ms = $4`,
        [tenantId, service, metric, intervalMs, trend === null ? null : JSON.stringify(trend)],
      ),
    );
  }
}
