import { utcMillis } from '../support/time';

// One formatter per IANA zone seen; bounded because zone names come from log lines.
const MAX_ZONES = 64;
const formatters = new Map<string, Intl.DateTimeFormat | null>();
const MAX_OFFSETS = 1024;
const offsets = new Map<string, number>();

function formatterFor(zone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(zone);
  if (f !== undefined) return f;
  try {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    f = null;
  }
  if (formatters.size >= MAX_ZONES) formatters.clear();
  formatters.set(zone, f);
  return f;
}

/** Minutes east of UTC that `zone` is at the instant `ms`, or null for an unknown zone. */
function offsetAt(f: Intl.DateTimeFormat, ms: number): number {
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(ms)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    p.year ?? 1970,
    (p.month ?? 1) - 1,
    p.day ?? 1,
    p.hour ?? 0,
    p.minute ?? 0,
    p.second ?? 0,
  );
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
}

/**
 * Epoch ms of a wall-clock time in an IANA zone (`Europe/Berlin`), `UTC`, or null when the
 * zone or a field is invalid. A time in a DST gap or overlap resolves to one of its readings.
 */
export function zonedMillis(
  zone: string,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number | null {
  const asUtc = utcMillis(year, month, day, hour, minute, second);
  if (asUtc === null) return null;
  if (zone === 'UTC' || zone === 'GMT' || zone === 'Z') return asUtc;
  // Offsets change at most a few times a year: remember them per zone and hour.
  const key = `${zone}@${Math.floor(asUtc / 3_600_000)}`;
  const cached = offsets.get(key);
  if (cached !== undefined) return asUtc - cached * 60_000;
  const f = formatterFor(zone);
  if (f === null) return null;
  const first = asUtc - offsetAt(f, asUtc) * 60_000;
  const offset = offsetAt(f, first);
  if (offsets.size >= MAX_OFFSETS) offsets.clear();
  offsets.set(key, offset);
  return asUtc - offset * 60_000;
}
