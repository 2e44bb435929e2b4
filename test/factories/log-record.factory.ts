import { uuidv7 } from 'src/common/ids/uuidv7';
import type { LogRecord } from 'src/modules/logs/log-record';

export const TENANT_A = '00000000-0000-4000-8000-00000000000a';

/** A valid LogRecord; override what the test cares about. */
export function buildLogRecord(overrides: Partial<LogRecord> = {}): LogRecord {
  const timestamp = overrides.timestamp ?? Date.now();
  return {
    id: uuidv7(timestamp),
    tenantId: TENANT_A,
    timestamp,
    observedTimestamp: timestamp,
    severityNumber: 9,
    severityText: 'info',
    body: 'a log line',
    service: 'api',
    host: 'host-1',
    dataset: 'test',
    format: 'json',
    attributes: {},
    traceId: null,
    spanId: null,
    ...overrides,
  };
}
