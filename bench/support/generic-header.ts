/**
 * A generic log-header recogniser for the evaluation of raw lines: strips a leading timestamp
 * (bracketed, syslog `Mon DD HH:MM:SS`, ISO 8601, or compact digit runs like `081109 203615`),
 * then host and `process[pid]:` after a syslog timestamp, a pid, a level (bare or bracketed) and
 * a `component:` after the level. What remains is the message.
 *
 * Stand-in for the format registry (src/modules/formats), which the lead will switch this to.
 */
const LEVELS = new Set([
  'TRACE',
  'DEBUG',
  'INFO',
  'NOTICE',
  'WARN',
  'WARNING',
  'ERROR',
  'ERR',
  'CRIT',
  'CRITICAL',
  'ALERT',
  'EMERG',
  'FATAL',
  'SEVERE',
  'FINE',
  'FINER',
  'FINEST',
  'V',
  'D',
  'I',
  'W',
  'E',
  'F',
]);

const SYSLOG_TS =
  /^(?:[A-Z][a-z]{2} )?[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d+)?(?: \d{4})? +/;
const ISO_TS = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})? +/;
const BRACKET_TS = /^\[[^\]]*\d{2}:\d{2}[^\]]*\] +/;
const COMPACT_TS = /^\d{6,8} \d{6}(?:\.\d+)? +/;
const HOST = /^[\w.-]+ +/;
const PROCESS = /^(?:-- )?[\w.\-/@()]+(?: [\d.]+)?(?:\[\d+\])?: +/;
const PID = /^\d+ +/;
const LEVEL = /^\[?([A-Za-z]+)\]?:? +/;
const COMPONENT = /^[\w.$\-/]+: +/;

export function messageOf(line: string): string {
  let rest = line;
  let syslog = false;
  let m = SYSLOG_TS.exec(rest);
  if (m) syslog = true;
  else m = ISO_TS.exec(rest) ?? BRACKET_TS.exec(rest) ?? COMPACT_TS.exec(rest);
  if (m) rest = rest.slice(m[0].length);
  if (syslog) {
    const host = HOST.exec(rest);
    if (host && !PROCESS.test(rest)) rest = rest.slice(host[0].length);
    const proc = PROCESS.exec(rest);
    if (proc) rest = rest.slice(proc[0].length);
    return rest;
  }
  const pid = PID.exec(rest);
  if (pid && m) rest = rest.slice(pid[0].length);
  const level = LEVEL.exec(rest);
  if (level && LEVELS.has((level[1] as string).toUpperCase()) && (level[1] as string).length > 1) {
    rest = rest.slice(level[0].length);
    const component = COMPONENT.exec(rest);
    if (component) rest = rest.slice(component[0].length);
  }
  return rest;
}
