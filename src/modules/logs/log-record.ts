/**
 * A log record inside Vigil: the OpenTelemetry log data model plus Vigil's own fields.
 * Timestamps are epoch milliseconds (the stores keep millisecond precision).
 */
export interface LogRecord {
  /** UUIDv7, time-ordered; assigned at ingest. */
  id: string;
  tenantId: string;
  timestamp: number;
  observedTimestamp: number;
  /** OpenTelemetry severity number, 1..24 (0 = unspecified). */
  severityNumber: number;
  /** Canonical lower-case level name: trace, debug, info, warn, error, fatal (or '' when unknown). */
  severityText: string;
  body: string;
  service: string;
  host: string;
  /** Where the record was sent: the ES index / data stream name, or the endpoint's dataset. */
  dataset: string;
  /** The format the record arrived in (json, text, ...). */
  format: string;
  /** Flat attributes: nested objects are flattened to dotted keys (a `__proto__` key is an own property). */
  attributes: Record<string, unknown>;
  traceId: string | null;
  spanId: string | null;
  /**
   * The pattern the message was mined into (modules/patterns), assigned at ingest after
   * redaction; null or absent when none was (records stored before patterns existed).
   */
  patternId?: string | null;
  /** The values behind the pattern template's `<*>`, in order. */
  patternParams?: string[];
  /**
   * The category the tenant's classifier gave the record at ingest (modules/classification);
   * null/absent when none.
   */
  category?: string | null;
  /** The classifier's calibrated probability for `category`, 0..1. */
  categoryConfidence?: number | null;
}

/** A record's category as every store keeps it; see `storedCategory`. */
export interface StoredCategory {
  category: string | null;
  categoryConfidence: number | null;
}

/**
 * The category fields as the stores write them, so that all of them read back alike: an empty
 * category is none, and a confidence is kept only beside a category and only when it is a
 * probability (a NaN or 1.2 from a faulty classifier is dropped rather than costing the record,
 * which the user sent and Vigil must not lose over its own annotation).
 */
export function storedCategory(
  record: Pick<LogRecord, 'category' | 'categoryConfidence'>,
): StoredCategory {
  const category = record.category ? record.category : null;
  const confidence = record.categoryConfidence;
  const valid = typeof confidence === 'number' && confidence >= 0 && confidence <= 1;
  return { category, categoryConfidence: category !== null && valid ? confidence : null };
}

/** The canonical severity levels, lowest first, with the OTel number each starts at. */
export const SEVERITY_LEVELS = [
  { name: 'trace', number: 1 },
  { name: 'debug', number: 5 },
  { name: 'info', number: 9 },
  { name: 'warn', number: 13 },
  { name: 'error', number: 17 },
  { name: 'fatal', number: 21 },
] as const;

export type SeverityName = (typeof SEVERITY_LEVELS)[number]['name'];
