/** Forecast refits (see forecasting.service.ts). */
export const FORECASTING_QUEUE = 'forecasting';

/**
 * `forecast.schedule`: repeatable; queues a refit of every tenant with recent logs.
 * `forecast.refit`: refits the volume and error-rate forecasts of a tenant's busiest services
 * (one waits per tenant: its job id is the tenant's).
 */
export type ForecastingJob =
  | { name: 'forecast.schedule'; data: Record<string, never> }
  | { name: 'forecast.refit'; data: { tenantId: string } };
