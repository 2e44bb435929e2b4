import { type LogRecord, storedCategory } from './log-record';

/** The columns of `logs`, in the order COPY lines carry them and SELECTs read them. */
export const LOG_COLUMNS =
  'tenant_id, ts, id, observed_ts, severity_number, severity_text, body, service, host, dataset, format, trace_id, span_id, attributes, pattern_id, pattern_params, category, category_confidence';

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

const TAB = 0x09;
const LF = 0x0a;
const NULL_MARK = '\\N';
const SMALL_NUMBERS = Array.from({ length: 32 }, (_, n) => String(n));

/**
 * Records as COPY text format lines (tab-separated, `\\N` for NULL), written straight into
 * UTF-8 buffers, field by field: no line string is built,
 * so nothing waits to be flattened and encoded again, and the garbage per record stays small.
 */
export class CopyLines {
  readonly #chunks: Buffer[] = [];
  #buf: Buffer;
  #at = 0;

  constructor(private readonly chunkBytes = 128 * 1024) {
    this.#buf = Buffer.allocUnsafe(chunkBytes);
  }

  add(r: LogRecord): void {
    const severityText = copyText(r.severityText);
    const body = copyText(r.body);
    const service = copyText(r.service);
    const host = copyText(r.host);
    const dataset = copyText(r.dataset);
    const format = copyText(r.format);
    const traceId = r.traceId === null ? NULL_MARK : copyText(r.traceId);
    const spanId = r.spanId === null ? NULL_MARK : copyText(r.spanId);
    // JSON text holds no raw control characters, only backslashes to double.
    const json = JSON.stringify(r.attributes);
    const attributes = json.indexOf('\\') === -1 ? json : json.replaceAll('\\', '\\\\');
    const patternId = r.patternId == null ? NULL_MARK : copyText(r.patternId);
    const patternParams =
      r.patternParams === undefined ? NULL_MARK : copyText(pgArray(r.patternParams));
    const stored = storedCategory(r);
    const category = stored.category === null ? NULL_MARK : copyText(stored.category);
    // The shortest text that reads back as the same double; `real` keeps its nearest float4.
    const confidence =
      stored.categoryConfidence === null ? NULL_MARK : String(stored.categoryConfidence);
    // UTF-8 takes at most 3 bytes per UTF-16 unit; ids, times and tabs fit in the 160 spare.
    const bound =
      3 *
        (r.tenantId.length +
          r.id.length +
          severityText.length +
          body.length +
          service.length +
          host.length +
          dataset.length +
          format.length +
          traceId.length +
          spanId.length +
          attributes.length +
          patternId.length +
          patternParams.length +
          category.length +
          confidence.length) +
      160;
    if (this.#at + bound > this.#buf.length) this.next(bound);
    const b = this.#buf;
    let at = this.#at;
    at += b.write(r.tenantId, at);
    b[at++] = TAB;
    at += b.write(isoTimestamp(r.timestamp), at, 'latin1');
    b[at++] = TAB;
    at += b.write(r.id, at);
    b[at++] = TAB;
    at += b.write(isoTimestamp(r.observedTimestamp), at, 'latin1');
    b[at++] = TAB;
    at += b.write(SMALL_NUMBERS[r.severityNumber] ?? String(r.severityNumber), at, 'latin1');
    b[at++] = TAB;
    at += b.write(severityText, at);
    b[at++] = TAB;
    at += b.write(body, at);
    b[at++] = TAB;
    at += b.write(service, at);
    b[at++] = TAB;
    at += b.write(host, at);
    b[at++] = TAB;
    at += b.write(dataset, at);
    b[at++] = TAB;
    at += b.write(format, at);
    b[at++] = TAB;
    at += b.write(traceId, at);
    b[at++] = TAB;
    at += b.write(spanId, at);
    b[at++] = TAB;
    at += b.write(attributes, at);
    b[at++] = TAB;
    at += b.write(patternId, at);
    b[at++] = TAB;
    at += b.write(patternParams, at);
    b[at++] = TAB;
    at += b.write(category, at);
    b[at++] = TAB;
    at += b.write(confidence, at, 'latin1');
    b[at++] = LF;
    this.#at = at;
  }

  /** The bytes written, in order; the writer is spent. */
  finish(): Buffer[] {
    if (this.#at > 0) this.#chunks.push(this.#buf.subarray(0, this.#at));
    this.#at = 0;
    this.#buf = EMPTY;
    return this.#chunks;
  }

  private next(bound: number): void {
    if (this.#at > 0) this.#chunks.push(this.#buf.subarray(0, this.#at));
    this.#buf = Buffer.allocUnsafe(Math.max(this.chunkBytes, bound));
    this.#at = 0;
  }
}

const EMPTY = Buffer.alloc(0);

const ARRAY_ELEMENT_ESCAPE = /["\\]/g;

/** A text[] literal (`{"a","b\\"c"}`): every element quoted, `"` and `\\` backslash-escaped. */
export function pgArray(values: readonly string[]): string {
  if (values.length === 0) return '{}';
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    out += `"${(values[i] as string).replace(ARRAY_ELEMENT_ESCAPE, '\\$&')}"`;
  }
  return `${out}}`;
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
  pattern_id: string | null;
  pattern_params: string[] | null;
  category: string | null;
  /** `real`: node-postgres parses it to a number. */
  category_confidence: number | null;
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
    patternId: row.pattern_id,
    patternParams: row.pattern_params ?? [],
    category: row.category,
    categoryConfidence: row.category_confidence,
  };
}
