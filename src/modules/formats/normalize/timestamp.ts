/** First instant we refuse: anything in year 2201 or later is a unit mix-up, not a log time. */
const END_MS = Date.UTC(2201, 0, 1);

// parseIso() results that are not timestamps.
const NOT_ISO = -1;
const INVALID_ISO = -2;

/**
 * Parses a log timestamp into integer epoch milliseconds (sub-millisecond digits are truncated).
 *
 * Accepts RFC 3339 / ISO 8601 strings (`T` or space, `.` or `,` fraction of any length, `Z`,
 * `±hh:mm`, `±hhmm`, `±hh`, no zone = UTC), epoch numbers and digit strings whose magnitude picks
 * the unit (seconds < 1e11 ≤ ms < 1e14 ≤ µs < 1e17 ≤ ns), bigints and Dates. Other strings that
 * carry a date and a time of day go to Date.parse (which reads a zone-less one in the server's
 * time zone). Returns null for anything before 1970 or after
 * 2200, non-finite numbers and garbage.
 */
export function parseTimestamp(value: unknown): number | null {
  switch (typeof value) {
    case 'string':
      return parseString(value);
    case 'number':
      return fromEpochNumber(value);
    case 'bigint':
      return fromEpochBigint(value);
    case 'object':
      return value instanceof Date ? inRange(value.getTime()) : null;
    default:
      return null;
  }
}

function inRange(ms: number): number | null {
  return ms >= 0 && ms < END_MS ? ms : null;
}

function fromEpochNumber(v: number): number | null {
  if (!(v >= 0) || v === Infinity) return null;
  // Seconds go through whole microseconds first: 1075686965.6 * 1000 is 1075686965599.9999.
  if (v < 1e11) return inRange(Math.floor(Math.round(v * 1e6) / 1e3));
  if (v < 1e14) return inRange(Math.floor(v));
  if (v < 1e17) return inRange(Math.floor(v / 1e3));
  return inRange(Math.floor(v / 1e6));
}

function fromEpochBigint(v: bigint): number | null {
  if (v < 0n) return null;
  if (v < 100_000_000_000n) return inRange(Number(v) * 1000);
  if (v < 100_000_000_000_000n) return inRange(Number(v));
  if (v < 100_000_000_000_000_000n) return inRange(Number(v / 1000n));
  return inRange(Number(v / 1_000_000n));
}

function parseString(raw: string): number | null {
  let s = raw;
  if (s.length === 0) return null;
  if (isSpace(s.charCodeAt(0)) || isSpace(s.charCodeAt(s.length - 1))) s = s.trim();
  if (s.length === 0 || s.length > 64) return null;

  const shape = numericShape(s);
  if (shape === DIGITS) return fromDigits(s);
  if (shape === DECIMAL) return fromEpochNumber(Number(s));

  const iso = parseIso(s);
  if (iso >= 0) return inRange(iso);
  if (iso === INVALID_ISO) return null;
  // V8's legacy parser reads 'foo 12' as December 2001; demand a year and a time of day.
  if (!looksLikeDateTime(s)) return null;
  const parsed = Date.parse(s);
  return Number.isNaN(parsed) ? null : inRange(Math.floor(parsed));
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

const OTHER = 0;
const DIGITS = 1;
const DECIMAL = 2;

function numericShape(s: string): number {
  let dot = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 && dot === -1 && i > 0 && i < s.length - 1) dot = i;
    else if (c < 48 || c > 57) return OTHER;
  }
  return dot === -1 ? DIGITS : DECIMAL;
}

/**
 * An all-digit epoch. The digit count picks the unit and the sub-millisecond digits are dropped
 * before converting, so a 19-digit nanosecond string never passes through a lossy float.
 */
function fromDigits(s: string): number | null {
  let start = 0;
  while (start < s.length - 1 && s.charCodeAt(start) === 48) start++;
  const significant = s.length - start;
  let keep = significant;
  if (significant > 17) keep -= 6;
  else if (significant > 14) keep -= 3;
  let v = 0;
  for (let i = start; i < start + keep; i++) v = v * 10 + (s.charCodeAt(i) - 48);
  return inRange(significant <= 11 ? v * 1000 : v);
}

/** Two decimal digits at i and i+1, or -1. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  // Reads past the end give NaN, which fails these comparisons too.
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Hand-rolled `YYYY-MM-DD([Tt ]HH:MM:SS([.,]f+)?(Z|±hh(:?mm)?)?)?`, the shape nearly every shipper
 * sends, in integer arithmetic. Returns epoch ms, NOT_ISO when the string has another shape (the
 * caller tries Date.parse), or INVALID_ISO for this shape with impossible fields (Date.parse would
 * roll Feb 30 over into March).
 */
function parseIso(s: string): number {
  const len = s.length;
  if (len < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return NOT_ISO;
  const century = two(s, 0);
  const yy = two(s, 2);
  const month = two(s, 5);
  const day = two(s, 8);
  if ((century | yy | month | day) < 0) return NOT_ISO;
  const year = century * 100 + yy;
  if (year < 1970 || year > 2200 || month < 1 || month > 12 || day < 1) return INVALID_ISO;
  if (day > daysInMonth(year, month)) return INVALID_ISO;
  const days = daysSinceEpoch(year, month, day);
  if (len === 10) return days * DAY_MS;

  const sep = s.charCodeAt(10);
  if ((sep !== 84 && sep !== 116 && sep !== 32) || len < 19) return NOT_ISO;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return NOT_ISO;
  const hour = two(s, 11);
  const minute = two(s, 14);
  const second = two(s, 17);
  if ((hour | minute | second) < 0) return NOT_ISO;
  // 60 is a leap second (RFC 3339); it carries into the next minute.
  if (hour > 23 || minute > 59 || second > 60) return INVALID_ISO;

  let i = 19;
  let ms = 0;
  const mark = s.charCodeAt(i);
  if (mark === 46 || mark === 44) {
    i++;
    const first = i;
    for (; i < len; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      if (i - first < 3) ms = ms * 10 + d;
    }
    const count = i - first;
    if (count === 0) return NOT_ISO;
    if (count === 1) ms *= 100;
    else if (count === 2) ms *= 10;
  }

  let offsetMinutes = 0;
  if (i < len) {
    const z = s.charCodeAt(i);
    if (z === 90 || z === 122) {
      i++;
    } else if (z === 43 || z === 45) {
      const hh = two(s, i + 1);
      i += 3;
      let mm = 0;
      if (i < len) {
        if (s.charCodeAt(i) === 58) i++;
        mm = two(s, i);
        i += 2;
      }
      if ((hh | mm) < 0) return NOT_ISO;
      if (hh > 23 || mm > 59) return INVALID_ISO;
      offsetMinutes = z === 45 ? -(hh * 60 + mm) : hh * 60 + mm;
    }
  }
  if (i !== len) return NOT_ISO;
  return days * DAY_MS + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + ms;
}

const DAY_MS = 86_400_000;
// Days before each month (1-based) in a common year.
const DAYS_BEFORE_MONTH = [0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to the given date; the year must be 1970 or later. */
function daysSinceEpoch(year: number, month: number, day: number): number {
  // Leap years in 1970..year-1: multiples of 4, minus multiples of 100, plus multiples of 400.
  const leapDays =
    Math.floor((year - 1969) / 4) -
    Math.floor((year - 1901) / 100) +
    Math.floor((year - 1601) / 400);
  const leapToday = month > 2 && isLeapYear(year) ? 1 : 0;
  return (year - 1970) * 365 + leapDays + (DAYS_BEFORE_MONTH[month] ?? 0) + leapToday + day - 1;
}

/** A run of four digits (a year) and a colon (a time of day). */
function looksLikeDateTime(s: string): boolean {
  let run = 0;
  let year = false;
  let colon = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++run === 4) year = true;
    } else {
      run = 0;
      if (c === 58) colon = true;
    }
  }
  return year && colon;
}
