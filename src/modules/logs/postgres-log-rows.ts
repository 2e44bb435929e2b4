import type { LogRecord } from './log-record';

/** Columns in the order COPY receives them. */
export const COPY_COLUMNS =
  'tenant_id, ts, id, observed_ts, severity_number, severity_text, body, service, host, dataset, format, trace_id, span_id, attributes';

export const SELECT_COLUMNS =
  'tenant_id, ts, id, observed_ts, severity_number, severity_text, body, service, host, dataset, format, trace_id, span_id, attributes';

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES = /[\\\t\n\r]/g;
const REPLACEMENTS: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Escapes a value for COPY's text format. */
export function copyText(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPES, (c) => REPLACEMENTS[c] ?? c) : value;
}

/** One record as a line of COPY text format (tab-separated, `\N` for NULL). */
export function toCopyLine(r: LogRecord): string {
  return (
    r.tenantId +
    '\t' +
    new Date(r.timestamp).toISOString() +
    '\t' +
    r.id +
    '\t' +
    new Date(r.observedTimestamp).toISOString() +
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
