import { exceedsDepth } from '../../common/json/json-depth';
import { normalizeDocument } from './normalize/record-normalizer';
import type {
  JsonFormat,
  LineFormat,
  LogFormat,
  MessageParser,
  ParsedAttributes,
  ParsedFields,
} from './log-format';
import { BUILT_IN_FORMATS, MESSAGE_PARSERS } from './parsers';

/** A JSON line nested deeper than this is kept as text. */
export const MAX_JSON_LINE_DEPTH = 64;

/** A line's format and, for a JSON line, its decoded object (parsed once, offered to every JSON format). */
export interface Detection {
  format: LogFormat;
  doc: Record<string, unknown> | null;
}

/** Lines nobody recognises: the whole line is the message, never dropped. */
export const TEXT_FORMAT: LineFormat = Object.freeze({
  kind: 'line',
  name: 'text',
  family: 'text',
  description: 'Plain text: the whole line is the message (no known format matched)',
  priority: Number.NEGATIVE_INFINITY,
  samples: [
    { line: 'starting worker pool with 8 threads', expect: {} },
    { line: 'WARNING: disk usage above 90% on /var', expect: {} },
    { line: 'job 4411 finished in 2.3s', expect: {} },
  ],
  detect: () => true,
  parse: () => ({}),
});

/**
 * JSON objects no specific format claims: the generic normalization (common key spellings for
 * time, level, message, service, host, trace ids; the rest flattened into attributes).
 */
export const GENERIC_JSON_FORMAT: JsonFormat = Object.freeze({
  kind: 'json',
  name: 'json',
  family: 'structured',
  description: 'Generic JSON: common spellings of time, level, message, service and host',
  priority: -1000,
  samples: [
    {
      line: '{"time":"2026-11-26T10:00:00Z","level":"info","msg":"cache warmed","entries":1200}',
      expect: { timestamp: Date.parse('2026-11-26T10:00:00Z'), level: 'info' },
    },
    {
      line: '{"@timestamp":"2026-11-26T10:00:01.250Z","log.level":"error","message":"payment declined","service":{"name":"billing"}}',
      expect: { level: 'error', message: 'payment declined', service: 'billing' },
    },
    {
      line: '{"ts":1795687200,"severity":"WARNING","text":"queue depth 5000","host":"mq-2"}',
      expect: { level: 'warn', host: 'mq-2' },
    },
  ],
  detect: () => true,
  parse: (doc: Readonly<Record<string, unknown>>) => genericJsonFields(doc),
});

const GENERIC_CONTEXT = { tenantId: '', dataset: '', format: 'json', receivedAt: Number.NaN };

/** The generic JSON normalization as parser fields (an absent timestamp stays absent). */
export function genericJsonFields(doc: Readonly<Record<string, unknown>>): ParsedFields | null {
  let record;
  try {
    record = normalizeDocument(doc, GENERIC_CONTEXT);
  } catch {
    return null;
  }
  const fields: ParsedFields = {
    message: record.body,
    attributes: record.attributes as ParsedAttributes,
  };
  if (Number.isFinite(record.timestamp)) fields.timestamp = record.timestamp;
  if (record.severityText !== '') fields.level = record.severityText;
  if (record.service !== '') fields.service = record.service;
  if (record.host !== '') fields.host = record.host;
  if (record.traceId !== null) fields.traceId = record.traceId;
  if (record.spanId !== null) fields.spanId = record.spanId;
  return fields;
}

/**
 * The formats one tenant's streams choose from: the built-ins, its own formats (custom grok
 * formats arrive as LineFormats of family `custom`) and the message sub-parsers. Formats are
 * tried by priority (higher first; equal priorities keep their order, the tenant's own first).
 */
export class FormatRegistry {
  readonly lineFormats: readonly LineFormat[];
  readonly jsonFormats: readonly JsonFormat[];
  readonly messageParsers: readonly MessageParser[];
  readonly #byName = new Map<string, LogFormat>();
  readonly #byProgram = new Map<string, MessageParser>();
  readonly #byPrefix: Array<readonly [string, MessageParser]> = [];

  constructor(formats: readonly LogFormat[], messageParsers: readonly MessageParser[] = []) {
    const ordered = formats
      .map((format, i) => ({ format, i }))
      .sort((a, b) => (b.format.priority ?? 0) - (a.format.priority ?? 0) || a.i - b.i)
      .map((e) => e.format);
    this.lineFormats = ordered.filter((f): f is LineFormat => f.kind === 'line');
    this.jsonFormats = ordered.filter((f): f is JsonFormat => f.kind === 'json');
    for (const f of [TEXT_FORMAT, GENERIC_JSON_FORMAT, ...ordered.reverse()]) {
      this.#byName.set(f.name, f);
    }
    this.messageParsers = messageParsers;
    for (const parser of messageParsers) {
      for (const program of parser.programs) {
        if (program.endsWith('/')) this.#byPrefix.push([program, parser]);
        else if (!this.#byProgram.has(program)) this.#byProgram.set(program, parser);
      }
    }
  }

  /** The built-in formats and message parsers. */
  static builtIn(): FormatRegistry {
    return new FormatRegistry(BUILT_IN_FORMATS, MESSAGE_PARSERS);
  }

  /** This registry plus a tenant's own formats (which win ties with the built-ins). */
  withExtra(extra: readonly LogFormat[]): FormatRegistry {
    if (extra.length === 0) return this;
    return new FormatRegistry(
      [...extra, ...this.lineFormats, ...this.jsonFormats],
      this.messageParsers,
    );
  }

  /** Every format, `text` and the generic `json` included, by priority. */
  get all(): LogFormat[] {
    // A built-in named `json` stands in for the generic fallback in lists.
    const generic = this.jsonFormats.some((f) => f.name === 'json') ? [] : [GENERIC_JSON_FORMAT];
    return [...this.jsonFormats, ...this.lineFormats, ...generic, TEXT_FORMAT];
  }

  byName(name: string): LogFormat | undefined {
    return this.#byName.get(name);
  }

  /** The best format for one line; `text` when nothing else detects it. Never throws. */
  detectLine(line: string): Detection {
    if (looksLikeJsonObject(line)) {
      const doc = parseJsonObject(line);
      if (doc !== null) return { format: this.detectDoc(doc), doc };
    }
    const formats = this.lineFormats;
    for (let i = 0; i < formats.length; i++) {
      const format = formats[i] as LineFormat;
      if (safeDetect(format, line)) return { format, doc: null };
    }
    return { format: TEXT_FORMAT, doc: null };
  }

  /** The most specific JSON format for a decoded object; the generic `json` when none is. */
  detectDoc(doc: Readonly<Record<string, unknown>>): JsonFormat {
    const formats = this.jsonFormats;
    for (let i = 0; i < formats.length; i++) {
      const format = formats[i] as JsonFormat;
      if (safeDetect(format, doc)) return format;
    }
    return GENERIC_JSON_FORMAT;
  }

  /** The sub-parser for a syslog program name (`sshd`, `postfix/smtpd`), if one knows it. */
  messageParserFor(program: string): MessageParser | null {
    const exact = this.#byProgram.get(program);
    if (exact !== undefined) return exact;
    for (const [prefix, parser] of this.#byPrefix) if (program.startsWith(prefix)) return parser;
    return null;
  }
}

/** A detect that throws (a tenant's format, say) counts as "not this format". */
export function safeDetect(
  format: LogFormat,
  input: string | Readonly<Record<string, unknown>>,
): boolean {
  try {
    return format.kind === 'line'
      ? format.detect(input as string)
      : format.detect(input as Readonly<Record<string, unknown>>);
  } catch {
    return false;
  }
}

/** `{` after optional blanks, `}` at the end: worth a JSON.parse. */
export function looksLikeJsonObject(line: string): boolean {
  let start = 0;
  while (start < line.length && isBlankCode(line.charCodeAt(start))) start++;
  if (line.charCodeAt(start) !== 0x7b) return false;
  let end = line.length - 1;
  while (end > start && isBlankCode(line.charCodeAt(end))) end--;
  return line.charCodeAt(end) === 0x7d;
}

/**
 * Decodes a JSON object line, or null. JSON.parse defines a `__proto__` key as an own property
 * (no prototype swap); everything that copies keys out of the object afterwards goes through
 * flatten's setEntry, which keeps it that way.
 */
export function parseJsonObject(line: string): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  // Deeper objects would overflow the recursive code after this point: such a line stays text.
  return typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !exceedsDepth(value, MAX_JSON_LINE_DEPTH)
    ? (value as Record<string, unknown>)
    : null;
}

function isBlankCode(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}
