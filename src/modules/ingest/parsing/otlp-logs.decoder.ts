import { stripNul, toJsonText } from '../../formats/normalize/flatten';
import { MAX_ATTRIBUTES, MAX_BODY_BYTES } from '../../formats/normalize/record-normalizer';
import { normalizeSeverity, severityNumberToText } from '../../formats/normalize/severity';
import type { LogRecord } from '../../logs/log-record';
import { ExportLogsServiceRequest } from './otlp-logs.schema';
import {
  type AttributeEntries,
  copyAttributes,
  isObject,
  OtlpFieldError,
  OtlpValueReader,
  readId,
  readUnixNanoAsMs,
  type ValueLimits,
} from './otlp-values';

/** The request as a whole cannot be read: answered 400, nothing is stored. */
export class OtlpDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OtlpDecodeError';
  }
}

export type OtlpRecordFields = Omit<LogRecord, 'id' | 'tenantId'>;

export type OtlpRecordResult =
  { ok: true; record: OtlpRecordFields } | { ok: false; where: string; reason: string };

export interface OtlpMapOptions extends ValueLimits {
  receivedAt: number;
  dataset: string;
}

/** Decodes an `application/x-protobuf` ExportLogsServiceRequest into the OTLP JSON shape. */
export function decodeOtlpProtobuf(body: Buffer): unknown {
  try {
    const message = ExportLogsServiceRequest.decode(body);
    return ExportLogsServiceRequest.toObject(message, { longs: String, defaults: false });
  } catch (err) {
    throw new OtlpDecodeError(
      `the body is not a valid ExportLogsServiceRequest: ${errorText(err)}`,
    );
  }
}

/** Parses an `application/json` ExportLogsServiceRequest. */
export function decodeOtlpJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (err) {
    throw new OtlpDecodeError(`the body is not valid JSON: ${errorText(err)}`);
  }
}

/** Resource-level values shared by every record below one ResourceLogs / ScopeLogs. */
interface Shared {
  service: string;
  host: string;
  /** Attributes to copy into each record, or why all of this resource's records are rejected. */
  attributes: Record<string, unknown> | string;
}

/**
 * Maps every log record of a decoded request, in order, to the fields of a Vigil record or to
 * the reason it is rejected. A record with a bad field fails alone; a request whose structure
 * is wrong (a list that is not a list) throws OtlpDecodeError before anything is returned.
 *
 * Mapping: resource `service.name` → service, `host.name` → host; the other resource
 * attributes → `resource.<key>`; scope → `scope.name`, `scope.version`, `scope.attributes.<key>`;
 * log attributes → `<key>` (nested kvlists as dotted keys); `eventName` → `event.name`; flags,
 * dropped-attribute counts and a severityText that is not the canonical name of severityNumber →
 * `otel.flags`, `otel.dropped_attributes_count`, `otel.severity_text`. Nothing in the request
 * can choose the tenant: a `tenant` resource attribute is just `resource.tenant`.
 */
export function mapOtlpRequest(request: unknown, options: OtlpMapOptions): OtlpRecordResult[] {
  if (!isObject(request)) throw new OtlpDecodeError('the request must be an object');
  const reader = new OtlpValueReader(options);
  const results: OtlpRecordResult[] = [];
  const resourceLogs = listField(request.resourceLogs, 'resourceLogs');
  for (let r = 0; r < resourceLogs.length; r++) {
    const rl = objectItem(resourceLogs[r], `resourceLogs[${r}]`);
    const base = readResource(reader, rl.resource, `resourceLogs[${r}].resource`);
    const scopeLogs = listField(rl.scopeLogs, `resourceLogs[${r}].scopeLogs`);
    for (let s = 0; s < scopeLogs.length; s++) {
      const where = `resourceLogs[${r}].scopeLogs[${s}]`;
      const sl = objectItem(scopeLogs[s], where);
      const shared = withScope(reader, base, sl.scope, `${where}.scope`);
      const records = listField(sl.logRecords, `${where}.logRecords`);
      // Copied into every record: entries walk faster than a null-prototype object.
      const sharedEntries =
        typeof shared.attributes === 'string' ? null : Object.entries(shared.attributes);
      for (let i = 0; i < records.length; i++) {
        if (sharedEntries === null) {
          const reason = shared.attributes as string;
          results.push({ ok: false, where: `${where}.logRecords[${i}]`, reason });
          continue;
        }
        try {
          reader.reset();
          const record = mapRecord(reader, records[i], shared, sharedEntries, options);
          results.push({ ok: true, record });
        } catch (err) {
          if (!(err instanceof OtlpFieldError)) throw err;
          results.push({ ok: false, where: `${where}.logRecords[${i}]`, reason: err.message });
        }
      }
    }
  }
  return results;
}

function readResource(reader: OtlpValueReader, resource: unknown, where: string): Shared {
  const shared: Shared = {
    service: '',
    host: '',
    attributes: Object.create(null) as Shared['attributes'],
  };
  if (resource === undefined || resource === null) return shared;
  try {
    if (!isObject(resource)) throw new OtlpFieldError(`${where} must be an object`);
    reader.reset();
    const attributes = reader.keyValues(resource.attributes, `${where}.attributes`);
    const service = attributes['service.name'];
    if (typeof service === 'string') {
      shared.service = stripNul(service);
      delete attributes['service.name'];
    }
    const host = attributes['host.name'];
    if (typeof host === 'string') {
      shared.host = stripNul(host);
      delete attributes['host.name'];
    }
    const out = Object.create(null) as Record<string, unknown>;
    for (const key in attributes) out[`resource.${key}`] = attributes[key];
    shared.attributes = out;
  } catch (err) {
    if (!(err instanceof OtlpFieldError)) throw err;
    shared.attributes = err.message;
  }
  return shared;
}

function withScope(reader: OtlpValueReader, base: Shared, scope: unknown, where: string): Shared {
  if (scope === undefined || scope === null || typeof base.attributes === 'string') return base;
  const attributes = Object.create(null) as Record<string, unknown>;
  Object.assign(attributes, base.attributes);
  try {
    if (!isObject(scope)) throw new OtlpFieldError(`${where} must be an object`);
    reader.reset();
    if (scope.name !== undefined && scope.name !== '') {
      attributes['scope.name'] = stringField(scope.name, `${where}.name`);
    }
    if (scope.version !== undefined && scope.version !== '') {
      attributes['scope.version'] = stringField(scope.version, `${where}.version`);
    }
    const own = reader.keyValues(scope.attributes, `${where}.attributes`);
    for (const key in own) attributes[`scope.attributes.${key}`] = own[key];
  } catch (err) {
    if (!(err instanceof OtlpFieldError)) throw err;
    return { ...base, attributes: err.message };
  }
  return { ...base, attributes };
}

function mapRecord(
  reader: OtlpValueReader,
  raw: unknown,
  shared: Shared,
  sharedAttributes: AttributeEntries,
  options: OtlpMapOptions,
): OtlpRecordFields {
  if (!isObject(raw)) throw new OtlpFieldError('the log record must be an object');
  const time = readUnixNanoAsMs(raw.timeUnixNano, 'timeUnixNano');
  const observed = readUnixNanoAsMs(raw.observedTimeUnixNano, 'observedTimeUnixNano');
  // The data model: use the observed time when the event time is unknown.
  const timestamp = time > 0 ? time : observed > 0 ? observed : options.receivedAt;
  if (timestamp >= LAST_MS) throw new OtlpFieldError('timeUnixNano is after the year 2200');

  const severityNumber = readSeverityNumber(raw.severityNumber);
  const severityText =
    raw.severityText === undefined ? '' : stringField(raw.severityText, 'severityText');
  const traceId = readId(raw.traceId, 16, 'traceId');
  const spanId = readId(raw.spanId, 8, 'spanId');
  const flags = optionalCount(raw.flags, 'flags');
  const droppedAttributes = optionalCount(raw.droppedAttributesCount, 'droppedAttributesCount');
  const eventName = raw.eventName === undefined ? '' : stringField(raw.eventName, 'eventName');
  const body = bodyText(reader.anyValue(raw.body, 'body'));
  const own = reader.entries(raw.attributes, 'attributes');

  const attributes: Record<string, unknown> = {};
  const count = { keys: 0 };
  let dropped = copyAttributes(attributes, own, MAX_ATTRIBUTES, count);
  const extra: Array<[string, unknown]> = [];
  if (eventName !== '') extra.push(['event.name', eventName]);
  if (flags !== 0) extra.push(['otel.flags', flags]);
  if (droppedAttributes !== 0) extra.push(['otel.dropped_attributes_count', droppedAttributes]);

  let number = 0;
  let level = '';
  if (severityNumber > 0) {
    number = severityNumber;
    level = severityNumberToText(severityNumber) ?? '';
    if (severityText !== '' && severityText.toLowerCase() !== level) {
      extra.push(['otel.severity_text', severityText]);
    }
  } else if (severityText !== '') {
    const parsed = normalizeSeverity(severityText);
    if (parsed) {
      number = parsed.number;
      level = parsed.text;
    } else {
      extra.push(['otel.severity_text', severityText]);
    }
  }
  dropped += copyAttributes(attributes, extra, MAX_ATTRIBUTES, count);
  dropped += copyAttributes(attributes, sharedAttributes, MAX_ATTRIBUTES, count);

  let text = trimLineEnd(stripNul(body));
  if (text.length * 3 > MAX_BODY_BYTES && Buffer.byteLength(text) > MAX_BODY_BYTES) {
    text = truncateUtf8(text, MAX_BODY_BYTES);
    attributes['vigil.truncated'] = true;
  }
  if (dropped > 0) attributes['vigil.dropped_attributes'] = dropped;

  return {
    timestamp,
    observedTimestamp: options.receivedAt,
    severityNumber: number,
    severityText: level,
    body: text,
    service: shared.service,
    host: shared.host,
    dataset: options.dataset,
    format: 'otlp',
    attributes,
    traceId,
    spanId,
  };
}

/** First instant refused, as in the document normalizer: later is a unit mix-up. */
const LAST_MS = Date.UTC(2201, 0, 1);

const SEVERITY_NAMES = new Map<string, number>([
  ['SEVERITY_NUMBER_UNSPECIFIED', 0],
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((name, i) =>
    ['', '2', '3', '4'].map((suffix, j): [string, number] => [
      `SEVERITY_NUMBER_${name}${suffix}`,
      i * 4 + j + 1,
    ]),
  ),
]);

function readSeverityNumber(value: unknown): number {
  if (value === undefined || value === null) return 0;
  // The protobuf JSON mapping allows an enum's name as well as its number.
  const n = typeof value === 'string' ? SEVERITY_NAMES.get(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 24) {
    throw new OtlpFieldError('severityNumber must be an integer from 0 to 24');
  }
  return n;
}

function optionalCount(value: unknown, where: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new OtlpFieldError(`${where} must be an unsigned 32-bit integer`);
  }
  return value;
}

function stringField(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new OtlpFieldError(`${where} must be a string`);
  return stripNul(value);
}

function bodyText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return toJsonText(value);
}

function trimLineEnd(s: string): string {
  let end = s.length;
  if (end > 0 && s.charCodeAt(end - 1) === 10) end--;
  if (end > 0 && s.charCodeAt(end - 1) === 13) end--;
  return end === s.length ? s : s.slice(0, end);
}

function truncateUtf8(s: string, maxBytes: number): string {
  const { read } = new TextEncoder().encodeInto(s, new Uint8Array(maxBytes));
  return s.slice(0, read);
}

function listField(value: unknown, where: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new OtlpDecodeError(`${where} must be an array`);
  return value;
}

function objectItem(value: unknown, where: string): Record<string, unknown> {
  if (!isObject(value)) throw new OtlpDecodeError(`${where} must be an object`);
  return value;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
