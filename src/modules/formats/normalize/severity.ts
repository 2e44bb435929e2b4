import { SEVERITY_LEVELS, type SeverityName } from 'src/modules/logs/log-record';

/** A canonical level. Instances are shared and frozen: never mutate one. */
export type Severity = Readonly<{ number: number; text: SeverityName }>;

function level(name: SeverityName): Severity {
  const found = SEVERITY_LEVELS.find((l) => l.name === name);
  if (found === undefined) throw new TypeError(`unknown severity level ${name}`);
  return Object.freeze({ number: found.number, text: name });
}

// Shared results so the hot path returns a constant instead of allocating per record.
const TRACE = level('trace');
const DEBUG = level('debug');
const INFO = level('info');
const WARN = level('warn');
const ERROR = level('error');
const FATAL = level('fatal');

/**
 * Spellings seen in the wild, lower case. `verbose` maps to debug: Serilog and Android put it
 * below debug but winston puts it between info and debug, and debug is the only bucket that never
 * reorders either. `severe`, JUL's top level, counts as fatal (OpenTelemetry maps it to error).
 */
const SPELLINGS: ReadonlyArray<readonly [Severity, readonly string[]]> = [
  [TRACE, ['trace', 'trc', 't', 'finest', 'silly']],
  [DEBUG, ['debug', 'dbg', 'd', 'verbose', 'vrb', 'v', 'fine', 'finer']],
  [INFO, ['info', 'inf', 'information', 'informational', 'notice', 'i', 'n']],
  [WARN, ['warn', 'warning', 'wrn', 'w']],
  [ERROR, ['error', 'err', 'e']],
  [
    FATAL,
    [
      'fatal',
      'ftl',
      'critical',
      'crit',
      'alert',
      'emerg',
      'emergency',
      'panic',
      'f',
      'c',
      'severe',
    ],
  ],
];

// Exact-case variants are pre-registered so `INFO` and `Info` hit the map without a toLowerCase().
const BY_SPELLING = new Map<string, Severity>();
for (const [severity, names] of SPELLINGS) {
  for (const name of names) {
    BY_SPELLING.set(name, severity);
    BY_SPELLING.set(name.toUpperCase(), severity);
    BY_SPELLING.set(name.charAt(0).toUpperCase() + name.slice(1), severity);
  }
}

// Index = syslog severity (RFC 5424): 0 emerg, 1 alert, 2 crit, 3 err, 4 warning, 5 notice, 6 info, 7 debug.
const SYSLOG: readonly Severity[] = [FATAL, FATAL, FATAL, ERROR, WARN, INFO, INFO, DEBUG];
// Index = pino/bunyan level / 10: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal.
const PINO: readonly (Severity | null)[] = [
  null,
  TRACE,
  DEBUG,
  INFO,
  WARN,
  ERROR,
  FATAL,
  FATAL,
  FATAL,
  FATAL,
];

// Index = OTel severity number; keeps the fine grain (INFO2 = 10) while naming the bucket.
const OTEL: readonly (Severity | null)[] = Array.from({ length: 25 }, (_, n) => {
  const text = severityNumberToText(n);
  return text === null ? null : Object.freeze({ number: n, text });
});

/**
 * Normalizes a level as shippers send it: a name in any common spelling (case-insensitive,
 * trimmed), a syslog severity 0..7, a pino/bunyan level 10..60 (values in between fall to the
 * lower bucket, 60..99 are fatal), or the same numbers as a string. Returns the OTel number at
 * which the level starts, or null when the value is not a level.
 */
export function normalizeSeverity(value: unknown): Severity | null {
  if (typeof value === 'string') return BY_SPELLING.get(value) ?? fromUnusualString(value);
  if (typeof value === 'number') return fromNumber(value);
  return null;
}

/** Maps an OpenTelemetry severity number (1..24) to its level name; null outside that range. */
export function severityNumberToText(n: number): SeverityName | null {
  if (!Number.isInteger(n) || n < 1 || n > 24) return null;
  return SEVERITY_LEVELS[(n - 1) >> 2]?.name ?? null;
}

/** Reads an OpenTelemetry `severityNumber` (number or numeric string), keeping its exact value. */
export function normalizeOtelSeverityNumber(value: unknown): Severity | null {
  const n = typeof value === 'string' && isDecimal(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) return null;
  return OTEL[n] ?? null;
}

function fromUnusualString(value: string): Severity | null {
  const s = value.trim().toLowerCase();
  const hit = BY_SPELLING.get(s);
  if (hit !== undefined) return hit;
  return isDecimal(s) ? fromNumber(Number(s)) : null;
}

function fromNumber(n: number): Severity | null {
  if (n >= 0 && n < 8) return Number.isInteger(n) ? (SYSLOG[n] ?? null) : null;
  if (n >= 10 && n < 100) return PINO[Math.floor(n / 10)] ?? null;
  return null;
}

/** Digits with at most one dot; rules out '', '0x10', '1e1' and ' ' that Number() would accept. */
function isDecimal(s: string): boolean {
  if (s.length === 0) return false;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (++dots > 1 || i === 0 || i === s.length - 1) return false;
    } else if (c < 48 || c > 57) {
      return false;
    }
  }
  return true;
}
