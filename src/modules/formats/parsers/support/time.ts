/**
 * Timestamp layouts that log formats write and RFC 3339 does not cover. Every function returns
 * epoch milliseconds, or null when the text is not in its layout; zone-less times are UTC.
 * RFC 3339 / ISO 8601 and epoch numbers: use `parseTimestamp` from normalize/timestamp.
 */

const MONTHS: Readonly<Record<string, number>> = {
  Jan: 1,
  Feb: 2,
  Mar: 3,
  Apr: 4,
  May: 5,
  Jun: 6,
  Jul: 7,
  Aug: 8,
  Sep: 9,
  Oct: 10,
  Nov: 11,
  Dec: 12,
};

/** 1..12 for an English month abbreviation ('Jan', 'jan', 'JAN'), or 0. */
export function monthNumber(abbr: string): number {
  if (abbr.length < 3) return 0;
  const key = abbr.charAt(0).toUpperCase() + abbr.slice(1, 3).toLowerCase();
  return MONTHS[key] ?? 0;
}

/**
 * Epoch ms from calendar fields, or null when a field is out of range (Feb 30 is refused, not
 * rolled over). `offsetMinutes` is the zone's offset east of UTC.
 */
export function utcMillis(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  millis = 0,
  offsetMinutes = 0,
): number | null {
  if (year < 1970 || year > 2200 || month < 1 || month > 12 || day < 1) return null;
  if (hour > 23 || minute > 59 || second > 60 || millis > 999) return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return null;
  return ms - offsetMinutes * 60_000;
}

/** Reads `digits` decimal digits at `at`, or -1. */
export function digitsAt(s: string, at: number, digits: number): number {
  let v = 0;
  for (let i = at; i < at + digits; i++) {
    const d = s.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Fraction digits at `at` (any count) as milliseconds, and where they end. */
export function fractionAt(s: string, at: number): { millis: number; end: number } {
  let i = at;
  let millis = 0;
  for (; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) break;
    if (i - at < 3) millis = millis * 10 + d;
  }
  const count = i - at;
  if (count === 1) millis *= 100;
  else if (count === 2) millis *= 10;
  return { millis, end: i };
}

/** `+hhmm`, `-hh:mm`, `Z`: minutes east of UTC, or null. */
export function zoneOffset(s: string): number | null {
  if (s === 'Z' || s === 'z' || s === 'UTC' || s === 'GMT') return 0;
  const m = /^([+-])(\d\d):?(\d\d)$/.exec(s);
  if (m === null) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

/** Common Log Format time, `10/Oct/2000:13:55:36 -0700` (the brackets already removed). */
export function parseClfTime(s: string): number | null {
  const m = /^(\d\d)\/([A-Za-z]{3})\/(\d{4}):(\d\d):(\d\d):(\d\d)(?:\.(\d+))? ([+-]\d{4})$/.exec(s);
  if (m === null) return null;
  const offset = zoneOffset(m[8] as string);
  const millis = m[7] === undefined ? 0 : fractionAt(m[7], 0).millis;
  return utcMillis(
    Number(m[3]),
    monthNumber(m[2] as string),
    Number(m[1]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    millis,
    offset ?? 0,
  );
}

// A sender's clock may run a little ahead of ours; a time further ahead than this is last year's.
const FUTURE_SLACK_MS = 2 * 86_400_000;

/**
 * Epoch ms of a time written without its year (BSD syslog, klog, Snort): the latest year that
 * does not put it more than two days after `receivedAt`. So a December line read in January is
 * last year's, a January line read on December 31st (a sender ahead of us) next year's, and March
 * read in November this year's — logs describe the past; Feb 29 goes back to the last leap year.
 * Null when the date exists in none of those years (Apr 31).
 */
export function yearlessMillis(
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millis: number,
  receivedAt: number,
): number | null {
  const year = new Date(receivedAt).getUTCFullYear();
  // Back up to four years, so that a Feb 29 finds its leap year.
  for (const y of [year + 1, year, year - 1, year - 2, year - 3, year - 4]) {
    const t = utcMillis(y, month, day, hour, minute, second, millis);
    if (t !== null && t <= receivedAt + FUTURE_SLACK_MS) return t;
  }
  return null;
}

/**
 * BSD syslog time without a year, `Oct 11 22:14:15` or `Oct  1 02:04:05` (optionally with a
 * fraction); the year as `yearlessMillis` infers it.
 */
export function parseBsdTime(s: string, receivedAt: number): number | null {
  const m = /^([A-Za-z]{3}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?$/.exec(s);
  if (m === null) return null;
  return yearlessMillis(
    monthNumber(m[1] as string),
    Number(m[2]),
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    m[6] === undefined ? 0 : fractionAt(m[6], 0).millis,
    receivedAt,
  );
}

/**
 * `YYYY/MM/DD HH:MM:SS[.fff]` (nginx error log, Go's log package) and `YYYY-MM-DD HH:MM:SS,fff`
 * style separators: any one non-digit between the date parts, space or `T` before the time,
 * `.` or `,` before the fraction.
 */
export function parseDateTime(s: string): number | null {
  if (s.length < 19) return null;
  const year = digitsAt(s, 0, 4);
  const month = digitsAt(s, 5, 2);
  const day = digitsAt(s, 8, 2);
  const hour = digitsAt(s, 11, 2);
  const minute = digitsAt(s, 14, 2);
  const second = digitsAt(s, 17, 2);
  if ((year | month | day | hour | minute | second) < 0) return null;
  let millis = 0;
  let end = 19;
  const mark = s.charCodeAt(19);
  if (mark === 46 || mark === 44) ({ millis, end } = fractionAt(s, 20));
  let offset = 0;
  const rest = s.slice(end).trim();
  if (rest.length > 0) {
    const z = zoneOffset(rest);
    if (z === null) return null;
    offset = z;
  }
  return utcMillis(year, month, day, hour, minute, second, millis, offset);
}
