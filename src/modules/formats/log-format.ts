/**
 * The contract every log format implements. A format is one small, named parser: a cheap
 * `detect` that says whether a line (or decoded JSON object) looks like this format, and a
 * `parse` that turns it into the fields of a LogRecord. The registry (format-registry.ts) picks
 * the format per stream and merges what `parse` returns into the record; parsers know nothing
 * about tenants, streams or storage.
 */

/** Attribute values a parser may produce: flat, dotted keys (ECS names where ECS has one). */
export type ParsedAttributes = Record<string, string | number | boolean>;

/** What a parser pulls out of one line. Every field is optional: absent means "not in the line". */
export interface ParsedFields {
  /** Epoch milliseconds. A zone-less time is read as UTC. */
  timestamp?: number;
  /** The level as written ('ERROR', 'warning', 'E', 'crit', '3'); the registry normalizes it. */
  level?: string;
  /** The human message, what the template miner sees. Absent: the whole line is the message. */
  message?: string;
  service?: string;
  host?: string;
  /** Lower-case hex. */
  traceId?: string;
  spanId?: string;
  /**
   * Everything else, flat: `http.request.method`, `http.response.status_code`, `url.original`,
   * `source.ip`, `user_agent.original`, `process.pid`, `process.name`, `log.logger`,
   * `event.duration` ... Numbers as numbers.
   */
  attributes?: ParsedAttributes;
  /**
   * The line is the start or middle of a record the shipper split (CRI `P`, Docker json-file
   * without the trailing newline): the stream joins messages until a line without `partial`.
   */
  partial?: boolean;
}

export type FormatFamily =
  | 'structured'
  | 'syslog'
  | 'web'
  | 'cloud'
  | 'containers'
  | 'runtimes'
  | 'databases'
  | 'security'
  | 'mobile'
  | 'text'
  | 'custom';

/** A real-looking line and (a subset of) the fields it must yield. */
export interface FormatSample {
  line: string;
  expect: ParsedFields;
}

/** What a parser may need besides the line. */
export interface ParseContext {
  /** When the line arrived (epoch ms): the year of a year-less timestamp is inferred from it. */
  receivedAt: number;
}

interface FormatBase {
  /** Stable kebab-case name, stored as `LogRecord.format`: 'nginx-combined', 'syslog-rfc5424'. */
  readonly name: string;
  readonly family: FormatFamily;
  /** One line for `vigil formats` and the GraphQL format list. */
  readonly description: string;
  /**
   * Tie-break when several formats detect the same line: higher is tried first. A superset
   * format beats its subset (combined over common); catch-alls (logfmt, key=value, generic
   * JSON) are negative. Default 0.
   */
  readonly priority?: number;
  /**
   * The message is itself a log line in another format (Docker json-file, CRI, journald):
   * the stream detects the inner line's format too and merges both.
   */
  readonly wraps?: boolean;
  /**
   * Records span several lines and `detect` accepts only a record's first line (MySQL slow log:
   * an entry starts at `# Time:`): once a stream settles on this format, every line `detect`
   * rejects joins the record before it.
   */
  readonly startLine?: boolean;
  /** At least three real-looking samples; they double as fixtures and as detection corpus. */
  readonly samples: readonly FormatSample[];
}

/** A format whose records are text lines. */
export interface LineFormat extends FormatBase {
  readonly kind: 'line';
  /** Cheap and never throws; true for every line `parse` accepts, rarely for others. */
  detect(line: string): boolean;
  /** Null when the line is not in this format. Never throws. */
  parse(line: string, ctx: ParseContext): ParsedFields | null;
}

/**
 * A format whose records are JSON objects (one per line in a file, or a decoded shipper
 * document). The registry parses a line's JSON once and offers the object to every JSON format.
 * Samples are JSON text lines.
 */
export interface JsonFormat extends FormatBase {
  readonly kind: 'json';
  detect(doc: Readonly<Record<string, unknown>>): boolean;
  parse(doc: Readonly<Record<string, unknown>>, ctx: ParseContext): ParsedFields | null;
}

export type LogFormat = LineFormat | JsonFormat;

/**
 * Parses the message of a syslog (or journald) record written by a known program (sshd, sudo,
 * postfix/smtpd, CRON, kernel, auditd) into attributes. Chosen by the program name, after the
 * syslog format took the header apart; the record keeps its syslog format name and gains
 * `event.dataset` = the parser's name.
 */
export interface MessageParser {
  readonly name: string;
  readonly description: string;
  /** Program names (syslog APP-NAME / TAG, without the pid) it applies to; `postfix/*` style prefixes end with '/'. */
  readonly programs: readonly string[];
  /** Attributes from the message, or null when this message is not one it knows. */
  parse(message: string): ParsedAttributes | null;
  /** Messages and the attributes they must yield. */
  readonly samples: readonly { message: string; program: string; expect: ParsedAttributes }[];
}
