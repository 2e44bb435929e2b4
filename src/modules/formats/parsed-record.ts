import type { LogRecord } from 'src/modules/logs/log-record';

import type { FormatRegistry } from './format-registry';
import type { LogFormat, ParsedFields, ParseContext } from './log-format';
import { setEntry, stripNul } from './normalize/flatten';
import {
  BODY_KEYS,
  boundRecord,
  HOST_KEYS,
  SERVICE_KEYS,
  SPAN_KEYS,
  TIMESTAMP_KEYS,
  TRACE_KEYS,
} from './normalize/record-normalizer';
import { parseTimestamp } from './normalize/timestamp';
import { normalizeSeverity, type Severity } from './normalize/severity';

/** Where a parsed line goes: the record fields the line cannot know. */
export interface RecordContext {
  tenantId: string;
  dataset: string;
  receivedAt: number;
  /** Used when the line names no service / host. */
  defaultService?: string;
  defaultHost?: string;
}

/** A parsed record before it becomes a LogRecord: its format, fields and the text they came from. */
export interface ParsedRecord {
  format: LogFormat;
  fields: ParsedFields;
  /** The (joined) line; the body when the parser found no separate message. */
  raw: string;
  /**
   * `fields.attributes` is a fresh object already flattened and cleaned (the generic JSON
   * normalization made it): the record takes it over instead of copying it.
   */
  ownsAttributes?: boolean;
}

/** Runs a format's parse without ever throwing; null when the format refuses the input. */
export function parseWith(
  format: LogFormat,
  raw: string,
  doc: Readonly<Record<string, unknown>> | null,
  ctx: ParseContext,
): ParsedFields | null {
  try {
    if (format.kind === 'json') {
      if (doc === null) return null;
      const fields = format.parse(doc, ctx);
      return fields === null ? null : completeFromDocument(fields, doc);
    }
    const parsed = format.parse(raw, ctx);
    if (parsed !== null || raw.indexOf('\n') === -1) return parsed;
    // A parser that refuses the joined record still gets its first line; the rest stays in the message.
    const newline = raw.indexOf('\n');
    const head = format.parse(raw.slice(0, newline), ctx);
    if (head === null) return null;
    return { ...head, message: `${head.message ?? raw.slice(0, newline)}${raw.slice(newline)}` };
  } catch {
    return null;
  }
}

type DocumentField = 'message' | 'service' | 'host' | 'traceId' | 'spanId';

/** Record fields a JSON format may leave out, and where a document usually keeps them. */
const DOCUMENT_FALLBACKS: ReadonlyArray<readonly [DocumentField, readonly string[]]> = [
  ['message', BODY_KEYS],
  ['service', SERVICE_KEYS],
  ['host', HOST_KEYS],
  ['traceId', TRACE_KEYS],
  ['spanId', SPAN_KEYS],
];

interface Fallback {
  field: DocumentField;
  /** The key's place in its field's list: an earlier key wins. */
  rank: number;
  /** The dotted key, split (`['trace', 'id']`). */
  path: readonly string[];
  key: string;
}

/**
 * The fallbacks by the top-level key they start with, so that a document costs one map look-up
 * per own key instead of one per candidate key.
 */
const FALLBACKS_BY_HEAD = (() => {
  const byHead = new Map<string, Fallback[]>();
  for (const [field, keys] of DOCUMENT_FALLBACKS) {
    keys.forEach((key, rank) => {
      const path = key.split('.');
      // A dotted key is found nested (`{"trace": {"id": ...}}`) or literal (`{"trace.id": ...}`).
      for (const head of new Set([path[0] as string, key])) {
        const list = byHead.get(head) ?? [];
        list.push({ field, rank, path, key });
        byHead.set(head, list);
      }
    });
  }
  return byHead;
})();
const TIMESTAMP_HEADS = new Set(TIMESTAMP_KEYS.flatMap((k) => [k, k.split('.')[0] as string]));

/**
 * A specific JSON format maps the keys it knows; a field it leaves out that the document holds
 * under a common key (`trace_id`, `service`, `host.name`...) is taken as the generic JSON path
 * would take it, so claiming a document never loses what the generic path keeps.
 */
function completeFromDocument(
  fields: ParsedFields,
  doc: Readonly<Record<string, unknown>>,
): ParsedFields {
  let best: Map<DocumentField, { rank: number; value: string; key: string }> | null = null;
  const timestamped = fields.timestamp !== undefined;
  let timeCandidate = false;
  for (const head in doc) {
    if (!timestamped && TIMESTAMP_HEADS.has(head)) timeCandidate = true;
    const fallbacks = FALLBACKS_BY_HEAD.get(head);
    if (fallbacks === undefined) continue;
    for (const f of fallbacks) {
      const current = fields[f.field];
      if (current !== undefined && current !== '') continue;
      const found = best?.get(f.field);
      if (found !== undefined && found.rank <= f.rank) continue;
      const value = at(doc, f.path);
      if (typeof value !== 'string' && typeof value !== 'number') continue;
      const text = String(value);
      if (text === '') continue;
      best ??= new Map();
      best.set(f.field, { rank: f.rank, value: text, key: f.key });
    }
  }
  if (best !== null) {
    for (const [field, { value, key }] of best) {
      fields[field] = value;
      if (fields.attributes !== undefined && Object.hasOwn(fields.attributes, key)) {
        delete fields.attributes[key];
      }
    }
  }
  if (timeCandidate) {
    for (const key of TIMESTAMP_KEYS) {
      const ms = parseTimestamp(at(doc, key.split('.')));
      if (ms !== null && ms !== 0) {
        fields.timestamp = ms;
        break;
      }
    }
  }
  return fields;
}

/** The value at a key path: `doc[key]` itself first, then the nested one (`trace` → `id`). */
function at(doc: Readonly<Record<string, unknown>>, path: readonly string[]): unknown {
  const whole = path.length === 1 ? (path[0] as string) : path.join('.');
  if (Object.hasOwn(doc, whole)) return doc[whole];
  let value: unknown = doc;
  for (const part of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    if (!Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * When the detected format refuses to parse a record (a cheap `detect` said yes, `parse` said
 * no: `a=b c, d=e` looks like logfmt but is key=value), the next format in priority order that
 * both detects and parses it; null when none does (the record stays `text`).
 */
export function parseWithNext(
  registry: FormatRegistry,
  failed: LogFormat,
  raw: string,
  doc: Readonly<Record<string, unknown>> | null,
  ctx: ParseContext,
): { format: LogFormat; fields: ParsedFields } | null {
  const candidates: readonly LogFormat[] =
    doc === null ? registry.lineFormats : registry.jsonFormats;
  for (let i = candidates.indexOf(failed) + 1; i < candidates.length; i++) {
    const format = candidates[i] as LogFormat;
    const input = format.kind === 'json' ? (doc as Readonly<Record<string, unknown>>) : raw;
    let detected: boolean;
    try {
      detected =
        format.kind === 'json'
          ? format.detect(input as typeof doc & object)
          : format.detect(input as string);
    } catch {
      detected = false;
    }
    if (!detected) continue;
    const fields = parseWith(format, raw, doc, ctx);
    if (fields !== null) return { format, fields };
  }
  return null;
}

/**
 * Runs the message sub-parser of the record's program (sshd, postfix/smtpd, ...) after a syslog
 * or journald parse: the record keeps its format and gains attributes and `event.dataset`.
 */
export function applyMessageParser(
  registry: FormatRegistry,
  format: LogFormat,
  fields: ParsedFields,
): void {
  if (registry.messageParsers.length === 0) return;
  if (format.family !== 'syslog' && format.family !== 'containers') return;
  const program = fields.attributes?.['process.name'] ?? fields.service;
  if (typeof program !== 'string' || program === '' || fields.message === undefined) return;
  const parser = registry.messageParserFor(program);
  if (parser === null) return;
  let extra;
  try {
    extra = parser.parse(fields.message);
  } catch {
    return;
  }
  if (extra === null) return;
  const attributes = (fields.attributes = { ...fields.attributes });
  for (const key in extra) setEntry(attributes, key, extra[key]);
  attributes['event.dataset'] = parser.name;
}

/**
 * Merges a wrapper's record (Docker json-file, CRI, journald) with the record of the message it
 * carries: the inner fields win, the wrapper fills what the inner line lacks (its timestamp most
 * often) and names itself in `log.wrapper`.
 */
export function mergeWrapped(wrapper: ParsedRecord, inner: ParsedRecord): ParsedRecord {
  const w = wrapper.fields;
  const f = inner.fields;
  const attributes: Record<string, string | number | boolean> = {};
  for (const key in w.attributes) setEntry(attributes, key, w.attributes[key]);
  for (const key in f.attributes) setEntry(attributes, key, f.attributes[key]);
  attributes['log.wrapper'] = wrapper.format.name;
  const fields: ParsedFields = { attributes };
  const timestamp = f.timestamp ?? w.timestamp;
  if (timestamp !== undefined) fields.timestamp = timestamp;
  const level = f.level ?? w.level;
  if (level !== undefined) fields.level = level;
  if (f.message !== undefined) fields.message = f.message;
  const service = f.service ?? w.service;
  if (service !== undefined) fields.service = service;
  const host = f.host ?? w.host;
  if (host !== undefined) fields.host = host;
  const traceId = f.traceId ?? w.traceId;
  if (traceId !== undefined) fields.traceId = traceId;
  const spanId = f.spanId ?? w.spanId;
  if (spanId !== undefined) fields.spanId = spanId;
  return { format: inner.format, fields, raw: inner.raw };
}

/** Turns a parsed record into a LogRecord (without id). The original line stays in `event.original` when the body is only part of it. */
export function toLogRecord(parsed: ParsedRecord, ctx: RecordContext): Omit<LogRecord, 'id'> {
  const { fields, raw } = parsed;
  let attributes: Record<string, unknown>;
  // An upper bound on the attributes, so that the usual record is not counted again.
  let count = -1;
  if (parsed.ownsAttributes === true && fields.attributes !== undefined) {
    attributes = fields.attributes;
  } else {
    attributes = {};
    count = 2;
    const source = fields.attributes;
    for (const key in source) {
      setEntry(attributes, key, source[key]);
      count++;
    }
  }
  const body = stripNul(fields.message ?? raw);
  if (fields.message !== undefined && fields.message !== raw && parsed.format.kind === 'line') {
    attributes['event.original'] = stripNul(raw);
  }
  const severity =
    fields.level === undefined
      ? statusSeverity(fields.attributes?.['http.response.status_code'])
      : normalizeSeverity(fields.level);
  if (severity === null && fields.level !== undefined && fields.level !== '') {
    attributes['log.level'] = fields.level;
  }
  const timestamp = fields.timestamp;
  const bounded = { body, attributes };
  boundRecord(bounded, count);
  return {
    tenantId: ctx.tenantId,
    timestamp:
      timestamp !== undefined && Number.isFinite(timestamp)
        ? Math.trunc(timestamp)
        : ctx.receivedAt,
    observedTimestamp: ctx.receivedAt,
    severityNumber: severity?.number ?? 0,
    severityText: severity?.text ?? '',
    body: bounded.body,
    service: nonEmpty(fields.service) ?? ctx.defaultService ?? '',
    host: nonEmpty(fields.host) ?? ctx.defaultHost ?? '',
    dataset: ctx.dataset,
    format: parsed.format.name,
    attributes,
    traceId: nonEmpty(fields.traceId)?.toLowerCase() ?? null,
    spanId: nonEmpty(fields.spanId)?.toLowerCase() ?? null,
  };
}

/**
 * A shipper's document whose message is a raw line in a known format (Filebeat, Fluent Bit or
 * Vector tailing a file): the parsed line wins for timestamp, level, service and host; the
 * shipper's other fields stay as attributes, the parser's attributes over them.
 */
export function mergeShipperRecord(
  base: Omit<LogRecord, 'id'>,
  parsed: ParsedRecord,
  ctx: RecordContext,
): Omit<LogRecord, 'id'> {
  const line = toLogRecord(parsed, { ...ctx, defaultService: '', defaultHost: '' });
  const attributes = base.attributes;
  for (const key in line.attributes) setEntry(attributes, key, line.attributes[key]);
  // Each side was bounded alone; together they may hold twice the attributes.
  boundRecord({ body: '', attributes });
  const f = parsed.fields;
  return {
    ...base,
    timestamp:
      f.timestamp !== undefined && Number.isFinite(f.timestamp) ? line.timestamp : base.timestamp,
    severityNumber: line.severityText !== '' ? line.severityNumber : base.severityNumber,
    severityText: line.severityText !== '' ? line.severityText : base.severityText,
    body: line.body,
    service: line.service || base.service,
    host: line.host || base.host,
    format: line.format,
    attributes,
    traceId: line.traceId ?? base.traceId,
    spanId: line.spanId ?? base.spanId,
  };
}

/**
 * An access log line has no level; its status says how it went (as Datadog's status remapper
 * does): 5xx error, 4xx warn, anything else info.
 */
function statusSeverity(status: unknown): Severity | null {
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    return null;
  }
  return normalizeSeverity(status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info');
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}
