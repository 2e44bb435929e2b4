import type { LogRecord } from 'src/modules/logs/log-record';

import { flattenEntry, stripNul, toJsonText } from './flatten';
import { normalizeOtelSeverityNumber, normalizeSeverity, type Severity } from './severity';
import { parseTimestamp } from './timestamp';

export interface NormalizeContext {
  tenantId: string;
  dataset: string;
  format: string;
  receivedAt: number;
  defaultService?: string;
}

export class RecordNormalizeError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'RecordNormalizeError';
  }
}

export const MAX_ATTRIBUTES = 256;
/** UTF-8 bytes. */
export const MAX_BODY_BYTES = 256 * 1024;

// Candidate keys in priority order, looked up in the flattened document.
export const TIMESTAMP_KEYS = [
  '@timestamp',
  'timestamp',
  'time',
  'ts',
  'date',
  'datetime',
  'eventTime',
  'timeUnixNano',
  // journald export: microseconds since the epoch, as a string.
  '__REALTIME_TIMESTAMP',
];
export const SEVERITY_KEYS = [
  'level',
  'log.level',
  'severity',
  'severity_text',
  'severityText',
  'loglevel',
  'log_level',
  'lvl',
  'levelname',
  'syslog.severity',
  'syslog_severity',
  // journald: syslog severity as a digit string.
  'PRIORITY',
];
const OTEL_SEVERITY_KEYS = ['severityNumber', 'severity_number'];
// Looked up on the document itself, before flattening: `message` or `body` may be an object.
export const BODY_KEYS = ['message', 'msg', 'log', 'short_message', 'body', 'MESSAGE', 'text'];
export const SERVICE_KEYS = [
  'service.name',
  'service',
  'serviceName',
  'service_name',
  'app',
  'application',
  'app_name',
  'kubernetes.labels.app',
  'kubernetes.labels.app.kubernetes.io/name',
  'syslog.appname',
  'appname',
  '_SYSTEMD_UNIT',
];
// agent.hostname is the shipper's machine, which is the source for Filebeat and node agents.
export const HOST_KEYS = [
  'host.name',
  'host',
  'hostname',
  'host.hostname',
  '_HOSTNAME',
  'syslog.hostname',
  'source_host',
  'agent.hostname',
];
// dd.trace_id is left out: it is a decimal 64-bit id that would never match an OTel hex trace id.
export const TRACE_KEYS = ['trace.id', 'trace_id', 'traceId', 'traceID'];
export const SPAN_KEYS = ['span.id', 'span_id', 'spanId', 'spanID'];

/**
 * Turns one shipper document into a record. Recognized fields are moved out of the document;
 * everything else lands, flattened, in `attributes`. A timestamp or level that does not parse
 * is not an error: the raw value stays in attributes and the next candidate is tried.
 */
export function normalizeDocument(doc: unknown, ctx: NormalizeContext): Omit<LogRecord, 'id'> {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new RecordNormalizeError('document must be a JSON object');
  }
  const source = doc as Record<string, unknown>;

  let bodyKey: string | null = null;
  let body: string | null = null;
  for (let k = 0; k < BODY_KEYS.length && body === null; k++) {
    const key = BODY_KEYS[k] as string;
    const value = source[key];
    if (value === undefined || value === null) continue;
    body = bodyText(key, value);
    if (body !== null) bodyKey = key;
  }

  const flat: Record<string, unknown> = {};
  let written = 0;
  for (const key in source) {
    if (key !== bodyKey) written += flattenEntry(flat, key, source[key]);
  }
  if (body === null) body = takeString(flat, 'event.original');

  const timestamp = takeTimestamp(flat);
  const severity = takeSeverity(flat);
  const service = takeFirstString(flat, SERVICE_KEYS);
  const host = takeFirstString(flat, HOST_KEYS);
  const traceId = takeId(flat, TRACE_KEYS);
  const spanId = takeId(flat, SPAN_KEYS);

  const attributes = flat;
  // `written` bounds the keys left, so the usual small document never pays for enumeration.
  const dropped = written > MAX_ATTRIBUTES ? capAttributes(attributes) : 0;
  if (body === null) body = hasAnyKey(attributes) ? toJsonText(attributes) : '';
  body = boundBody(trimLineEnd(stripNul(body)), attributes);
  if (dropped > 0) attributes['vigil.dropped_attributes'] = dropped;

  return {
    tenantId: ctx.tenantId,
    timestamp: timestamp ?? ctx.receivedAt,
    observedTimestamp: ctx.receivedAt,
    severityNumber: severity === null ? 0 : severity.number,
    severityText: severity === null ? '' : severity.text,
    body,
    service: service ?? ctx.defaultService ?? '',
    host: host ?? '',
    dataset: ctx.dataset,
    format: ctx.format,
    attributes,
    traceId,
    spanId,
  };
}

function bodyText(key: string, value: unknown): string | null {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      break;
    default:
      return null;
  }
  switch (key) {
    case 'message':
    case 'msg':
    case 'body':
      return toJsonText(value);
    case 'MESSAGE':
      return decodeJournaldBytes(value);
    default:
      // ECS uses `log` as a namespace (log.level, log.logger), not as the message.
      return null;
  }
}

/** journald exports a MESSAGE that is not valid UTF-8 as an array of byte values. */
function decodeJournaldBytes(value: unknown): string | null {
  if (!Array.isArray(value)) return null;
  for (const b of value) {
    if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) return null;
  }
  return Buffer.from(value as number[]).toString('utf8');
}

function takeTimestamp(flat: Record<string, unknown>): number | null {
  for (let k = 0; k < TIMESTAMP_KEYS.length; k++) {
    const key = TIMESTAMP_KEYS[k] as string;
    const raw = flat[key];
    if (raw === undefined || raw === null) continue;
    const ms = parseTimestamp(raw);
    // OTLP sends timeUnixNano "0" for "not set".
    if (ms !== null && ms !== 0) {
      delete flat[key];
      return ms;
    }
  }
  return null;
}

function takeSeverity(flat: Record<string, unknown>): Severity | null {
  for (let k = 0; k < SEVERITY_KEYS.length; k++) {
    const key = SEVERITY_KEYS[k] as string;
    const raw = flat[key];
    if (raw === undefined || raw === null) continue;
    const severity = normalizeSeverity(raw);
    if (severity !== null) {
      delete flat[key];
      return severity;
    }
  }
  for (let k = 0; k < OTEL_SEVERITY_KEYS.length; k++) {
    const key = OTEL_SEVERITY_KEYS[k] as string;
    const severity = normalizeOtelSeverityNumber(flat[key]);
    if (severity !== null) {
      delete flat[key];
      return severity;
    }
  }
  return null;
}

function takeString(flat: Record<string, unknown>, key: string): string | null {
  const value = flat[key];
  if (typeof value !== 'string') return null;
  delete flat[key];
  return value;
}

function takeFirstString(flat: Record<string, unknown>, keys: readonly string[]): string | null {
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k] as string;
    const value = flat[key];
    if (typeof value === 'string' && value.length > 0) {
      delete flat[key];
      return value;
    }
  }
  return null;
}

function takeId(flat: Record<string, unknown>, keys: readonly string[]): string | null {
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k] as string;
    const value = flat[key];
    let id: string;
    if (typeof value === 'string' && value.length > 0) id = value.toLowerCase();
    else if (typeof value === 'number' && Number.isFinite(value)) id = String(value);
    else continue;
    delete flat[key];
    return id;
  }
  return null;
}

/**
 * Holds any record to the limits a normalized document gets: at most MAX_ATTRIBUTES attributes
 * (the rest counted in `vigil.dropped_attributes`) and a body of at most MAX_BODY_BYTES
 * (`vigil.truncated`). `attributeCount` is an upper bound the caller knows, or -1 to count.
 */
export function boundRecord(
  record: { body: string; attributes: Record<string, unknown> },
  attributeCount = -1,
): void {
  if (attributeCount < 0 || attributeCount > MAX_ATTRIBUTES) {
    const dropped = capAttributes(record.attributes);
    if (dropped > 0) record.attributes['vigil.dropped_attributes'] = dropped;
  }
  record.body = boundBody(record.body, record.attributes);
}

function boundBody(body: string, attributes: Record<string, unknown>): string {
  if (body.length * 3 <= MAX_BODY_BYTES || Buffer.byteLength(body, 'utf8') <= MAX_BODY_BYTES) {
    return body;
  }
  attributes['vigil.truncated'] = true;
  return truncateUtf8(body);
}

/** Drops keys past MAX_ATTRIBUTES (in insertion order) and returns how many went. */
function capAttributes(attributes: Record<string, unknown>): number {
  const keys = Object.keys(attributes);
  for (let k = MAX_ATTRIBUTES; k < keys.length; k++) delete attributes[keys[k] as string];
  return Math.max(0, keys.length - MAX_ATTRIBUTES);
}

function hasAnyKey(o: Record<string, unknown>): boolean {
  for (const _ in o) return true;
  return false;
}

/** Docker json-file and most tailers keep the line terminator; it is not part of the message. */
function trimLineEnd(s: string): string {
  let end = s.length;
  if (end > 0 && s.charCodeAt(end - 1) === 10) end--;
  if (end > 0 && s.charCodeAt(end - 1) === 13) end--;
  return end === s.length ? s : s.slice(0, end);
}

const encoder = new TextEncoder();
// Reused across calls: truncation is rare and encodeInto never splits a character.
let scratch: Uint8Array | null = null;

function truncateUtf8(s: string): string {
  scratch ??= new Uint8Array(MAX_BODY_BYTES);
  const { read } = encoder.encodeInto(s, scratch);
  return s.slice(0, read);
}
