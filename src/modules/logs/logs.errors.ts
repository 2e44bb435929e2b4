export type LogsErrorCode =
  'INVALID_QUERY' | 'INVALID_INTERVAL' | 'INVALID_CURSOR' | 'INVALID_ARGUMENT';

export interface QueryErrorPosition {
  offset: number;
  line: number;
  column: number;
}

export class LogsError extends Error {
  constructor(
    readonly code: LogsErrorCode,
    message: string,
    readonly position?: QueryErrorPosition,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'LogsError';
  }
}
