/**
 * Time layouts the runtime, database and mobile formats write beyond support/time.ts: year-less
 * and date-less stamps, two-digit years and the zone abbreviations PostgreSQL and friends print.
 * Every function returns epoch ms or null; zone-less times are UTC.
 */
import { zoneOffset } from '../support/time';

const DAY_MS = 86_400_000;

/**
 * A time of day without a date (log4j2's default `%d{HH:mm:ss.SSS}`): the day that puts it
 * closest to `receivedAt` (a 23:59 line read at 00:01 is from yesterday).
 */
export function timeOfDayMillis(
  hour: number,
  minute: number,
  second: number,
  millis: number,
  receivedAt: number,
): number | null {
  if (hour > 23 || minute > 59 || second > 60 || millis > 999) return null;
  const midnight = receivedAt - (((receivedAt % DAY_MS) + DAY_MS) % DAY_MS);
  const t = midnight + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
  if (t - receivedAt > DAY_MS / 2) return t - DAY_MS;
  if (receivedAt - t > DAY_MS / 2) return t + DAY_MS;
  return t;
}

/** `yy` as written by `yyMMdd` layouts (HDFS, MySQL 5.5): 70..99 is the 1900s, the rest 2000s. */
export function fullYear(yy: number): number {
  return yy >= 70 ? 1900 + yy : 2000 + yy;
}

// Abbreviations PostgreSQL's default timezone_abbreviations set prints for common zones.
const ABBREVIATIONS: Readonly<Record<string, number>> = {
  UTC: 0,
  GMT: 0,
  UT: 0,
  Z: 0,
  WET: 0,
  WEST: 60,
  BST: 60,
  CET: 60,
  CEST: 120,
  MET: 60,
  MEST: 120,
  EET: 120,
  EEST: 180,
  MSK: 180,
  IST: 330,
  HKT: 480,
  JST: 540,
  KST: 540,
  AEST: 600,
  AEDT: 660,
  NZST: 720,
  NZDT: 780,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  AKST: -540,
  AKDT: -480,
  HST: -600,
};

/**
 * Minutes east of UTC for `UTC`, `CEST`, `+01`, `-0530`, `+05:30`; null for an abbreviation we
 * do not know (several are ambiguous, CST above all, so guessing would be worse than leaving the
 * time out).
 */
export function zoneMinutes(zone: string): number | null {
  const known = ABBREVIATIONS[zone];
  if (known !== undefined) return known;
  const c = zone.charCodeAt(0);
  if ((c === 43 || c === 45) && zone.length === 3) {
    const hh = Number(zone.slice(1));
    if (!Number.isInteger(hh) || hh > 23) return null;
    return c === 45 ? -hh * 60 : hh * 60;
  }
  return zoneOffset(zone);
}
