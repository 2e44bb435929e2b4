/** The severity levels a classifier distinguishes, after {@link normaliseSeverity}. */
export const SEVERITY_LEVELS = [
  'trace',
  'debug',
  'info',
  'warn',
  'error',
  'fatal',
  'unknown',
] as const;
export type SeverityLevel = (typeof SEVERITY_LEVELS)[number];

const ALIASES: Record<string, SeverityLevel> = {
  trace: 'trace',
  finest: 'trace',
  finer: 'trace',
  debug: 'debug',
  fine: 'debug',
  info: 'info',
  information: 'info',
  informational: 'info',
  notice: 'info',
  config: 'info',
  warn: 'warn',
  warning: 'warn',
  err: 'error',
  error: 'error',
  severe: 'error',
  fatal: 'fatal',
  critical: 'fatal',
  crit: 'fatal',
  alert: 'fatal',
  emerg: 'fatal',
  emergency: 'fatal',
  panic: 'fatal',
};

/**
 * Maps the severity spellings of syslog (RFC 5424 keywords), log4j/logback, java.util.logging,
 * Python logging and OpenTelemetry `severityText` onto one small scale; anything else (absent,
 * `combo`, a number) is `unknown`.
 *
 * @example
 *   normaliseSeverity('WARNING'); // 'warn'
 *   normaliseSeverity('crit'); // 'fatal'
 */
export function normaliseSeverity(severity: string | undefined): SeverityLevel {
  if (severity === undefined) return 'unknown';
  return ALIASES[severity.trim().toLowerCase()] ?? 'unknown';
}
