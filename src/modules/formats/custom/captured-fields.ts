import type { ParsedAttributes, ParsedFields } from '../log-format';
import { parseTimestamp } from '../normalize/timestamp';
import {
  fractionAt,
  monthNumber,
  parseBsdTime,
  parseClfTime,
  parseDateTime,
  utcMillis,
} from '../parsers/support/time';
import type { Capture, CaptureType, CompiledPattern } from './grok-compiler';

/** What a pattern captured from one line, converted, by field name; and the fields it yields. */
export interface PatternMatch {
  captured: ParsedAttributes;
  fields: ParsedFields;
}

type RecordField = 'timestamp' | 'level' | 'message' | 'service' | 'host' | 'traceId' | 'spanId';

/** Capture names that fill the record's own fields rather than attributes. */
const RECORD_FIELDS: ReadonlyMap<string, RecordField> = new Map([
  ['timestamp', 'timestamp'],
  ['@timestamp', 'timestamp'],
  ['time', 'timestamp'],
  ['level', 'level'],
  ['severity', 'level'],
  ['loglevel', 'level'],
  ['log.level', 'level'],
  ['message', 'message'],
  ['msg', 'message'],
  ['service', 'service'],
  ['service.name', 'service'],
  ['host', 'host'],
  ['hostname', 'host'],
  ['host.name', 'host'],
  ['host.hostname', 'host'],
  ['trace_id', 'traceId'],
  ['trace.id', 'traceId'],
  ['span_id', 'spanId'],
  ['span.id', 'spanId'],
]);

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

/**
 * Runs a compiled pattern on a line. Unmatched and empty groups are left out (as grok does by
 * default); when two groups fill the same field the first one that matched wins. A value that
 * cannot fill its record field (a timestamp in no known layout, a trace id that is not hex)
 * stays in the attributes under its capture name, so nothing captured is lost.
 */
export function matchPattern(
  compiled: CompiledPattern,
  line: string,
  receivedAt: number,
): PatternMatch | null {
  // Submatch offsets (UTF-16, -1 for a group that did not take part): cheaper than a Matcher.
  const offsets = compiled.regex.re2().findSubmatchIndex(line) as number[] | null;
  if (offsets === null) return null;
  const captured: ParsedAttributes = {};
  const fields: ParsedFields = {};
  let attributes: ParsedAttributes | null = null;
  for (const capture of compiled.captures) {
    const start = offsets[2 * capture.index] ?? -1;
    const end = offsets[2 * capture.index + 1] ?? -1;
    if (start < 0 || end <= start || Object.hasOwn(captured, capture.field)) continue;
    const value = convert(line.slice(start, end), capture.type);
    captured[capture.field] = value;
    if (!assignRecordField(fields, capture, value, receivedAt)) {
      attributes ??= {};
      attributes[capture.field] = value;
    }
  }
  if (attributes !== null) fields.attributes = attributes;
  return { captured, fields };
}

function convert(raw: string, type: CaptureType): string | number {
  if (type === 'string') return raw;
  const n = Number(raw.trim());
  if (!Number.isFinite(n) || raw.trim() === '') return raw;
  return type === 'int' ? Math.trunc(n) : n;
}

/** True when the value went to a record field. */
function assignRecordField(
  fields: ParsedFields,
  capture: Capture,
  value: string | number,
  receivedAt: number,
): boolean {
  const target = RECORD_FIELDS.get(capture.field);
  if (target === undefined) return false;
  const text = String(value);
  switch (target) {
    case 'timestamp': {
      if (fields.timestamp !== undefined) return false;
      const ms = parseCapturedTime(value, receivedAt);
      if (ms === null) return false;
      fields.timestamp = ms;
      return true;
    }
    case 'traceId':
    case 'spanId': {
      const id = text.toLowerCase();
      if (!(target === 'traceId' ? TRACE_ID : SPAN_ID).test(id) || fields[target] !== undefined) {
        return false;
      }
      fields[target] = id;
      return true;
    }
    case 'level':
    case 'message':
    case 'service':
    case 'host':
      if (fields[target] !== undefined) return false;
      fields[target] = text;
      return true;
  }
}

/**
 * The layouts grok's time patterns produce: HTTPDATE, SYSLOGTIMESTAMP, HTTPDERROR_DATE,
 * `YYYY/MM/DD HH:MM:SS`, then ISO 8601 / RFC 3339 and epoch numbers.
 */
export function parseCapturedTime(value: string | number, receivedAt: number): number | null {
  if (typeof value === 'number') return parseTimestamp(value);
  const s = value.trim();
  return (
    parseClfTime(s) ??
    parseBsdTime(s, receivedAt) ??
    parseHttpdErrorTime(s) ??
    parseDateTime(s) ??
    parseTimestamp(s)
  );
}

const HTTPD_ERROR_TIME =
  /^[A-Za-z]{3} ([A-Za-z]{3}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d+))? (\d{4})$/;

/** Apache error log time, `Wed Oct 11 14:32:52.123456 2000` (UTC: the layout has no zone). */
function parseHttpdErrorTime(s: string): number | null {
  const m = HTTPD_ERROR_TIME.exec(s);
  if (m === null) return null;
  const millis = m[6] === undefined ? 0 : fractionAt(m[6], 0).millis;
  return utcMillis(
    Number(m[7]),
    monthNumber(m[1] as string),
    Number(m[2]),
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    millis,
  );
}
