import type { LogRecord } from './log-record';

/** The columns of `logs`, in the order COPY lines carry them and SELECTs read them. */
export const LOG_COLUMNS =
  'tenant_id, ts, id, observed_ts, severity_number, severity_text, body, service, host, dataset, format, trace_id, span_id, attributes';

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES = /[\\\t\n\r]/g;
const REPLACEMENTS: Record<string, string> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
};

/** Escapes a value for COPY's text format. */
export function copyText(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPES, (c) => REPLACEMENTS[c] ?? c) : value;
}

// Records arrive in time order, so timestamps cluster in a few seconds (event time and arrival
// time are usually different ones): format `YYYY-MM-DDTHH:MM:SS` once per second, in a small
// direct-mapped cache, and append the milliseconds.
const SLOTS = 64;
const slotSecond = new Float64Array(SLOTS).fill(NaN);
const slotPrefix: string[] = new Array<string>(SLOTS).fill('');
const MS_SUFFIX = Array.from({ length: 1000 }, (_, ms) => `.${String(ms).padStart(3, '0')}Z`);

/** `new Date(ms).toISOString()`, several times faster for runs of nearby timestamps. */
export function isoTimestamp(ms: number): string {
  const second = Math.floor(ms / 1000);
  const slot = second & (SLOTS - 1);
  if (slotSecond[slot] !== second) {
    const iso = new Date(second * 1000).toISOString();
    if (iso.length !== 24) return new Date(ms).toISOString(); // years outside 0000-9999
    slotSecond[slot] = second;
    slotPrefix[slot] = iso.slice(0, 19);
  }
  return (slotPrefix[slot] as string) + MS_SUFFIX[Math.floor(ms) - second * 1000];
}

/** One record as a line of COPY text format (tab-separated, `\N` for NULL). */
export function toCopyLine(r: LogRecord): string {
  return (
    r.tenantId +
    '\t' +
    isoTimestamp(r.timestamp) +
    '\t' +
    r.id +
    '\t' +
    isoTimestamp(r.observedTimestamp) +
    '\t' +
    r.severityNumber +
    '\t' +
    copyText(r.severityText) +
    '\t' +
    copyText(r.body) +
    '\t' +
    copyText(r.service) +
    '\t' +
    copyText(r.host) +
    '\t' +
    copyText(r.dataset) +
    '\t' +
    copyText(r.format) +
    '\t' +
    (r.traceId === null ? '\\N' : copyText(r.traceId)) +
    '\t' +
    (r.spanId === null ? '\\N' : copyText(r.spanId)) +
    '\t' +
    copyText(JSON.stringify(r.attributes)) +
    '\n'
  );
}

export interface LogRow {
  tenant_id: string;
  ts: Date;
  id: string;
  observed_ts: Date;
  severity_number: number;
  severity_text: string;
  body: string;
  service: string;
  host: string;
  dataset: string;
  format: string;
  trace_id: string | null;
  span_id: string | null;
  attributes: Record<string, unknown>;
}

export function fromRow(row: LogRow): LogRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    timestamp: row.ts.getTime(),
    observedTimestamp: row.observed_ts.getTime(),
    severityNumber: row.severity_number,
    severityText: row.severity_text,
    body: row.body,
    service: row.service,
    host: row.host,
    dataset: row.dataset,
    format: row.format,
    attributes: row.attributes,
    traceId: row.trace_id,
    spanId: row.span_id,
  };
}
