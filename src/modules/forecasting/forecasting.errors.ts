export type ForecastingErrorCode = 'INVALID_ARGUMENT' | 'NOT_ENOUGH_DATA';

/** Forecasting refusals (mapped to GraphQL codes in one place). */
export class ForecastingError extends Error {
  constructor(
    readonly code: ForecastingErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ForecastingError';
  }
}
