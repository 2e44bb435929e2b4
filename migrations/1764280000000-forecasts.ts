import type { MigrationInterface, QueryRunner } from 'typeorm';

import { secureTenantTable } from './support/row-level-security';

/**
 * Forecasting (issue 10): the latest forecast of each tenant's series (service × metric × the
 * pattern or pattern parameter it is about × interval), with the recent actual values it was fitted on, its points and intervals, the model
 * chosen and its own backtest error, and the open `trend` anomaly it raised, if any.
 */
export class Forecasts1764280000000 implements MigrationInterface {
  name = 'Forecasts1764280000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE forecasts (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        service text NOT NULL,
        metric text NOT NULL
          CHECK (metric IN ('volume', 'error_rate', 'pattern_volume', 'parameter')),
        series text NOT NULL DEFAULT '',
        interval_ms integer NOT NULL CHECK (interval_ms > 0),
        generated_at timestamptz NOT NULL,
        model text NOT NULL,
        actual jsonb NOT NULL,
        points jsonb NOT NULL,
        backtest jsonb NOT NULL,
        params jsonb NOT NULL,
        trend jsonb,
        PRIMARY KEY (tenant_id, service, metric, series, interval_ms)
      )`);
    await secureTenantTable(q, 'forecasts');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE forecasts`);
  }
}
