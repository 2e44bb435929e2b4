/**
 * Time layouts of web servers, parsed by hand: access logs are the hottest lines, and the
 * regex + Date round trip of the shared helpers costs more than the rest of a CLF parse.
 */
import { digitsAt, fractionAt, monthNumber } from '../support/time';

const DAY_MS = 86_400_000;
const DAYS_BEFORE_MONTH = [0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

function isLeap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

function daysIn(y: number, m: number): number {
  if (m === 2) return isLeap(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/**
 * Epoch ms for calendar fields in integer arithmetic, or null when one is out of range (Feb 30
 * is refused, not rolled over). Same contract as support/time's utcMillis, without a Date.
 */
export function civilMillis(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millis: number,
  offsetMinutes = 0,
): number | null {
  if (year < 1970 || year > 2200 || month < 1 || month > 12 || day < 1) return null;
  if (day > daysIn(year, month) || hour > 23 || minute > 59 || second > 60 || millis > 999) {
    return null;
  }
  const leapDays =
    Math.floor((year - 1969) / 4) -
    Math.floor((year - 1901) / 100) +
    Math.floor((year - 1601) / 400);
  const days =
    (year - 1970) * 365 +
    leapDays +
    (DAYS_BEFORE_MONTH[month] as number) +
    (month > 2 && isLeap(year) ? 1 : 0) +
    day -
    1;
  return days * DAY_MS + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
}

/**
 * CLF time `26/Nov/2026:10:11:12 +0000` (optionally with a fraction, as HAProxy writes, and
 * without the zone when `zoneless` allows it: then it is UTC).
 */
export function parseClfTimeFast(s: string, zoneless = false): number | null {
  if (
    s.length < 20 ||
    s.charCodeAt(2) !== 47 ||
    s.charCodeAt(6) !== 47 ||
    s.charCodeAt(11) !== 58
  ) {
    return null;
  }
  const day = digitsAt(s, 0, 2);
  const month = monthNumber(s.slice(3, 6));
  const year = digitsAt(s, 7, 4);
  const hour = digitsAt(s, 12, 2);
  const minute = digitsAt(s, 15, 2);
  const second = digitsAt(s, 18, 2);
  if ((day | year | hour | minute | second) < 0 || month === 0) return null;
  if (s.charCodeAt(14) !== 58 || s.charCodeAt(17) !== 58) return null;
  let i = 20;
  let millis = 0;
  if (s.charCodeAt(i) === 46) ({ millis, end: i } = fractionAt(s, i + 1));
  if (i === s.length)
    return zoneless ? civilMillis(year, month, day, hour, minute, second, millis) : null;
  if (s.length !== i + 6 || s.charCodeAt(i) !== 32) return null;
  const sign = s.charCodeAt(i + 1);
  const zh = digitsAt(s, i + 2, 2);
  const zm = digitsAt(s, i + 4, 2);
  if ((sign !== 43 && sign !== 45) || (zh | zm) < 0 || zh > 23 || zm > 59) return null;
  const offset = (sign === 45 ? -1 : 1) * (zh * 60 + zm);
  return civilMillis(year, month, day, hour, minute, second, millis, offset);
}

/**
 * `Sun Dec 04 04:47:44 2005` and `Thu Nov 26 10:11:12.123456 2026` (ctime layout, Apache's
 * error log), zone-less and so read as UTC. Null when the text is not in this layout.
 */
export function parseCtime(s: string): number | null {
  const m =
    /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d+))? (\d{4})$/.exec(
      s,
    );
  if (m === null) return null;
  return civilMillis(
    Number(m[7]),
    monthNumber(m[1] as string),
    Number(m[2]),
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    m[6] === undefined ? 0 : fractionAt(m[6], 0).millis,
  );
}
